"""The workflow compiler: definition JSON → CompilationResult (docs/workflow-format.md,
"Compilation").

Pure and deterministic: no Django, no clock in the output, never executes user code, and never
raises: any input, however malformed, yields a CompilationResult.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from compiler.checks import check_definition
from compiler.codegen import COMPILER_VERSION, generate
from compiler.context import CompileContext, SubWorkflow
from compiler.requirements import LockedPackage, PackageLock
from compiler.result import Artifacts, CompilationResult, Issue, error

__all__ = ["COMPILER_VERSION", "CompilationResult", "CompileContext", "Issue", "LockedPackage",
           "PackageLock", "SubWorkflow", "compile_definition"]


def compile_definition(definition: Any, context: CompileContext | None = None) -> CompilationResult:
    """Check a definition and, when it has no errors, generate its artifact."""
    started = time.perf_counter()
    ctx = context or CompileContext()
    artifacts = Artifacts()
    try:
        checked = check_definition(definition, ctx)
        issues = checked.issues
        artifacts.dependencies = {
            "python_modules": sorted(checked.modules),
            "connections": sorted(checked.connections),
            "env_vars": sorted(checked.env_vars),
            "workflows": sorted(checked.subworkflows),
            "python_packages": python_packages(checked.package_locks),
        }
        if not checked.has_errors:
            code, source_map = generate(definition, checked)
            artifacts.generated_code = code
            artifacts.code_sha256 = hashlib.sha256(code.encode()).hexdigest()
            artifacts.source_map = source_map
    except RecursionError:
        issues = [error("syntax_error", "the definition is nested too deeply to compile",
                        suggestion="Flatten deeply nested values.")]
    except Exception as exc:  # the compiler must answer, whatever it was given
        issues = [error("internal_error", f"{type(exc).__name__}: {exc}",
                        suggestion="Report this definition to the platform team.")]
    if any(issue.type == "error" for issue in issues):
        status = "error"
        artifacts.generated_code, artifacts.code_sha256, artifacts.source_map = "", "", []
    elif issues:
        status = "warning"
    else:
        status = "success"
    return CompilationResult(
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 3),
        compiler_version=COMPILER_VERSION,
        issues=issues,
        artifacts=artifacts,
    )


def python_packages(locks: dict[str, PackageLock]) -> list[dict[str, Any]]:
    """Every package the python steps install, once per exact wheel, with the steps using it
    (two steps may pin two versions of one package: each has its own environment)."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for step_id, lock in sorted(locks.items()):
        for package in lock.packages:
            entry = found.setdefault((package.name, package.version, package.hash),
                                     {**package.as_dict(), "nodes": []})
            entry["nodes"].append(step_id)
    return [found[key] for key in sorted(found)]
