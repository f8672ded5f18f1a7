"""Static analysis of `python` step code: syntax, the run(inputs, ctx) entry point, imports.

Nothing here executes user code: only ast.parse. Which imports a step may make is
compiler/requirements.py's.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field


@dataclass
class CodeReport:
    syntax_error: tuple[str, int | None] | None = None  # (message, line)
    run_problem: tuple[str, int | None] | None = None
    imports: list[tuple[str, int]] = field(default_factory=list)  # (module, line)


def analyse_code(code: str) -> CodeReport:
    report = CodeReport()
    try:
        tree = ast.parse(code, filename="<node>")
    except SyntaxError as exc:
        report.syntax_error = (exc.msg, exc.lineno)
        return report
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        report.syntax_error = (f"code cannot be parsed ({type(exc).__name__})", None)
        return report
    run = next(
        (n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
         and n.name == "run"),
        None,
    )
    if run is None:
        report.run_problem = ("no top-level function run(inputs, ctx) is defined", None)
    elif isinstance(run, ast.AsyncFunctionDef):
        report.run_problem = ("run must be a plain function, not async def", run.lineno)
    else:
        args = run.args
        positional = len(args.posonlyargs) + len(args.args)
        if positional < 2 and args.vararg is None:
            report.run_problem = (
                f"run takes {positional} positional parameter(s); it is called as run(inputs, ctx)",
                run.lineno,
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            report.imports.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            report.imports.append((node.module, node.lineno))
    return report


def known_module_names() -> list[str]:
    return sorted(sys.stdlib_module_names)
