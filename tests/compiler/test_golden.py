"""Golden tests: each example compiles cleanly to exactly the committed artifact.

Regenerate after an intended codegen change with UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from compiler import CompileContext, SubWorkflow, compile_definition
from compiler.steps import REGISTRY
from tests.conftest import example_names, load_example

GOLDEN = Path(__file__).parent / "golden"


def example_context() -> CompileContext:
    return CompileContext(
        env_vars=frozenset({"ALERT_URL"}),
        connections=frozenset({"pager"}),
        workflows={"hello-transform": SubWorkflow(
            input_schema=load_example("hello-transform")["input_schema"])},
    )


@pytest.mark.parametrize("name", example_names())
def test_example_compiles_to_golden_artifact(name):
    # when
    result = compile_definition(load_example(name), example_context())
    # then
    assert result.status == "success", [i.message for i in result.issues]
    code = result.artifacts.generated_code
    ast.parse(code)
    golden = GOLDEN / f"{name}.py"
    if os.environ.get("UPDATE_GOLDEN") or not golden.exists():
        golden.write_text(code)
    assert code == golden.read_text()


def test_there_are_at_least_eight_examples_using_every_step_type():
    names = example_names()
    assert len(names) >= 8
    types = {node["type"] for name in names for node in load_example(name)["nodes"]}
    assert types == set(REGISTRY)
    options = {key for name in names for node in load_example(name)["nodes"]
               for key in node["data"]}
    assert {"inputs", "timeout_seconds", "retry", "memory_limit_mb", "on_error"} <= options
