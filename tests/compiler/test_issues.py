"""One test per issue code and check of docs/workflow-format.md, with node, field, line and suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compiler import CompileContext, SubWorkflow, compile_definition
from tests.conftest import EXAMPLES

BROKEN = sorted((EXAMPLES / "broken").glob("*.json"))
STRICT = CompileContext(env_vars=frozenset(), connections=frozenset(), workflows={})


def node(node_id, type_, config, **data):  # type: ignore[no-untyped-def]
    return {"id": node_id, "type": type_, "position": {"x": 0, "y": 0},
            "data": {"config": config, **data}}


def py(node_id, code, **data):  # type: ignore[no-untyped-def]
    return node(node_id, "python", {"code": code}, timeout_seconds=5, **data)


def codes(result, kind="error"):  # type: ignore[no-untyped-def]
    return [issue.code for issue in result.issues if issue.type == kind]


def the_issue(result, code):  # type: ignore[no-untyped-def]
    matching = [i for i in result.issues if i.code == code]
    assert matching, [i.message for i in result.issues]
    return matching[0]


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_broken_example_produces_exactly_its_issue(path: Path):
    result = compile_definition(json.loads(path.read_text()), STRICT)
    assert result.status == "error"
    assert [i.code for i in result.issues] == [path.stem]
    assert result.issues[0].suggestion
    assert result.artifacts.generated_code == ""


def test_every_issue_code_has_a_broken_example():
    assert {p.stem for p in BROKEN} == {"syntax_error", "missing_dependency", "type_mismatch",
                                        "import_resolution", "requirement_unresolvable"}


def test_unknown_step_type_suggests_the_nearest():
    result = compile_definition({"nodes": [node("a", "htp", {"url": "https://x"})]})
    issue = the_issue(result, "syntax_error")
    assert "unknown step type 'htp'" in issue.message
    assert issue.message.startswith("Invalid workflow structure detected")
    assert issue.node_id == "a" and issue.suggestion == "did you mean 'http'?"


def test_duplicate_ids_are_reported():
    result = compile_definition({"nodes": [node("a", "transform", {"value": 1}),
                                           node("a", "transform", {"value": 2})]})
    assert "duplicate node id 'a'" in the_issue(result, "syntax_error").message


def test_edge_to_missing_node_suggests_the_misspelt_id():
    result = compile_definition({
        "nodes": [node("fetch", "transform", {"value": 1}), node("total", "transform",
                                                                  {"value": 2})],
        "edges": [{"id": "e1", "source": "fetch", "target": "totl"}],
    })
    issue = the_issue(result, "syntax_error")
    assert "missing node 'totl'" in issue.message
    assert issue.field == "edges.0.target" and "'total'" in issue.suggestion


def test_cycle_names_the_nodes_on_it():
    result = compile_definition({
        "nodes": [node(n, "transform", {"value": 1}) for n in "abc"],
        "edges": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"},
                  {"source": "c", "target": "a"}],
    })
    message = the_issue(result, "syntax_error").message
    assert "cycle:" in message and all(n in message for n in "abc")


def test_bad_expression_is_a_syntax_error_with_field():
    result = compile_definition({"nodes": [node("a", "transform", {"value": "{{ inputs. }}"})]})
    issue = the_issue(result, "syntax_error")
    assert issue.field == "nodes.0.data.config.value" and "bad expression" in issue.message


@pytest.mark.parametrize("expression", [
    "{{ inputs.__class__ }}", "{{ inputs.x.__globals__ }}", "{{ inputs['__class__'] }}",
    "{{ inputs.keys() }}", "{{ lipsum }}", "{{ inputs | attr('x') }}", "{% set x = 1 %}",
])
def test_expression_escapes_are_refused(expression):
    result = compile_definition({"nodes": [node("a", "transform", {"value": expression})]})
    assert codes(result) == ["syntax_error"]


def test_python_syntax_error_carries_the_line_in_the_node():
    result = compile_definition({"nodes": [py("p", "import os\n\ndef run(inputs, ctx):\n"
                                                   "    return 1 +\n")]})
    issue = the_issue(result, "syntax_error")
    assert issue.node_id == "p" and issue.line == 4 and issue.field == "nodes.0.data.config.code"


@pytest.mark.parametrize("code", ["x = 1\n", "def run(inputs):\n    return 1\n",
                                  "async def run(inputs, ctx):\n    return 1\n"])
def test_missing_or_wrong_run_is_reported(code):
    result = compile_definition({"nodes": [py("p", code)]})
    assert "run" in the_issue(result, "syntax_error").message


def test_missing_env_var_and_connection_are_missing_dependencies():
    definition = {"nodes": [node("h", "http", {"url": "{{ env.ALERT_URL }}",
                                               "connection": "pagr"}, timeout_seconds=5)]}
    ctx = CompileContext(env_vars=frozenset({"ALERT_URL_2"}), connections=frozenset({"pager"}))
    result = compile_definition(definition, ctx)
    assert sorted(codes(result)) == ["missing_dependency", "missing_dependency"]
    conn = next(i for i in result.issues if "connection" in i.message)
    assert conn.message.startswith("Required integration not connected")
    assert "'pager'" in conn.suggestion and "Connections" in conn.suggestion


def test_reference_to_impossible_http_field_is_a_type_mismatch():
    result = compile_definition({
        "nodes": [node("fetch", "http", {"url": "https://x.invalid"}, timeout_seconds=5),
                  node("t", "transform", {"value": "{{ steps.fetch.output.stauts }}"})],
        "edges": [{"source": "fetch", "target": "t"}],
    })
    issue = the_issue(result, "type_mismatch")
    assert issue.message.startswith("Parameter type conflict found")
    assert issue.node_id == "t" and "'status'" in issue.suggestion


def test_input_type_conflicting_with_its_target_is_a_type_mismatch():
    result = compile_definition({
        "input_schema": {"type": "object", "properties": {"name": {"type": "string"}}},
        "nodes": [node("d", "delay", {"seconds": "{{ inputs.name }}"})],
    })
    issue = the_issue(result, "type_mismatch")
    assert "expects number" in issue.message and "input 'name' is string" in issue.message


def test_undeclared_input_suggests_the_declared_one():
    result = compile_definition({
        "input_schema": {"type": "object", "properties": {"threshold": {"type": "number"}}},
        "nodes": [node("t", "transform", {"value": "{{ inputs.treshold }}"})],
    })
    assert "'threshold'" in the_issue(result, "type_mismatch").suggestion


def test_subworkflow_missing_and_cycle_are_import_resolution():
    missing = compile_definition(
        {"nodes": [node("w", "workflow", {"workflow": "helo"})]},
        CompileContext(workflows={"hello": SubWorkflow(input_schema={})}))
    assert "'hello'" in the_issue(missing, "import_resolution").suggestion
    cyclic = compile_definition(
        {"nodes": [node("w", "workflow", {"workflow": "b"})]},
        CompileContext(self_slug="a", workflows={"a": SubWorkflow({}, ("b",)),
                                                 "b": SubWorkflow({}, ("a",))}))
    assert "sub-workflow cycle: a → b → a" in the_issue(cyclic, "import_resolution").message


def test_subworkflow_input_types_and_required_inputs_are_checked():
    child = SubWorkflow(input_schema={"type": "object", "required": ["n"],
                                      "properties": {"n": {"type": "number"},
                                                     "s": {"type": "string"}}})
    result = compile_definition(
        {"nodes": [node("w", "workflow", {"workflow": "child", "inputs": {"s": 3}})]},
        CompileContext(workflows={"child": child}))
    messages = [i.message for i in result.issues if i.code == "type_mismatch"]
    assert any("requires input 'n'" in m for m in messages)
    assert any("expects string" in m for m in messages)


def test_unresolvable_python_import_is_import_resolution_with_line():
    result = compile_definition({"nodes": [py("p", "import json\nimport nosuchmodule_xyz\n\n"
                                                   "def run(inputs, ctx):\n    return 1\n")]})
    issue = the_issue(result, "import_resolution")
    assert issue.line == 2 and "nosuchmodule_xyz" in issue.message


def test_reference_to_a_step_that_is_not_an_ancestor():
    result = compile_definition({
        "nodes": [node("a", "transform", {"value": 1}),
                  node("b", "transform", {"value": "{{ steps.a.output }}"})],
    })
    issue = the_issue(result, "syntax_error")
    assert "does not run before it" in issue.message and "edge" in issue.suggestion


def test_reference_to_unknown_step_suggests_the_nearest():
    result = compile_definition({"nodes": [node("fetch", "transform", {"value": 1})],
                                 "output": "{{ steps.fetsh.output }}"})
    assert "'fetch'" in the_issue(result, "syntax_error").suggestion


def test_warnings_unreachable_unused_input_and_missing_timeout():
    result = compile_definition({
        "input_schema": {"type": "object", "properties": {"unused": {"type": "string"}}},
        "nodes": [node("h", "http", {"url": "https://x.invalid"}),
                  node("lonely", "transform", {"value": 1}),
                  node("t", "transform", {"value": "{{ steps.h.output.status }}"})],
        "edges": [{"source": "h", "target": "t"}],
    })
    assert result.status == "warning" and result.runnable
    assert sorted(codes(result, "warning")) == ["missing_timeout", "unreachable_node",
                                                "unused_input"]


def test_timeout_above_ceiling_is_refused():
    result = compile_definition({"nodes": [node("a", "transform", {"value": 1},
                                                timeout_seconds=10_000)]},
                                CompileContext(timeout_ceiling_s=3600))
    assert "ceiling" in the_issue(result, "syntax_error").message


def test_condition_handles_must_be_true_or_false():
    result = compile_definition({
        "nodes": [node("c", "condition", {"expression": "{{ true }}"}),
                  node("t", "transform", {"value": 1})],
        "edges": [{"source": "c", "target": "t", "sourceHandle": "yes"}],
    })
    assert "handle 'yes'" in the_issue(result, "syntax_error").message


def test_all_errors_are_reported_at_once():
    result = compile_definition({
        "nodes": [node("a", "nope", {}), py("p", "def run(:\n"),
                  node("t", "transform", {"value": "{{ steps.zzz.output }}"})],
        "edges": [{"source": "a", "target": "missing"}],
    })
    assert len(codes(result)) >= 4
