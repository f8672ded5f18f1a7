"""`condition`: a boolean expression; out-edges with handle "true" or "false" pick the
branch. Runs inside the worker's own transaction, like `transform`."""

from __future__ import annotations

from compiler import expressions
from compiler.ir import Step
from compiler.steps.base import FieldProblem, StepCheck, StepType

CONFIG_SCHEMA = {
    "type": "object",
    "required": ["expression"],
    "properties": {"expression": {"type": "string", "minLength": 1}},
}


def check(c: StepCheck) -> None:
    expression = c.step.config.get("expression")
    if isinstance(expression, str) and not expressions.contains_expression(expression):
        c.error("syntax_error", "a condition expression must be a {{ … }} expression",
                field=f"{c.where}.config.expression",
                suggestion=f"Write it as {{{{ {expression} }}}}.")


def body(step: Step, _code_const: str) -> list[str]:
    return [f"    return bool(ctx.render(STEPS[{step.id!r}]['config']['expression']))"]


def output_type(step: Step, path: tuple[str, ...]) -> tuple[str | None, str]:
    if len(path) == 3:
        return "boolean", f"the output of condition {step.id!r}"
    return None, ""


def field_problem(_step: Step, _path: tuple[str, ...]) -> FieldProblem | None:
    return "a condition's output is a boolean", [], 0


TYPE = StepType(name="condition", config_schema=CONFIG_SCHEMA, body=body, check=check,
                branches=("true", "false"), output_type=output_type,
                field_problem=field_problem)
