"""`transform`: any JSON value with `{{ }}` expressions inside; its output is the rendering.
Runs inside the worker's own transaction (no sandbox, no lease to publish)."""

from __future__ import annotations

from compiler.hints import literal_type
from compiler.ir import Step
from compiler.steps.base import FieldProblem, StepType

CONFIG_SCHEMA = {
    "type": "object",
    "required": ["value"],
    "properties": {"value": {"description": "Any JSON with {{ }} expressions inside."}},
}


def body(step: Step, _code_const: str) -> list[str]:
    return [f"    return ctx.render(STEPS[{step.id!r}]['config'].get('value'))"]


def field_problem(step: Step, path: tuple[str, ...]) -> FieldProblem | None:
    field, value = path[0], step.config.get("value")
    if isinstance(value, dict) and field not in value:
        return f"transform {step.id!r} produces keys {sorted(value)}", sorted(value), 0
    if isinstance(value, list) and not field.isdigit():
        return f"transform {step.id!r} produces a list", [], 0
    if value is not None and not isinstance(value, dict | list | str):
        return f"transform {step.id!r} produces a {literal_type(value)}", [], 0
    return None


TYPE = StepType(name="transform", config_schema=CONFIG_SCHEMA, body=body,
                field_problem=field_problem)
