"""A python step's `config.requirements` in the pure compiler: lines checked at their index,
one spelling per meaning, imports checked against the lock the context brings, and the lock
carried into the artifact (compiler/requirements.py)."""

from __future__ import annotations

import pytest

from compiler import CompileContext, compile_definition, requirements
from compiler.requirements import LockedPackage, PackageLock
from compiler.schema import published_schema

TINY = LockedPackage(name="tinyver", version="1.0.0", hash="sha256:" + "a" * 64,
                     wheel="tinyver-1.0.0-py3-none-any.whl", modules=("tinyver",))
YAML = LockedPackage(name="pyyaml", version="6.0.2", hash="sha256:" + "b" * 64,
                     modules=("_yaml", "yaml"))
LOCK = PackageLock(packages=(TINY, YAML), digest="c" * 64,
                   target={"python": "3.12", "platform": "linux-x86_64"})


def step(node_id, code, reqs=None):  # type: ignore[no-untyped-def]
    config = {"code": code, **({"requirements": reqs} if reqs is not None else {})}
    return {"id": node_id, "type": "python", "position": {"x": 0, "y": 0},
            "data": {"timeout_seconds": 5, "config": config}}


def compiled(*nodes, locks=None):  # type: ignore[no-untyped-def]
    return compile_definition({"nodes": list(nodes), "edges": []},
                              CompileContext(python_locks=locks))


def key(*lines):  # type: ignore[no-untyped-def]
    return requirements.set_key(requirements.parse(list(lines)).lines)


CODE = "import yaml\nimport tinyver\n\n\ndef run(inputs, ctx):\n    return tinyver.__version__\n"


def test_the_published_schema_describes_requirements_for_the_settings_panel():
    config = published_schema()["$defs"]["python_config"]["properties"]["requirements"]
    assert config["type"] == "array" and config["items"]["type"] == "string"
    assert "PEP 508" in config["description"] and config["title"] == "Packages"


def test_one_spelling_per_meaning_gives_one_key():
    assert key("PyYAML >= 6", "TinyVer[Extra]") == key("tinyver[extra]", "pyyaml>=6")
    assert key("pyyaml>=6") != key("pyyaml>=7")


@pytest.mark.parametrize(("line", "expected"), [
    ("tinyver >>> 2", "is not a PEP 508 requirement"),
    ("tinyver @ https://example.invalid/t.whl", "requirements come from the package index"),
])
def test_a_bad_line_is_an_issue_at_its_index(line, expected):
    result = compiled(step("p", CODE, ["pyyaml", line]), locks={})
    [issue] = [i for i in result.issues if i.code == "syntax_error"]
    assert issue.field == "nodes.0.data.config.requirements.1", issue
    assert expected in issue.message and issue.node_id == "p" and issue.suggestion


def test_requirements_nothing_resolved_cannot_compile():
    result = compiled(step("p", CODE, ["pyyaml", "tinyver"]), locks=None)
    assert [i.code for i in result.issues] == ["requirement_unresolvable"]
    assert result.issues[0].field == "nodes.0.data.config.requirements"


def test_a_locked_step_imports_what_its_lock_provides_and_carries_the_lock():
    # given / when
    first = compiled(step("p", CODE, ["tinyver", "pyyaml"]), locks={key("tinyver", "pyyaml"): LOCK})
    again = compiled(step("p", CODE, ["tinyver", "pyyaml"]), locks={key("pyyaml", "TinyVer"): LOCK})

    # then
    assert first.status == "success", first.issues
    assert first.artifacts.code_sha256 == again.artifacts.code_sha256
    payload = LOCK.payload()
    assert f"'packages': {payload!r}" in first.artifacts.generated_code
    assert [(p["name"], p["version"], p["nodes"])
            for p in first.artifacts.dependencies["python_packages"]] == [
        ("pyyaml", "6.0.2", ["p"]), ("tinyver", "1.0.0", ["p"])]


def test_another_steps_lock_provides_nothing_here():
    result = compiled(step("a", CODE, ["tinyver", "pyyaml"]),
                      step("b", "import yaml\n\n\ndef run(inputs, ctx):\n    return 1\n"),
                      locks={key("tinyver", "pyyaml"): LOCK})
    [issue] = [i for i in result.issues if i.type == "error"]
    assert (issue.code, issue.node_id, issue.line) == ("import_resolution", "b", 1)
    assert "Add 'pyyaml'" in issue.suggestion


def test_a_failed_lock_points_at_the_line_it_is_about():
    failed = PackageLock(error="Because srconly==1.0 has no usable wheels …",
                         failed_package="srconly")
    result = compiled(step("p", CODE, ["pyyaml", "SrcOnly"]), locks={key("pyyaml", "srconly"): failed})
    [issue] = result.issues
    assert issue.code == "requirement_unresolvable"
    assert issue.field == "nodes.0.data.config.requirements.1"
    assert issue.message == ("Cannot resolve package requirements: node 'p': "
                             "Because srconly==1.0 has no usable wheels …")
    assert "'srconly'" in issue.suggestion and "wheels only" in issue.suggestion


def test_a_step_without_requirements_imports_the_standard_library_only():
    result = compiled(step("p", "import json\nimport django\n\n\ndef run(inputs, ctx):\n"
                                "    return 1\n"), locks={})
    assert [(i.code, i.line) for i in result.issues] == [("import_resolution", 2)]
    assert not requirements.WORKER_PROVIDED


def test_a_workflow_declares_a_bounded_number_of_requirement_lists():
    nodes = [step(f"s{n}", "def run(inputs, ctx):\n    return 1\n", [f"tinyver=={n}.0"])
             for n in range(requirements.MAX_SETS + 1)]
    assert len(requirements.requirement_sets({"nodes": nodes})) == requirements.MAX_SETS
    result = compiled(*nodes, locks={})
    [issue] = [i for i in result.issues if i.field == "nodes"]
    assert issue.code == "syntax_error" and "more than 50 different requirement lists" in \
        issue.message
