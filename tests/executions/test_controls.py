"""Controls on running and finished executions; each safe to call twice."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from apps.common.exceptions import Conflict
from apps.executions.models import Execution
from apps.executions.services import (
    execution_cancel,
    execution_pause,
    execution_rerun,
    execution_resume,
    step_retry,
    step_skip,
)
from apps.runtime import services as runtime_services
from apps.workflows import services as workflow_services
from tests.conftest import wait_until
from tests.executions.helpers import event_types, finished, py_node, start, steps_by_id

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
SLEEPY = "import time\n\ndef run(inputs, ctx):\n    time.sleep(inputs.get('s', 30))\n    return 'woke'\n"


def chain(*nodes):  # type: ignore[no-untyped-def]
    return {"name": "chain", "nodes": list(nodes),
            "edges": [{"source": a["id"], "target": b["id"]} for a, b in zip(nodes, nodes[1:],
                                                                              strict=False)],
            "output": "{{ steps." + nodes[-1]["id"] + ".output }}"}


def running(execution, step_id):  # type: ignore[no-untyped-def]
    return wait_until(lambda: execution.steps.filter(step_id=step_id, status="running").exists())


def test_cancel_stops_a_running_step_within_two_seconds(worker, user):
    execution = start(user, chain(py_node("sleep", SLEEPY, timeout_seconds=60),
                                  {"id": "after", "type": "transform",
                                   "data": {"config": {"value": 1}}}))
    running(execution, "sleep")
    execution.refresh_from_db()
    assert execution.current_step == "sleep"
    started = time.monotonic()
    execution_cancel(execution=execution)
    execution_cancel(execution=execution)  # twice: no error, no change
    wait_until(lambda: execution.steps.get(step_id="sleep").status == "cancelled", timeout=10)
    assert time.monotonic() - started < 2.5
    execution.refresh_from_db()
    assert execution.status == "cancelled"
    steps = steps_by_id(execution)
    assert steps["after"].status == "cancelled" and steps["after"].started_at is None
    assert event_types(execution).count("execution_completed") == 1
    # A cancelled step says so: step_cancelled, never a step_failed dressed as a cancel.
    cancelled = execution.events.get(type="step_cancelled", step_id="sleep")
    assert cancelled.data == {"reason": "the execution was stopped", "attempt": 1}
    assert not execution.events.filter(type="step_failed").exists()


def test_cancel_reaches_a_running_sub_workflow(worker, user):
    workflow_services.workflow_create(owner=user, slug="slow-child", name="slow-child",
                                      definition={"name": "slow-child", "nodes": [
                                          py_node("nap", SLEEPY, timeout_seconds=60)],
                                          "edges": []})
    parent = start(user, {"name": "parent", "nodes": [
        {"id": "call", "type": "workflow", "data": {"timeout_seconds": 120, "config": {
            "workflow": "slow-child", "inputs": {}}}}], "edges": []})
    child = wait_until(lambda: Execution.objects.filter(parent=parent).first())
    running(child, "nap")
    execution_cancel(execution=parent)
    execution_cancel(execution=parent)
    wait_until(lambda: child.steps.get(step_id="nap").status == "cancelled", timeout=10)
    child.refresh_from_db()
    parent.refresh_from_db()
    assert parent.status == "cancelled" and child.status == "cancelled"
    call = parent.steps.get(step_id="call")  # it waited without a worker: cancelled too
    assert call.status == "cancelled" and call.attempt_rows.get().status == "cancelled"
    assert parent.events.filter(type="step_cancelled", step_id="call").exists()


def test_pause_holds_new_steps_and_resume_continues(worker, user):
    execution = start(user, {
            "name": "p", "nodes": [py_node("first", SLEEPY, inputs={"s": 1}),
                                   {"id": "second", "type": "transform",
                                    "data": {"config": {"value": "done"}}}],
            "edges": [{"source": "first", "target": "second"}],
            "output": "{{ steps.second.output }}"})
    running(execution, "first")
    execution_pause(execution=execution)
    execution_pause(execution=execution)
    wait_until(lambda: execution.steps.get(step_id="first").status == "succeeded", timeout=10)
    time.sleep(1)
    assert execution.steps.get(step_id="second").status == "pending"
    execution.refresh_from_db()
    assert execution.status == "paused"
    # A second resume is a no-op. Both in one transaction: once the first one commits, its
    # step is sent, and the execution could finish before a second call.
    with transaction.atomic():
        execution_resume(execution=execution)
        execution_resume(execution=execution)
    execution = finished(execution)
    assert execution.status == "succeeded" and execution.output == "done"
    types = event_types(execution)
    assert types.index("execution_paused") < types.index("execution_resumed")


def test_rerun_uses_the_same_inputs_and_compilation(worker, user):
    from tests.conftest import load_example

    first = finished(start(user, load_example("hello-transform"), {"who": "Lin"}))
    again = finished(execution_rerun(execution=first))
    assert again.output == first.output and again.rerun_of_id == first.pk
    assert again.compilation_id == first.compilation_id
    edited = finished(execution_rerun(execution=first, inputs={"who": "Max"}))
    assert edited.output["greeting"] == "Hello, Max!"


def test_retry_a_failed_step_with_new_inputs_and_continue(worker, user):
    code = ("def run(inputs, ctx):\n    if inputs['n'] < 0:\n"
            "        raise ValueError('negative')\n    return inputs['n'] * 2\n")
    execution = finished(start(user, chain(
        py_node("double", code, inputs={"n": -1}),
        {"id": "report", "type": "transform",
         "data": {"config": {"value": "{{ steps.double.output }}"}}})))
    assert execution.status == "failed"
    with pytest.raises(Conflict):
        step_retry(execution=execution, step_id="report")  # cancelled, not failed
    step_retry(execution=execution, step_id="double", inputs={"n": 21})
    step_retry(execution=execution, step_id="double", inputs={"n": 21})  # twice is harmless
    execution = finished(execution)
    assert execution.status == "succeeded" and execution.output == 42
    assert steps_by_id(execution)["double"].attempts == 2


def test_skip_a_failed_step_with_a_substitute_output(worker, user):
    execution = finished(start(user, chain(
        py_node("broken", "def run(i, c):\n    raise RuntimeError('down')\n"),
        {"id": "use", "type": "transform",
         "data": {"config": {"value": {"got": "{{ steps.broken.output }}"}}}})))
    assert execution.status == "failed"
    step_skip(execution=execution, step_id="broken", output={"cached": True})
    step_skip(execution=execution, step_id="broken", output={"cached": True})
    execution = finished(execution)
    assert execution.status == "succeeded"
    assert execution.output == {"got": {"cached": True}}


def test_parallel_branches_really_overlap(worker, user):
    nap = "import time\n\ndef run(inputs, ctx):\n    time.sleep(1)\n    return 1\n"
    execution = finished(start(user, {"name": "par", "nodes": [py_node("a", nap),
                                                               py_node("b", nap)],
                                      "edges": [], "output": "{{ steps.a.output }}"}))
    steps = steps_by_id(execution)
    a, b = steps["a"], steps["b"]
    assert a.started_at < b.finished_at and b.started_at < a.finished_at
    assert (execution.finished_at - execution.started_at).total_seconds() < 1.9


def test_concurrency_cap_queues_in_order(worker, user):
    runtime_services.runtime_setting_set(owner=user, key="max_concurrent_executions", value=1)
    nap = {"name": "n", "nodes": [py_node("n", SLEEPY, inputs={"s": 0.5})], "edges": []}
    first = start(user, nap)
    second = start(user, nap | {"name": "n2"})
    third = start(user, nap | {"name": "n3"})
    for execution in (first, second, third):
        finished(execution)
    runs = Execution.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by(
        "started_at")
    assert [r.pk for r in runs] == [first.pk, second.pk, third.pk]
    assert runs[1].started_at >= runs[0].finished_at
    assert runs[2].started_at >= runs[1].finished_at
