"""`delay`: wait `seconds` without holding a worker; output null."""

from __future__ import annotations

from compiler.ir import Step
from compiler.steps.base import FieldProblem, StepCheck, StepType

CONFIG_SCHEMA = {
    "type": "object",
    "required": ["seconds"],
    "properties": {"seconds": {"oneOf": [{"type": "number", "minimum": 0, "maximum": 604800},
                                         {"type": "string"}]}},
}


def check(c: StepCheck) -> None:
    c.expect_type(c.step.config.get("seconds"), "number", f"{c.where}.config.seconds")


def body(step: Step, _code_const: str) -> list[str]:
    return [f"    seconds = ctx.render(STEPS[{step.id!r}]['config']['seconds'])",
            "    return ctx.execute('delay', {'seconds': seconds})"]


def output_type(step: Step, path: tuple[str, ...]) -> tuple[str | None, str]:
    if len(path) == 3:
        return "null", f"the output of delay {step.id!r}"
    return None, ""


def field_problem(_step: Step, _path: tuple[str, ...]) -> FieldProblem | None:
    return "a delay's output is null", [], 0


TYPE = StepType(name="delay", config_schema=CONFIG_SCHEMA, body=body, check=check,
                output_type=output_type, field_problem=field_problem)
