"""run_workflow from the terminal; debug mode; large outputs; a log flood loses nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from apps.executions.models import Execution
from apps.runtime import services as runtime_services
from tests.conftest import EXAMPLES
from tests.executions.helpers import finished, py_node, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_run_workflow_command_shows_progress_and_output(worker, user, capsys):
    call_command("run_workflow", str(EXAMPLES / "hello-transform.json"), "--input", "who=Ada",
                 "--input", "times=2", "--owner", "alice")
    out = capsys.readouterr().out
    assert "greet" in out and "✔ succeeded" in out and "Hello, Ada!" in out
    assert Execution.objects.get().trigger == "manual"


def test_run_workflow_command_exits_non_zero_on_failure(worker, user, tmp_path, capsys):
    path = tmp_path / "fails.json"
    path.write_text(json.dumps({"name": "fails", "nodes": [
        py_node("s", "def run(i, c):\n    raise ValueError('nope')\n")], "edges": []}))
    with pytest.raises(SystemExit) as exited:
        call_command("run_workflow", str(path), "--owner", "alice")
    assert exited.value.code == 1
    assert "ValueError: nope" in capsys.readouterr().out


def test_run_workflow_command_reports_bad_inputs(worker, user):
    with pytest.raises(CommandError, match="score: This input is required"):
        call_command("run_workflow", str(EXAMPLES / "conditional-branches.json"),
                     "--owner", "alice")


def test_debug_mode_records_variables_and_profile(worker, user):
    runtime_services.runtime_setting_set(owner=user, key="debug_mode", value=True)
    code = "def run(inputs, ctx):\n    total = sum(range(10))\n    label = 'x' * 3\n    return total\n"
    execution = finished(start(user, {"name": "dbg", "nodes": [py_node("s", code)],
                                      "edges": []}))
    debug = steps_by_id(execution)["s"].debug
    # the step's own variables with their types; not ctx, not the interpreter's
    assert debug["variables"] == {"inputs": {"type": "dict", "value": "{}"},
                                  "total": {"type": "int", "value": "45"},
                                  "label": {"type": "str", "value": "'xxx'"}}
    # the profile is the node's own functions, located by node and line, slowest first
    assert [(row["function"], row["node"], row["line"]) for row in debug["profile"]] == [
        ("run", "s", 1)]
    assert "file" not in debug["profile"][0]


def test_debug_profile_lists_the_nodes_functions_slowest_first(worker, user):
    runtime_services.runtime_setting_set(owner=user, key="debug_mode", value=True)
    code = ("import json\n\ndef quick():\n    return 1\n\n"
            "def slow():\n    return sum(i * i for i in range(200000))\n\n"
            "def run(inputs, ctx):\n    json.dumps({'a': 1})\n"
            "    return quick() + slow()\n")
    execution = finished(start(user, {"name": "dbg", "nodes": [py_node("s", code)],
                                      "edges": []}))
    rows = steps_by_id(execution)["s"].debug["profile"]
    names = [row["function"] for row in rows]
    assert set(names) == {"run", "quick", "slow", "<genexpr>"}
    assert names.index("run") < names.index("slow") < names.index("quick")
    assert {row["node"] for row in rows} == {"s"}
    assert [r["cumulative_s"] for r in rows] == sorted((r["cumulative_s"] for r in rows),
                                                       reverse=True)


def test_debug_variables_of_a_failure_are_its_own_frames_without_interpreter_names(worker,
                                                                                    user):
    runtime_services.runtime_setting_set(owner=user, key="debug_mode", value=True)
    code = ("import json\n\ndef run(inputs, ctx):\n    rows = [{'amount': 1}, {'amt': 2}]\n"
            "    json.loads('[1, 2]')\n    return sum(r['amount'] for r in rows)\n")
    execution = finished(start(user, {"name": "dbg", "nodes": [py_node("s", code)],
                                      "edges": []}))
    assert execution.status == "failed"
    # the generator's frame, where it failed: its `r`, not its hidden ".0" iterator
    assert steps_by_id(execution)["s"].debug["variables"] == {
        "r": {"type": "dict", "value": "{'amt': 2}"}}


def test_large_outputs_are_stored_truncated_with_a_preview(worker, user):
    runtime_services.runtime_setting_set(owner=user, key="output_max_bytes", value=10_000)
    code = "def run(inputs, ctx):\n    return 'x' * 50000\n"
    step = steps_by_id(finished(start(user, {"name": "big", "nodes": [py_node("s", code)],
                                             "edges": []})))["s"]
    assert step.output_truncated and step.output["truncated"] and step.output["bytes"] > 50000
    assert len(step.output["preview"]) <= 2000


def test_thirty_thousand_log_lines_none_lost_in_bounded_batches(worker, user):
    code = ("def run(inputs, ctx):\n    for i in range(30000):\n        print(f'line {i}')\n"
            "    print('x' * 8000)\n    print('y' * 8000)\n    return 1\n")
    execution = finished(start(user, {"name": "flood", "nodes": [py_node("s", code)],
                                      "edges": []}), timeout=120)
    lines = list(execution.log_lines.order_by("seq").values_list("seq", "message"))
    assert [m for _, m in lines] == [f"line {i}" for i in range(30000)] + ["x" * 8000,
                                                                           "y" * 8000]
    assert [s for s, _ in lines] == list(range(1, 30003))
    batches = list(execution.events.filter(type="logs").order_by("seq").values_list(
        "data", flat=True))
    assert 15 <= len(batches) <= 600  # batched, not one event per line
    assert all(len(b["lines"]) <= 2000 for b in batches)  # bounded for any client
    streamed = [line["seq"] for b in batches for line in b["lines"]]
    assert streamed == list(range(1, 30003))
