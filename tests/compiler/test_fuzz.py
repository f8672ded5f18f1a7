"""Property tests: whatever it is given, the compiler returns a CompilationResult promptly."""

from __future__ import annotations

import ast
import copy
import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler import CompilationResult, compile_definition
from tests.conftest import example_names, load_example

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)
hostile_strings = st.sampled_from([
    "{{", "}}", "{{ }}", "{{ inputs.__class__ }}", "{% for %}", "\x00", "\ud800", "é" * 1000,
    "def run(:", "{{ steps.a.output }}", "a" * 100_000, "'''\"\"\"", "{{ 1/0 }}",
])


def _assert_result(result) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(result, CompilationResult)
    assert "internal_error" not in [issue.code for issue in result.issues], result.issues
    assert result.status in ("success", "warning", "error")
    if result.status != "error":
        ast.parse(result.artifacts.generated_code)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_never_raises(value):
    _assert_result(compile_definition(value))
    _assert_result(compile_definition({"nodes": value, "edges": value}))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(example_names()), st.data())
def test_mutated_examples_never_raise(name, data):
    definition = copy.deepcopy(load_example(name))
    for _ in range(data.draw(st.integers(1, 4))):
        node = data.draw(st.sampled_from(definition["nodes"]))
        key = data.draw(st.sampled_from(["id", "type", "data", "position", "config", "code"]))
        replacement = data.draw(json_values | hostile_strings)
        if key in ("config", "code"):
            node.setdefault("data", {})
            if isinstance(node["data"], dict):
                node["data"]["config"] = replacement if key == "config" else {"code": replacement}
        else:
            node[key] = replacement
    if data.draw(st.booleans()) and len(definition["nodes"]) > 1:
        ids = [n.get("id") for n in definition["nodes"]]
        definition.setdefault("edges", []).append({"source": ids[-1], "target": ids[0]})
    _assert_result(compile_definition(definition))


def test_deep_nesting_is_refused_quickly():
    deep: object = "x"
    for _ in range(5000):
        deep = [deep]
    started = time.perf_counter()
    result = compile_definition({"nodes": [{"id": "a", "type": "transform",
                                            "data": {"config": {"value": deep}}}]})
    assert result.status == "error" and "nested deeper" in result.issues[0].message
    assert time.perf_counter() - started < 5


def test_huge_workflow_is_refused_with_a_limit():
    nodes = [{"id": f"n{i}", "type": "transform", "data": {"config": {"value": i}}}
             for i in range(100_000)]
    result = compile_definition({"nodes": nodes})
    assert result.status == "error" and "limit" in result.issues[0].message


def test_megabyte_strings_and_unicode_oddities_compile_or_fail_cleanly():
    for text in ["x" * 2_000_000, "\u202e\u0000\ufeff", "\ud83d\ude00" * 1000]:
        _assert_result(compile_definition({"name": text, "nodes": [
            {"id": text[:50], "type": "transform", "data": {"config": {"value": text}}}]}))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(example_names()), st.data())
def test_fast_node_validation_agrees_with_jsonschema(name, data):
    """The compiled fast path may only skip nodes that jsonschema finds valid too."""
    from compiler import schema

    node = copy.deepcopy(data.draw(st.sampled_from(load_example(name)["nodes"])))
    target = data.draw(st.sampled_from([node, node["data"], node["data"].get("config", {})]))
    key = data.draw(st.sampled_from(sorted(target) + ["extra", "timeout_seconds", "retry"]))
    target[key] = data.draw(json_values | hostile_strings)
    full = schema.node_validator(node.get("type"))
    assert schema.fast_valid(node.get("type"), node) == (not list(full.iter_errors(node)))
