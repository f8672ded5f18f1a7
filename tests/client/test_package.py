"""The client as a package: its wheel builds here, offline, with its type marker and the
generated layer inside, and imports on its own; and the generated layer is what the current
OpenAPI schema gives (regenerate with clients/python/generate.py after changing the API)."""

from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

CLIENT = ROOT / "clients" / "python"
GENERATED = CLIENT / "src" / "runtime_engine_client" / "_openapi"


def test_the_wheel_builds_and_imports_on_its_own(tmp_path):
    # when
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(tmp_path / "dist"), str(CLIENT)], check=True,
                   cwd=tmp_path, capture_output=True)
    (wheel,) = (tmp_path / "dist").glob("runtime_engine_client-*.whl")
    # then: typed, complete, with its dependencies declared
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n).decode() for n in names if n.endswith("/METADATA"))
    assert "runtime_engine_client/py.typed" in names
    assert "runtime_engine_client/_openapi/api/executions/executions_retrieve.py" in names
    assert {"runtime_engine_client/client.py", "runtime_engine_client/aio.py"} <= names
    for requirement in ("httpx", "httpx-sse", "attrs", "python-dateutil"):
        assert f"Requires-Dist: {requirement}" in metadata
    # and the installed wheel imports without this checkout (no .pth, no editable finder)
    target = tmp_path / "installed"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                    "--quiet", "--target", str(target), str(wheel)], check=True,
                   capture_output=True)
    probe = ("import runtime_engine_client as c, runtime_engine_client.models as m; "
             "print(c.__file__); print(c.Client.__name__, m.Execution.__name__)")
    site = sysconfig.get_paths()["purelib"]
    run = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True,
                         env={"PYTHONPATH": f"{target}:{site}"}, cwd=tmp_path, check=True)
    where, names_line = run.stdout.splitlines()
    assert where.startswith(str(target)) and names_line == "Client Execution"


def _shape(path: Path) -> str:
    return ast.dump(ast.parse(path.read_text()))


@pytest.mark.slow
def test_the_generated_layer_matches_the_current_schema(tmp_path):
    # when
    out = tmp_path / "_openapi"
    subprocess.run([sys.executable, str(CLIENT / "generate.py"), "--out", str(out)],
                   check=True, capture_output=True)
    # then: the same modules with the same code (formatting aside)
    fresh = {p.relative_to(out): p for p in out.rglob("*.py")}
    committed = {p.relative_to(GENERATED): p for p in GENERATED.rglob("*.py")}
    assert sorted(map(str, committed)) == sorted(map(str, fresh)), (
        "the API changed: run .venv/bin/python clients/python/generate.py")
    stale = [str(name) for name, path in fresh.items() if _shape(path) != _shape(
        committed[name])]
    assert stale == [], "the API changed: run .venv/bin/python clients/python/generate.py"
