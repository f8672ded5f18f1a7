"""`python`: user code defining `run(inputs, ctx)`, run isolated by a worker (sandbox), with
the packages its `requirements` declare (compiler/requirements.py)."""

from __future__ import annotations

from compiler import pycode, requirements
from compiler.hints import did_you_mean
from compiler.ir import Step
from compiler.requirements import PackageLock
from compiler.steps.base import StepCheck, StepType

CONFIG_SCHEMA = {
    "type": "object",
    "required": ["code"],
    "properties": {
        "code": {"type": "string", "description": "Module text defining run(inputs, ctx)."},
        "requirements": {
            "type": "array", "maxItems": requirements.MAX_REQUIREMENTS,
            "title": "Packages",
            "description": "Python packages this step imports, one PEP 508 requirement a "
                           "line (e.g. \"pyyaml>=6\", \"httpx==0.28.*\"). Resolved to exact "
                           "versions when the workflow is saved; wheels only. Without it a "
                           "step imports the standard library only.",
            "items": {"type": "string", "minLength": 1, "maxLength": requirements.MAX_LINE},
        },
    },
}


def _check_requirements(c: StepCheck) -> tuple[PackageLock | None, bool]:
    """The step's lock (None: it declares no requirements, or they cannot be used), and
    whether its imports can be checked (not when its requirements could not be read or
    resolved: their own issue says why)."""
    value = c.step.config.get("requirements")
    parsed = requirements.parse(value)
    where = f"{c.where}.config.requirements"
    for index, problem in parsed.problems:
        if index >= requirements.MAX_REQUIREMENTS or len(value[index]) > requirements.MAX_LINE:
            continue  # the schema's own issue says it
        c.error("syntax_error", f"node {c.step.id!r} requirement {index + 1}: {problem}",
                field=f"{where}.{index}", suggestion="Write one requirement a line, e.g. "
                "\"pyyaml>=6\" or \"httpx==0.28.*\" (a name, optional extras and versions).")
    if parsed.problems:
        return None, False
    if not parsed.lines:
        return None, True
    known = c.ctx.python_locks
    lock = known.get(requirements.set_key(parsed.lines)) if known is not None else None
    if lock is None:
        c.error("requirement_unresolvable", f"node {c.step.id!r}: its requirements were not "
                "resolved (requirements are resolved when the workflow is saved)", field=where,
                suggestion="Save the workflow, or compile it with manage.py compile_workflow, "
                "which resolves them.")
        return None, False
    if not lock.ok:
        index = requirements.failed_index(lock, parsed)
        c.error("requirement_unresolvable", f"node {c.step.id!r}: {lock.error}",
                field=where if index is None else f"{where}.{index}",
                suggestion=_fix_for(lock))
        return None, False
    c.step.packages = lock
    c.out.package_locks[c.step.id] = lock
    return lock, True


def _fix_for(lock: PackageLock) -> str:
    text = lock.error.lower()
    if "no usable wheels" in text or "no wheel" in text or "source distribution" in text:
        name = f"{lock.failed_package!r} " if lock.failed_package else ""
        return (f"The package {name}publishes no wheel for this platform, and the platform "
                "installs wheels only: pin a version that has one, or use another package.")
    if "not found" in text or "no version" in text or "no versions" in text:
        return "Check the package name and version on the package index."
    return "Check the requirement against the package index, then save again."


def check(c: StepCheck) -> None:
    lock, checkable = _check_requirements(c)
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
        if not checkable or requirements.provided(module, lock):
            continue
        top = module.split(".", 1)[0]
        candidates = [*pycode.known_module_names(), *(lock.modules if lock else ())]
        hint = did_you_mean(top, candidates)
        wanted = requirements.distribution_for(module)
        fix = f"Add {wanted!r} to this step's requirements (config.requirements)."
        c.error("import_resolution", f"node {c.step.id!r} imports {module!r}, which neither "
                "its requirements nor the standard library provide", field=field_name,
                line=line, suggestion=f"{fix} If it is a typo: {hint}" if hint else fix)


def body(step: Step, code_const: str) -> list[str]:
    packages = f", 'packages': {step.packages.payload()!r}" if step.packages else ""
    return [f"    inputs = ctx.render(STEPS[{step.id!r}]['inputs'])",
            f"    return ctx.execute('python', {{'code': {code_const}, 'inputs': inputs"
            f"{packages}}})"]


TYPE = StepType(name="python", config_schema=CONFIG_SCHEMA, body=body, check=check,
                code_key="code")
