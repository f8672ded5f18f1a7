"""`workflow`: run another saved workflow as a child execution; output its `output`."""

from __future__ import annotations

from compiler.context import CompileContext
from compiler.hints import did_you_mean
from compiler.ir import Step
from compiler.steps.base import StepCheck, StepType

CONFIG_SCHEMA = {
    "type": "object",
    "required": ["workflow"],
    "properties": {
        "workflow": {"type": "string", "minLength": 1,
                     "description": "Slug of another saved workflow."},
        "inputs": {"type": "object"},
    },
}


def check(c: StepCheck) -> None:
    step, ctx, where = c.step, c.ctx, c.where
    slug = step.config.get("workflow")
    if not isinstance(slug, str) or not slug:
        return
    c.out.subworkflows.add(slug)
    if ctx.workflows is None:
        return
    field_name = f"{where}.config.workflow"
    if slug == ctx.self_slug:
        c.error("import_resolution", f"node {step.id!r} calls its own workflow {slug!r}",
                field=field_name,
                suggestion="A workflow cannot call itself; use another workflow.")
        return
    child = ctx.workflows.get(slug)
    if child is None:
        hint = did_you_mean(slug, list(ctx.workflows))
        c.error("import_resolution", f"sub-workflow {slug!r} does not exist", field=field_name,
                suggestion=hint or "Save that workflow first, or fix the slug.")
        return
    cycle = _subworkflow_cycle(slug, ctx)
    if cycle:
        c.error("import_resolution", "sub-workflow cycle: " + " → ".join(cycle),
                field=field_name, suggestion="Break the cycle: one of these workflows must "
                "stop calling the next.")
    child_props = child.input_schema.get("properties") if isinstance(
        child.input_schema.get("properties"), dict) else {}
    given = step.config.get("inputs") if isinstance(step.config.get("inputs"), dict) else {}
    required = child.input_schema.get("required") if isinstance(
        child.input_schema.get("required"), list) else []
    for name in required:
        spec = child_props.get(name)
        if name not in given and not (isinstance(spec, dict) and "default" in spec):
            c.error("type_mismatch", f"sub-workflow {slug!r} requires input {name!r}, which "
                    f"node {step.id!r} does not pass", field=f"{where}.config.inputs",
                    suggestion=f"Add {name!r} to config.inputs.")
    for name, value in given.items():
        spec = child_props.get(name)
        if not isinstance(spec, dict):
            if child_props:
                hint = did_you_mean(name, list(child_props))
                c.warning("unused_input", f"sub-workflow {slug!r} declares no input {name!r}",
                          field=f"{where}.config.inputs.{name}", suggestion=hint or "Remove it.")
            continue
        if isinstance(spec.get("type"), str):
            c.expect_type(value, spec["type"], f"{where}.config.inputs.{name}")


def _subworkflow_cycle(start: str, ctx: CompileContext) -> list[str] | None:
    workflows = ctx.workflows or {}
    origin = ctx.self_slug
    stack: list[tuple[str, list[str]]] = [(start, [origin or "this workflow", start])]
    seen: set[str] = set()
    while stack:
        slug, path = stack.pop()
        if slug in seen:
            continue
        seen.add(slug)
        child = workflows.get(slug)
        for callee in child.calls if child else ():
            if origin is not None and callee == origin:
                return [*path, callee]
            stack.append((callee, [*path, callee]))
    return None


def body(step: Step, _code_const: str) -> list[str]:
    ref = f"STEPS[{step.id!r}]['config']"
    return [f"    inputs = ctx.render({ref}.get('inputs', {{}}))",
            f"    return ctx.execute('workflow', {{'workflow': {ref}['workflow'], "
            "'inputs': inputs})"]


TYPE = StepType(name="workflow", config_schema=CONFIG_SCHEMA, body=body, check=check)
