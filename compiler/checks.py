"""Every check of a definition (docs/workflow-format.md, "Compilation"), each failure an
Issue, all reported at once: limits, structure (structure.py), then each step through the
options every step has and its own type's checks (compiler/steps/), then the expressions
(references.py).

The checks never raise on bad input: a value of the wrong shape is reported and skipped.
"""

from __future__ import annotations

from typing import Any

from compiler import expressions, references, requirements, structure
from compiler.context import CompileContext
from compiler.ir import Checked, Step
from compiler.result import error, warning
from compiler.steps import REGISTRY, StepCheck

MAX_DEPTH = 64
MAX_NODES = 20_000


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Iterative depth probe, so hostile nesting cannot overflow the stack."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return False


def _within_limits(definition: Any, out: Checked) -> bool:
    if not isinstance(definition, dict):
        out.issues.append(error("syntax_error", f"a workflow is a JSON object, not "
                                f"{type(definition).__name__}",
                                suggestion='Start from {"nodes": [], "edges": []}.'))
        return False
    if json_depth_exceeds(definition, MAX_DEPTH):
        out.issues.append(error("syntax_error", f"the definition is nested deeper than "
                                f"{MAX_DEPTH} levels",
                                suggestion="Flatten the nested values; deep data belongs in "
                                "inputs."))
        return False
    nodes = definition.get("nodes")
    if isinstance(nodes, list) and len(nodes) > MAX_NODES:
        out.issues.append(error("syntax_error", f"{len(nodes)} nodes is more than the limit of "
                                f"{MAX_NODES}", field="nodes",
                                suggestion="Split the workflow into sub-workflows."))
        return False
    return True


def check_definition(definition: Any, ctx: CompileContext) -> Checked:
    out = Checked()
    if not _within_limits(definition, out):
        return out
    structure.check_schema(definition, out)
    structure.collect_steps(definition, out)
    structure.check_graph(definition, out)
    props = _input_properties(definition)
    out.secret_inputs = {name for name, spec in props.items()
                         if isinstance(spec, dict) and spec.get("format") == "password"}
    scan = references.Scan(out, ctx, props, REGISTRY)
    for step in out.steps.values():
        _check_step(step, scan)
    if "output" in definition:
        references.check_value_expressions(definition["output"], None, "output", scan)
    _check_concurrency(definition, scan)
    _check_requirement_sets(definition, out)
    for name in sorted(set(props) - scan.used_inputs):
        out.issues.append(warning("unused_input", f"input {name!r} is declared but no step "
                                  "uses it", field=f"input_schema.properties.{name}",
                                  suggestion=f"Reference it as {{{{ inputs.{name} }}}} or "
                                  "remove it from input_schema."))
    return out


def _check_concurrency(definition: dict[str, Any], scan: references.Scan) -> None:
    """The key is computed when an execution starts, before any step ran: only `inputs`."""
    concurrency = definition.get("concurrency")
    key = concurrency.get("key") if isinstance(concurrency, dict) else None
    if not isinstance(key, str):
        return
    if not expressions.contains_expression(key):
        scan.out.issues.append(warning(
            "constant_concurrency_key", "the concurrency key is the same for every execution",
            field="concurrency.key", suggestion="Use an expression over inputs, e.g. "
            "{{ inputs.customer_id }}, or leave the key out for one limit for all runs."))
        return
    try:
        roots = {ref.path[0] for ref in expressions.analyse(key).references}
    except expressions.ExpressionError:
        roots = set()
    if roots - {"inputs"}:
        scan.out.issues.append(error(
            "syntax_error", f"the concurrency key reads {', '.join(sorted(roots - {'inputs'}))}"
            ", but only inputs exist when an execution starts", field="concurrency.key",
            suggestion="Build the key from inputs, e.g. {{ inputs.customer_id }}."))
        return
    references.check_value_expressions(key, None, "concurrency.key", scan)


def _check_requirement_sets(definition: dict[str, Any], out: Checked) -> None:
    """Each distinct requirement set is a resolution at save: a bounded number of them."""
    count = len(requirements.requirement_sets(definition, limit=requirements.MAX_SETS + 1))
    if count > requirements.MAX_SETS:
        out.issues.append(error(
            "syntax_error", f"the python steps declare more than {requirements.MAX_SETS} "
            "different requirement lists", field="nodes",
            suggestion="Give steps that need the same packages the same requirements, or "
            "split the workflow into sub-workflows."))


def _input_properties(definition: dict[str, Any]) -> dict[str, Any]:
    schema = definition.get("input_schema")
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        return schema["properties"]
    return {}


def _check_step(step: Step, scan: references.Scan) -> None:
    """The options every step has, its type's own checks, then its expressions."""
    where = f"nodes.{step.index}.data"
    ctx = scan.ctx
    timeout = step.data.get("timeout_seconds")
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) \
            and timeout > ctx.timeout_ceiling_s:
        scan.out.issues.append(error(
            "syntax_error", f"timeout_seconds {timeout} is above the platform ceiling of "
            f"{ctx.timeout_ceiling_s:g} s", node_id=step.id, field=f"{where}.timeout_seconds",
            suggestion=f"Use at most {ctx.timeout_ceiling_s:g}, or split the work into steps."))
    step_type = REGISTRY[step.type]
    step_type.check(StepCheck(step, scan.out, ctx, scan.props, where, REGISTRY))
    config = {k: v for k, v in step.config.items() if k != step_type.code_key}
    references.check_value_expressions(config, step, f"{where}.config", scan)
    references.check_value_expressions(step.inputs, step, f"{where}.inputs", scan)


__all__ = ["Checked", "check_definition"]
