"""`python`: user code defining `run(inputs, ctx)`, run isolated by a worker (sandbox)."""

from __future__ import annotations

from compiler import pycode
from compiler.hints import did_you_mean
from compiler.ir import Step
from compiler.steps.base import StepCheck, StepType

CONFIG_SCHEMA = {
    "type": "object",
    "required": ["code"],
    "properties": {"code": {"type": "string",
                            "description": "Module text defining run(inputs, ctx)."}},
}


def check(c: StepCheck) -> None:
    code = c.step.config.get("code")
    if not isinstance(code, str):
        return
    report = pycode.analyse_code(code)
    c.step.code_report = report
    field_name = f"{c.where}.config.code"
    if report.syntax_error:
        message, line = report.syntax_error
        c.error("syntax_error", f"Python syntax error in node {c.step.id!r}: {message}",
                field=field_name, line=line, suggestion="Fix the code at that line.")
        return
    if report.run_problem:
        message, line = report.run_problem
        c.error("syntax_error", f"node {c.step.id!r}: {message}", field=field_name, line=line,
                suggestion="Define it as:\ndef run(inputs, ctx):\n    return …")
    for module, line in report.imports:
        c.out.modules.add(module.split(".", 1)[0])
        if not c.ctx.module_available(module):
            hint = did_you_mean(module, pycode.known_module_names())
            c.error("import_resolution", f"node {c.step.id!r} imports {module!r}, which is not "
                    "installed on the workers", field=field_name, line=line,
                    suggestion=hint or f"Install {module.split('.')[0]!r} in the worker image, "
                    "or call the service from an http step.")


def body(step: Step, code_const: str) -> list[str]:
    return [f"    inputs = ctx.render(STEPS[{step.id!r}]['inputs'])",
            f"    return ctx.execute('python', {{'code': {code_const}, 'inputs': inputs}})"]


TYPE = StepType(name="python", config_schema=CONFIG_SCHEMA, body=body, check=check,
                code_key="code")
