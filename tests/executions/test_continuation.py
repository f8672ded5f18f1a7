"""A worker that runs a step runs the successor it makes ready next itself, without a broker
round trip (worker/runner.py, the unit of work's keep rule): for CONTINUE_FOR_S, then while no other step
waits in the broker, and a python step only while the task's Celery limit covers its own;
each step still claims and records on its own, events included (expression-only steps of one
execution in one transaction per group, undone whole if it fails); a kept step whose worker
died is sent by the sweeper."""

from __future__ import annotations

import functools
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from apps.executions.engine.unit import StepRef
from apps.executions.models import LogLine, StepRun
from apps.executions.services import attempts
from apps.executions.services.sweeper import sweep
from config.celery_app import app as celery_app
from tests.conftest import wait_until
from tests.executions.helpers import event_types, finished, py_node, start, steps_by_id
from worker import dispatch, runner

pytestmark = [pytest.mark.django_db(transaction=True)]


def _chain(n: int) -> dict:
    nodes = [{"id": f"s{i}", "type": "transform", "data": {"config": {
        "value": f"{{{{ steps.s{i - 1}.output + 1 }}}}" if i else 0}}} for i in range(n)]
    return {"name": "chain", "nodes": nodes, "output": f"{{{{ steps.s{n - 1}.output }}}}",
            "edges": [{"source": f"s{i}", "target": f"s{i + 1}"} for i in range(n - 1)]}


def _sent_steps() -> list[str]:
    """The step messages waiting for this transaction's commit."""
    return [hook.args[1] for _, hook, _ in connection.run_on_commit
            if isinstance(hook, functools.partial) and hook.func is dispatch.enqueue_step]


def test_one_task_runs_a_chain_of_inline_steps_each_committed(user):
    # All in one outer transaction: no worker can see these rows, so this process is the
    # only one that runs them; the start's message for s0 is the only one sent.
    with transaction.atomic():
        execution = start(user, _chain(6))
        assert _sent_steps() == ["s0"]
        runner.run_step(str(execution.pk), "s0", "transform", execution.code_sha256)
        assert _sent_steps() == ["s0"]  # s1…s5 were kept and run here, none sent
        execution.refresh_from_db()
        assert execution.status == "succeeded" and execution.output == 5
    types = event_types(execution)
    assert types.count("step_queued") == 6 and types.count("step_completed") == 6
    assert len({s.attempts for s in steps_by_id(execution).values()}) == 1


def test_the_budget_hands_the_next_step_to_the_broker(user, monkeypatch):
    monkeypatch.setattr(runner, "CONTINUE_FOR_S", 0)
    with transaction.atomic():
        execution = start(user, _chain(3))
        runner.run_step(str(execution.pk), "s0", "transform", execution.code_sha256)
        assert _sent_steps() == ["s0", "s1"]
        steps = steps_by_id(execution)
        assert [steps[f"s{i}"].status for i in range(3)] == ["succeeded", "queued", "pending"]
        transaction.set_rollback(True)  # nothing of it reaches the session's worker


def test_a_kept_step_whose_worker_died_is_sent_by_the_sweeper(user, worker):
    with transaction.atomic():
        execution = start(user, _chain(3))
        _, kept = attempts.attempts_run_inline(
            StepRef(str(execution.pk), "s0", "transform", execution.code_sha256),
            worker="w:1", run=runner._run_in_process,  # noqa: SLF001
            keep=lambda kind, timeout_s: True, inline=lambda kind: False)
        assert kept is not None and kept.step_id == "s1"
        # ... and the worker that kept s1 stops here, before running it.
    s1 = StepRun.objects.get(execution=execution, step_id="s1")
    assert s1.status == "queued"
    StepRun.objects.filter(pk=s1.pk).update(queued_at=timezone.now() - timedelta(minutes=5))
    assert sweep()["requeued"] >= 1
    execution = finished(execution)
    assert execution.status == "succeeded" and execution.output == 2


def _python_chain(n: int, timeout_s: int = 10) -> dict:
    code = "def run(inputs, ctx):\n    print('step', inputs['n'])\n    return inputs['n'] + 1\n"
    nodes = [py_node(f"s{i}", code, timeout_seconds=timeout_s,
                     inputs={"n": f"{{{{ steps.s{i - 1}.output }}}}" if i else 0})
             for i in range(n)]
    return {"name": "pychain", "nodes": nodes, "output": f"{{{{ steps.s{n - 1}.output }}}}",
            "edges": [{"source": f"s{i}", "target": f"s{i + 1}"} for i in range(n - 1)]}


def test_one_task_runs_a_chain_of_python_steps_each_with_its_own_claim(
        user, monkeypatch, steps_in_the_test_transaction):
    monkeypatch.setattr(dispatch, "steps_waiting", lambda: False)  # an idle broker
    with transaction.atomic():
        execution = start(user, _python_chain(3))
        runner.run_step(str(execution.pk), "s0", "python", execution.code_sha256,
                        soft_limit_s=dispatch.step_soft_limit_s(10)
                        + dispatch.CONTINUATION_HEADROOM_S)
        assert _sent_steps() == ["s0"]  # s1 and s2 ran in this task, none was sent
        execution.refresh_from_db()
        assert execution.status == "succeeded" and execution.output == 3
        steps = steps_by_id(execution)
        # each step claimed, given its inputs and committed on its own, logs included
        assert [steps[f"s{i}"].inputs for i in range(3)] == [{"n": 0}, {"n": 1}, {"n": 2}]
        assert {s.attempts for s in steps.values()} == {1}
        assert LogLine.objects.filter(execution_id=execution.pk).count() == 3
        transaction.set_rollback(True)


