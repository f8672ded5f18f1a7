"""The artifact: importable, runnable, deterministic, mapped back to nodes; canvas keys kept."""

from __future__ import annotations

import ast
import copy

from compiler import compile_definition
from compiler.runtime import LocalContext, load_artifact, run_plan
from tests.compiler.test_golden import example_context
from tests.conftest import load_example

XYFLOW_NODE_KEYS = {
    "measured": {"width": 150, "height": 40}, "width": 150, "height": 40, "selected": False,
    "dragging": False, "style": {"border": "1px"}, "className": "n", "zIndex": 2,
    "sourcePosition": "bottom", "targetPosition": "top", "hidden": False,
}
XYFLOW_EDGE_KEYS = {"label": "next", "animated": True, "type": "smoothstep",
                    "style": {"stroke": "#333"}, "markerEnd": {"type": "arrowclosed"},
                    "selected": False, "sourceHandle": None, "targetHandle": None}


def canvas_definition() -> dict:
    definition = copy.deepcopy(load_example("parallel-fanout"))
    definition["viewport"] = {"x": 10, "y": -5, "zoom": 0.8}
    for node in definition["nodes"]:
        node.update(copy.deepcopy(XYFLOW_NODE_KEYS))
    for edge in definition["edges"]:
        edge.update(copy.deepcopy(XYFLOW_EDGE_KEYS))
    definition["nodes"][1]["parentId"] = "start"
    return definition


def test_canvas_output_with_every_xyflow_key_compiles():
    result = compile_definition(canvas_definition())
    assert result.status == "success", [i.message for i in result.issues]


def test_generated_module_runs_its_plan_directly():
    # given
    result = compile_definition(load_example("conditional-branches"))
    module = load_artifact(result.artifacts.generated_code)
    # when
    run = run_plan(module, LocalContext(inputs={"score": 80, "level": "strict"}, env={}))
    # then
    assert run["output"] == "passed with 80"
    assert run["states"] == {"check": "succeeded", "pass": "succeeded", "fail": "skipped",
                             "result": "succeeded"}


def test_same_definition_gives_byte_identical_artifact():
    first = compile_definition(load_example("order-digest"), example_context())
    second = compile_definition(copy.deepcopy(load_example("order-digest")), example_context())
    assert first.artifacts.generated_code == second.artifacts.generated_code
    assert first.artifacts.code_sha256 == second.artifacts.code_sha256


def test_source_map_points_artifact_lines_at_node_code_lines():
    code = "import math\n\n\ndef run(inputs, ctx):\n    return math.floor(1.5)\n"
    result = compile_definition({"nodes": [{"id": "calc", "type": "python",
                                            "data": {"config": {"code": code},
                                                     "timeout_seconds": 1}}]})
    entry = next(e for e in result.artifacts.source_map if e["kind"] == "code")
    artifact_lines = result.artifacts.generated_code.split("\n")
    user_lines = code.split("\n")
    for offset in range(entry["end"] - entry["start"] + 1):
        artifact_line = artifact_lines[entry["start"] - 1 + offset]
        assert artifact_line.endswith(user_lines[offset])
    assert entry["node_id"] == "calc" and entry["node_line"] == 1


def test_user_code_is_embedded_verbatim_and_only_as_constants():
    hostile = ('def run(inputs, ctx):\n    s = """triple"""\n    t = \'\'\'other\'\'\'\n'
               '    return "\\\\" + s + t  # backslash\n')
    result = compile_definition({"nodes": [{"id": "x\"); import os; (\"", "type": "python",
                                            "data": {"config": {"code": hostile},
                                                     "timeout_seconds": 1}}]})
    assert result.status == "success", result.issues
    module = load_artifact(result.artifacts.generated_code)
    constants = [v for k, v in vars(module).items() if k.startswith("CODE_")]
    assert constants == [hostile]
    tree = ast.parse(result.artifacts.generated_code)
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert imports == []


def test_dependencies_list_modules_connections_env_and_subworkflows():
    result = compile_definition(load_example("order-digest"), example_context())
    assert result.artifacts.dependencies == {
        "python_modules": [], "connections": ["pager"], "env_vars": ["ALERT_URL"],
        "workflows": [], "python_packages": []}
    sub = compile_definition(load_example("subworkflow-caller"), example_context())
    assert sub.artifacts.dependencies["workflows"] == ["hello-transform"]
