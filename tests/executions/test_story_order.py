"""Every control tells its story in order, and `execution_completed` is the last event of an
execution: a step still running when the execution is stopped (cancelled, or failed by a
parallel step) records its logs, metrics and `step_cancelled` first, and the completion waits
for them (apps/executions/engine/finishing.py)."""

from __future__ import annotations

import pytest

from apps.executions.models import Execution, ExecutionEvent
from apps.executions.services import (
    execution_cancel,
    execution_pause,
    execution_resume,
    step_retry,
    step_skip,
)
from apps.executions.services.approvals import step_approve, step_reject
from tests.conftest import wait_until
from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CHATTY_SLEEPER = ("import time\n\ndef run(inputs, ctx):\n"
                  "    for i in range(100):\n"
                  "        ctx.log.info('tick %d', i)\n"
                  "        time.sleep(0.05)\n"
                  "    return 'woke'\n")
FAILS_FAST = "def run(inputs, ctx):\n    raise ValueError('no')\n"


def _story(execution: Execution) -> list[tuple[str, str]]:
    return [(e.type, e.step_id) for e in ExecutionEvent.objects.filter(
        execution=execution).order_by("seq")]


def _running(execution: Execution, step_id: str) -> None:
    wait_until(lambda: execution.steps.filter(step_id=step_id, status="running").exists()
               and execution.events.filter(type="logs", step_id=step_id).exists())


def _ends_after_its_steps(story: list[tuple[str, str]], step_id: str) -> None:
    """The story ends with execution_completed, once, after everything of `step_id`."""
    assert story[-1][0] == "execution_completed"
    assert [kind for kind, _ in story].count("execution_completed") == 1
    last_of_step = max(i for i, (_, sid) in enumerate(story) if sid == step_id)
    assert story[last_of_step][0] == "step_cancelled"
    assert last_of_step == len(story) - 2


def test_cancel_of_a_running_step_ends_the_story_after_the_step(worker, user):
    # given a python step that logs while it runs, running
    execution = start(user, {"name": "c", "nodes": [py_node("s", CHATTY_SLEEPER)],
                             "edges": []})
    _running(execution, "s")
    # when the execution is cancelled
    execution_cancel(execution=execution)
    # then the step's logs, metrics and step_cancelled come before execution_completed
    execution = finished(execution)
    assert execution.status == "cancelled"
    story = _story(execution)
    _ends_after_its_steps(story, "s")
    assert ("logs", "s") in story[:-2]


def test_pause_then_cancel_ends_the_story_after_the_running_step(worker, user):
    execution = start(user, {"name": "pc", "nodes": [
        py_node("s", CHATTY_SLEEPER),
        {"id": "t", "type": "transform", "data": {"config": {"value": 1}}}],
        "edges": [{"source": "s", "target": "t"}]})
    _running(execution, "s")
    execution_pause(execution=execution)
    execution_cancel(execution=execution)
    execution = finished(execution)
    story = _story(execution)
    _ends_after_its_steps(story, "s")
    kinds = [kind for kind, _ in story]
    assert kinds.index("execution_paused") < kinds.index("step_cancelled")
    assert ("step_cancelled", "t") in story  # never started: cancelled with the execution
    assert ("step_started", "t") not in story


def test_a_failure_ends_the_story_after_a_parallel_step_running(worker, user):
    # given a step that fails while a parallel one runs
    execution = start(user, {"name": "pf", "nodes": [
        py_node("slow", CHATTY_SLEEPER), py_node("bad", FAILS_FAST)], "edges": []})
    # then the execution fails, and its story ends after the parallel step stopped
    execution = finished(execution)
    assert execution.status == "failed" and execution.error["step_id"] == "bad"
    story = _story(execution)
    _ends_after_its_steps(story, "slow")
    kinds = [kind for kind, _ in story]
    assert kinds.index("step_failed") < kinds.index("step_cancelled")


def test_each_control_emits_its_event_in_order(worker, user):
    # pause and resume
    execution = start(user, {"name": "ctl", "nodes": [
        py_node("s", "import time\n\ndef run(inputs, ctx):\n    time.sleep(1)\n    return 1\n"),
        py_node("f", FAILS_FAST),
        {"id": "approve", "type": "approval", "data": {"config": {"message": "ok?"}}},
        {"id": "again", "type": "approval", "data": {"config": {"message": "sure?"}}}],
        "edges": [{"source": "s", "target": "f"}, {"source": "f", "target": "approve"},
                  {"source": "approve", "target": "again"}]})
    _running_plain(execution, "s")
    execution_pause(execution=execution)
    execution_resume(execution=execution)
    wait_until(lambda: execution.steps.get(step_id="f").status == "failed")
    execution = finished(execution)
    assert execution.status == "failed"
    # retry the failed step: it fails again, then skip it with a substitute output
    step_retry(execution=execution, step_id="f")
    wait_until(lambda: execution.steps.get(step_id="f").attempts == 2
               and execution.steps.get(step_id="f").status == "failed")
    execution = finished(execution)
    step_skip(execution=execution, step_id="f", output={"substitute": True})
    wait_until(lambda: execution.steps.get(step_id="approve").status == "waiting")
    step_approve(execution=execution, step_id="approve", user=user, data={})
    wait_until(lambda: execution.steps.get(step_id="again").status == "waiting")
    step_reject(execution=execution, step_id="again", user=user, reason="no")
    execution = finished(execution)
    kinds = [kind for kind, _ in _story(execution)]
    expected = ["execution_paused", "execution_resumed", "step_failed", "execution_completed",
                "execution_resumed", "step_queued", "step_failed", "execution_completed",
                "step_skipped", "execution_resumed", "step_waiting", "step_completed",
                "step_waiting", "step_failed", "execution_completed"]
    at = 0
    for kind in kinds:  # the expected kinds appear in this order (other events between)
        if at < len(expected) and kind == expected[at]:
            at += 1
    assert at == len(expected), (expected[at:], kinds)
    assert kinds[-1] == "execution_completed"


def test_cancel_of_a_waiting_step_ends_the_story_at_once(worker, user):
    execution = start(user, {"name": "cw", "nodes": [
        {"id": "approve", "type": "approval", "data": {"config": {"message": "ok?"}}}],
        "edges": []})
    wait_until(lambda: execution.steps.get(step_id="approve").status == "waiting")
    execution_cancel(execution=execution)
    execution.refresh_from_db()  # nothing runs on a worker: the story ends in the same commit
    assert execution.finished_at is not None
    assert _story(execution)[-2:] == [("step_cancelled", "approve"),
                                      ("execution_completed", "")]


def _running_plain(execution: Execution, step_id: str) -> None:
    wait_until(lambda: execution.steps.filter(step_id=step_id, status="running").exists())
