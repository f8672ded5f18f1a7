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
