"""`http`: one request through the worker's SSRF guard; output `{status, headers, body}`."""

from __future__ import annotations

from compiler import expressions
from compiler.hints import capitalise, did_you_mean
from compiler.ir import Step
from compiler.steps.base import FieldProblem, StepCheck, StepType

OUTPUT_FIELDS = ("status", "headers", "body")
_STATUS = {"type": "integer", "minimum": 100, "maximum": 599}
CONFIG_SCHEMA = {
    "type": "object",
    "required": ["url"],
    "properties": {
        "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
        "url": {"type": "string", "minLength": 1},
        "headers": {"type": "object", "additionalProperties": {"type": "string"}},
        "query": {"type": "object"},
        "body": {},
        "connection": {"type": "string", "minLength": 1},
        # Absent: any 2xx; "any": every status; else the codes that count as success.
        "expect_status": {"oneOf": [_STATUS, {"type": "array", "items": _STATUS,
                                              "minItems": 1}, {"const": "any"}]},
    },
}


def check(c: StepCheck) -> None:
    step, where = c.step, c.where
    if "timeout_seconds" not in step.data:
        c.warning("missing_timeout", f"http step {step.id!r} sets no timeout_seconds and gets "
                  "the default from the runtime settings", field=f"{where}.timeout_seconds",
                  suggestion="Set timeout_seconds to what the remote service needs, e.g. 30.")
    url = step.config.get("url")
    if isinstance(url, str) and not expressions.contains_expression(url) \
            and not url.lower().startswith(("http://", "https://")):
        c.error("syntax_error", f"url {url!r} is not an http(s) URL",
                field=f"{where}.config.url", suggestion="Start the URL with https:// or http://.")
    c.expect_type(url, "string", f"{where}.config.url", props={})
    connection = step.config.get("connection")
    if isinstance(connection, str) and connection:
        c.out.connections.add(connection)
        if c.ctx.connections is not None and connection not in c.ctx.connections:
            hint = did_you_mean(connection, c.ctx.connections)
            c.error("missing_dependency", f"connection {connection!r} does not exist",
                    field=f"{where}.config.connection",
                    suggestion=capitalise((f"{hint} Or c" if hint else "C")
                                          + f"reate it under {c.ctx.settings_hint} → "
                                          "Connections."))


def body(step: Step, _code_const: str) -> list[str]:
    return [f"    return ctx.execute('http', ctx.render(STEPS[{step.id!r}]['config']))"]


def output_type(_step: Step, path: tuple[str, ...]) -> tuple[str | None, str]:
    if len(path) == 4:
        kind = {"status": "integer", "headers": "object"}.get(path[3])
        if kind:
            return kind, ".".join(path)
    return None, ""


def field_problem(_step: Step, path: tuple[str, ...]) -> FieldProblem | None:
    if path[0] in OUTPUT_FIELDS:
        return None
    return "an http step's output has status, headers and body", list(OUTPUT_FIELDS), 0


TYPE = StepType(name="http", config_schema=CONFIG_SCHEMA, body=body, check=check,
                output_type=output_type, field_problem=field_problem)
