"""`approval`: the run waits for a person's decision, holding no worker. The step shows
`message` (expressions allowed) and asks for `fields` (a JSON Schema of what the approver
fills in); approved, its output is `{approved, by, at, data}`; rejected, it fails with
`approval_rejected`; past `timeout_seconds`, with `step_timeout`."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from compiler.ir import Step
from compiler.steps.base import FieldProblem, StepCheck, StepType

OUTPUT_FIELDS = ("approved", "by", "at", "data")
CONFIG_SCHEMA = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string", "minLength": 1,
                    "description": "What the approver is asked; {{ }} expressions allowed."},
        "fields": {"type": "object",
                   "description": "A JSON Schema of what the approver fills in."},
        "timeout_seconds": {"type": "number", "exclusiveMinimum": 0,
                            "description": "How long to wait for a decision."},
    },
}


def _field_properties(step: Step) -> dict[str, Any] | None:
    fields = step.config.get("fields")
    if isinstance(fields, dict) and isinstance(fields.get("properties"), dict):
        return fields["properties"]
    return None


def check(c: StepCheck) -> None:
    fields = c.step.config.get("fields")
    if isinstance(fields, dict):
        try:
            Draft202012Validator.check_schema(fields)
        except SchemaError as exc:
            c.error("syntax_error", f"approval {c.step.id!r}: fields is not a valid JSON "
                    f"Schema: {exc.message}", field=f"{c.where}.config.fields",
                    suggestion='Describe the form, e.g. {"type": "object", "properties": '
                               '{"comment": {"type": "string"}}}.')


def body(step: Step, _code_const: str) -> list[str]:
    ref = f"STEPS[{step.id!r}]['config']"
    return [f"    message = ctx.render({ref}['message'])",
            f"    return ctx.execute('approval', {{'message': message, "
            f"'fields': {ref}.get('fields') or {{}}, "
            f"'timeout_seconds': {ref}.get('timeout_seconds')}})"]


def output_type(step: Step, path: tuple[str, ...]) -> tuple[str | None, str]:
    if len(path) == 4:
        kind = {"approved": "boolean", "by": "string", "at": "string",
                "data": "object"}.get(path[3])
        if kind:
            return kind, ".".join(path)
    if len(path) == 5 and path[3] == "data":
        spec = (_field_properties(step) or {}).get(path[4])
        if isinstance(spec, dict) and isinstance(spec.get("type"), str):
            return spec["type"], ".".join(path)
    return None, ""


def field_problem(step: Step, path: tuple[str, ...]) -> FieldProblem | None:
    if path[0] not in OUTPUT_FIELDS:
        return "an approval's output has approved, by, at and data", list(OUTPUT_FIELDS), 0
    properties = _field_properties(step)
    if len(path) > 1 and path[0] == "data" and properties is not None \
            and path[1] not in properties:
        return f"approval {step.id!r} asks for {sorted(properties)}", sorted(properties), 1
    return None


TYPE = StepType(name="approval", config_schema=CONFIG_SCHEMA, body=body, check=check,
                output_type=output_type, field_problem=field_problem)
