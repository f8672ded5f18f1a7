"""Static analysis of `python` step code: syntax, the run(inputs, ctx) entry point, imports.

Nothing here executes user code: only ast.parse and importlib.util.find_spec on top-level
module names (which locates a module without importing it).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from dataclasses import dataclass, field
from functools import cache


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


@cache
def module_available(name: str) -> bool:
    """Whether the top-level package of `name` can be found in this interpreter."""
    top = name.split(".", 1)[0]
    if top in sys.stdlib_module_names or top in sys.builtin_module_names:
        return True
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def known_module_names() -> list[str]:
    return sorted(sys.stdlib_module_names)
