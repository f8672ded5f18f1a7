"""A worker that runs an expression-only step runs the successor it makes ready next itself,
without a broker round trip (worker/runner.py, frontier.Keep), for at most CONTINUE_FOR_S;
each step still commits on its own, events included; a kept step whose worker died is sent
by the sweeper."""

from __future__ import annotations

import functools
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from apps.executions.engine import frontier
from apps.executions.models import StepRun
from apps.executions.services.sweeper import sweep
from tests.executions.helpers import event_types, finished, start, steps_by_id
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
        with frontier.keeping_one(lambda kind: True) as keep, transaction.atomic():
            runner._run_step(str(execution.pk), "s0", inline=True,  # noqa: SLF001
                             artifact=execution.code_sha256)
        assert keep.kept is not None and keep.kept[1] == "s1"
        # ... and the worker that kept s1 stops here, before running it.
    s1 = StepRun.objects.get(execution=execution, step_id="s1")
    assert s1.status == "queued"
    StepRun.objects.filter(pk=s1.pk).update(queued_at=timezone.now() - timedelta(minutes=5))
    assert sweep()["requeued"] >= 1
    execution = finished(execution)
    assert execution.status == "succeeded" and execution.output == 2
