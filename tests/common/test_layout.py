"""The house rules that a reader relies on, checked on the tree: modules stay small, SQL
text is built only in the data-access modules, project imports sit at the top of a file,
and the code cites the repository's own documents."""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("apps", "compiler", "worker", "config", "bench")
# The modules that may build SQL text, each documenting its statements and their benchmark.
SQL_DOORS = {"apps/common/rowsql.py", "apps/executions/sql.py",
             "apps/executions/partitions.py"}
SQL_CALLS = re.compile(r"cursor\.execute\(|\.raw\(|RawSQL\(|\.extra\(|rowsql\.selecting\(")
PROJECT = ("apps", "compiler", "worker", "config")  # bench/ sets Django up first and
# measures raw SQL baselines on purpose: the SQL and import rules are the product's


def _modules(tops: tuple[str, ...] = PRODUCT) -> list[Path]:
    return [path for top in tops for path in (ROOT / top).rglob("*.py")
            if "migrations" not in path.parts]


def test_no_module_is_over_400_lines():
    long = {str(p.relative_to(ROOT)): n for p in _modules()
            if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}


def test_sql_text_is_built_only_in_the_data_access_modules():
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in _modules(PROJECT) if str(path.relative_to(ROOT)) not in SQL_DOORS
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if SQL_CALLS.search(line)]
    assert found == []


def test_project_modules_are_imported_at_the_top_of_a_file():
    """A function-level import of our own code would hide a circle (or dodge one)."""
    found = []
    for path in _modules(PROJECT):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                names = ([alias.name for alias in inner.names]
                         if isinstance(inner, ast.Import) else
                         [inner.module or ""] if isinstance(inner, ast.ImportFrom) else [])
                found += [f"{path.relative_to(ROOT)}:{inner.lineno} {name}" for name in names
                          if name.split(".")[0] in PROJECT]
    assert found == []


def test_the_code_cites_the_repositorys_own_documents():
    listed = subprocess.run(["git", "grep", "-n", "DESIGN.md", "--", ".", ":!tests"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert listed.stdout == ""


# ---- the layers (docs/architecture.md, "The layers") ----------------------------------------
# A unit is an app (apps.<name>), the compiler, config, the worker, and the worker's
# dispatch (worker/dispatch.py and worker/names.py: they import no app, and the apps send
# messages through them). Imports under `if TYPE_CHECKING:` name types for annotations and
# are no dependency at run time.
WORKER_DOORS = {"services", "selectors", "models"}  # what the worker may import of an app
# Besides apps/common (shared helpers) and the doors: telemetry's process set-up.
WORKER_ALSO = {"apps.executions.tracing"}


def _unit(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] == "apps" and len(parts) > 1:
        return f"apps.{parts[1]}"
    if parts[0] == "worker":
        return "worker.dispatch" if parts[1:2] in (["dispatch"], ["names"]) else "worker"
    return parts[0] if parts[0] in ("compiler", "config") else None


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def _runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every project import that runs, whole modules resolved
    (`from worker import dispatch` is worker.dispatch)."""
    tree = ast.parse(path.read_text())
    typing_only = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test)
                   for stmt in block.body for node in ast.walk(stmt)}
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                found.append((node.lineno, name if _is_module(name) else node.module))
    return [(line, name) for line, name in found if name.split(".")[0] in PROJECT]


def _app_edges() -> dict[tuple[str, str], list[str]]:
    edges: dict[tuple[str, str], list[str]] = {}
    for path in _modules(PROJECT):
        source = _unit(_module_of(path))
        for line, name in _runtime_imports(path):
            target = _unit(name)
            if source and target and target != source:
                edges.setdefault((source, target), []).append(
                    f"{path.relative_to(ROOT)}:{line} {name}")
    return edges


def test_no_two_apps_import_each_other():
    edges = _app_edges()
    both_ways = {f"{a} <-> {b}": edges[(a, b)] + edges[(b, a)]
                 for a, b in edges if a < b and (b, a) in edges}
    assert both_ways == {}


def test_the_worker_reaches_apps_only_through_their_doors():
    found = []
    for path in _modules(("worker",)):
        if _unit(_module_of(path)) != "worker":
            continue
        for line, name in _runtime_imports(path):
            parts = name.split(".")
            if parts[0] != "apps" or parts[1] == "common" or name in WORKER_ALSO:
                continue
            if len(parts) < 3 or parts[2] not in WORKER_DOORS:
                found.append(f"{path.relative_to(ROOT)}:{line} {name}")
    assert found == []


def test_the_dispatch_imports_no_app():
    found = [f"{path.relative_to(ROOT)}:{line} {name}"
             for path in (ROOT / "worker/dispatch.py", ROOT / "worker/names.py")
             for line, name in _runtime_imports(path) if name.startswith("apps")]
    assert found == []


def test_only_the_unit_of_work_and_sql_send_the_engines_statements():
    """Which statements travel together, and when, is the unit's to decide
    (apps/executions/engine/unit.py); sql.py builds them."""
    allowed = {"apps/executions/engine/unit.py", "apps/executions/sql.py"}
    found = [f"{path.relative_to(ROOT)}:{line}" for path in _modules(("apps", "worker"))
             if str(path.relative_to(ROOT)) not in allowed
             and not str(path.relative_to(ROOT)).startswith("apps/common/")
             for line, name in _runtime_imports(path) if name == "apps.common.rowsql"]
    assert found == []