@pytest.mark.parametrize("soft_limit_s", [None, 15.0])
def test_a_python_successor_the_task_limit_cannot_cover_goes_to_the_broker(
        user, monkeypatch, soft_limit_s, steps_in_the_test_transaction):
    """None: a task of unknown limits; 15 s: less than the successor's own soft limit (its
    10 s timeout + grace), so it could meet the task's limit before its own timeout."""
    monkeypatch.setattr(dispatch, "steps_waiting", lambda: False)
    with transaction.atomic():
        execution = start(user, _python_chain(2))
        runner.run_step(str(execution.pk), "s0", "python", execution.code_sha256,
                        soft_limit_s=soft_limit_s)
        assert _sent_steps() == ["s0", "s1"]
        transaction.set_rollback(True)


def test_past_its_first_moments_a_task_hands_over_when_other_steps_wait(user, monkeypatch):
    monkeypatch.setattr(runner, "CONTINUE_FOR_S", 0)
    monkeypatch.setattr(dispatch, "steps_waiting", lambda: True)
    with transaction.atomic():
        execution = start(user, _chain(3))
        runner.run_step(str(execution.pk), "s0", "transform", execution.code_sha256,
                        soft_limit_s=100)
        assert _sent_steps() == ["s0", "s1"]
        transaction.set_rollback(True)


def test_steps_waiting_reads_every_priority_list_of_the_step_queue():
    queue = f"idle-{uuid.uuid4().hex[:8]}"  # no worker consumes it
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    try:
        assert dispatch.steps_waiting(queue) is False
        celery_app.send_task("worker.nothing", queue=queue, priority=6)  # a low-priority list
        assert dispatch.steps_waiting(queue) is True
    finally:
        client.delete(*client.keys(f"*{queue}*"))
    assert dispatch.steps_waiting(queue) is False


def test_a_running_step_shows_its_inputs_before_it_ends(user, worker):
    """A step's inputs are written with its first heartbeat, not in a transaction of their
    own: a step that runs a while shows them meanwhile (a short one writes them with its
    result, as the chain test above checks)."""
    nap = "import time\n\ndef run(inputs, ctx):\n    time.sleep(3)\n    return inputs['n']\n"
    execution = start(user, {"name": "nap", "nodes": [py_node("s", nap, inputs={"n": 7})],
                             "edges": []})

    def inputs_while_running() -> bool:
        step = StepRun.objects.get(execution=execution, step_id="s")
        return step.status == "running" and step.inputs == {"n": 7}

    wait_until(inputs_while_running, timeout=10)
    assert finished(execution).status == "succeeded"


def _run_s0_here(user, steps: int):  # type: ignore[no-untyped-def]
    """A started chain whose first message is not sent: this process runs it, committing."""
    with transaction.atomic():
        execution = start(user, _chain(steps))
        connection.run_on_commit[:] = [entry for entry in connection.run_on_commit
                                       if not (isinstance(entry[1], functools.partial)
                                               and entry[1].func is dispatch.enqueue_step)]
    return execution


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="reads PostgreSQL's transaction ids (xmin); CI runs it")
def test_inline_steps_of_one_execution_share_a_transaction_up_to_the_group_limit(
        user, monkeypatch):
    monkeypatch.setattr(attempts, "GROUP_MAX", 3)
    execution = _run_s0_here(user, 6)
    runner.run_step(str(execution.pk), "s0", "transform", execution.code_sha256)
    execution.refresh_from_db()
    assert execution.status == "succeeded" and execution.output == 5
    with connection.cursor() as cursor:
        cursor.execute("SELECT step_id, xmin::text FROM executions_steprun "
                       "WHERE execution_id = %s", [execution.pk])
        written_by = dict(cursor.fetchall())
    assert written_by["s0"] == written_by["s1"] == written_by["s2"]
    assert written_by["s3"] == written_by["s4"] == written_by["s5"] != written_by["s0"]
    seqs = list(execution.events.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))  # every event numbered, none missing
    assert {s.attempts for s in steps_by_id(execution).values()} == {1}


def test_a_group_that_fails_is_undone_whole(user, monkeypatch):
    execution = _run_s0_here(user, 4)
    events_before = execution.events.count()
    real = attempts._record  # noqa: SLF001

    def fail_at_s2(unit, claim, *args, **kwargs):  # type: ignore[no-untyped-def]
        if claim.step.step_id == "s2":
            raise RuntimeError("the database went away")
        return real(unit, claim, *args, **kwargs)

    monkeypatch.setattr(attempts, "_record", fail_at_s2)
    with pytest.raises(RuntimeError):
        runner.run_step(str(execution.pk), "s0", "transform", execution.code_sha256)
    steps = steps_by_id(execution)
    assert [steps[f"s{i}"].status for i in range(4)] == ["queued", "pending", "pending",
                                                         "pending"]
    assert execution.events.count() == events_before  # s0's and s1's results went too
    monkeypatch.setattr(attempts, "_record", real)
    runner.run_step(str(execution.pk), "s0", "transform", execution.code_sha256)  # again
    execution.refresh_from_db()
    assert execution.status == "succeeded" and execution.output == 3
