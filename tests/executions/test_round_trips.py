"""What a step costs the database, held as a test (bench/engine_bench.py prints the same
figures under load): a python step is claimed in 2 database calls (the lock with the rows it
reads; the claim's writes, its event and the COMMIT) and committed in 2 (the lock with the rows
that decide what follows; the result's writes, the events, the next step queued and the
COMMIT), whether it queues a successor or ends the execution. On the wire each is one round
trip more: the BEGIN psycopg sends before a transaction's first statement."""

from __future__ import annotations

import functools

import pytest
from django.db import connection, transaction

from apps.executions.engine.scope import owner_snapshot
from apps.executions.engine.unit import StepRef
from apps.executions.models import StepRun
from apps.executions.services import attempts
from apps.executions.services.attempts import Outcome
from bench.roundtrips import counting
from tests.executions.helpers import py_node, start
from worker import dispatch

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="counts PostgreSQL's round trips (CI runs PostgreSQL)"),
]

CODE = "def run(inputs, ctx):\n    return 1\n"


def _claim_and_commit(execution, step_id: str):  # type: ignore[no-untyped-def]
    ref = StepRef(str(execution.pk), step_id, "python", execution.code_sha256)
    with counting(connection) as claimed:
        claim = attempts.attempt_claim(ref, worker="w:1")
    assert claim is not None
    with counting(connection) as committed:
        # keep=…: the next step stays here (its message would reach a session worker)
        result, kept = attempts.attempt_commit(claim, Outcome("succeeded", output=1),
                                               keep=lambda kind, timeout_s: True)
    assert result == "succeeded"
    return claimed, committed


def _started_here(user, definition):  # type: ignore[no-untyped-def]
    """Started, its first step's message kept from the broker: a worker of another test of
    the session must not take it; this test claims it."""
    with transaction.atomic():
        execution = start(user, definition)
        connection.run_on_commit[:] = [entry for entry in connection.run_on_commit
                                       if not (isinstance(entry[1], functools.partial)
                                               and entry[1].func is dispatch.enqueue_step)]
    return execution


def test_a_python_step_is_claimed_in_two_calls_and_committed_in_two(user):
    # given a two-step python chain, started, its owner's settings read once (warm)
    execution = _started_here(user, {"name": "rt", "nodes": [py_node("a", CODE),
                                                             py_node("b", CODE)],
                                     "edges": [{"source": "a", "target": "b"}],
                                     "output": "{{ steps.b.output }}"})
    owner_snapshot(execution)
    # when the first step is claimed and committed (queueing the second), then the second
    # (ending the execution)
    first = _claim_and_commit(execution, "a")
    last = _claim_and_commit(execution, "b")
    # then each is 2 calls (3 round trips on the wire, BEGIN included)
    for claimed, committed in (first, last):
        assert (claimed.calls, committed.calls) == (2, 2)
        assert (claimed.waits, committed.waits) == (3, 3)
    execution.refresh_from_db()
    assert execution.status == "succeeded" and execution.output == 1
    assert set(StepRun.objects.filter(execution=execution).values_list("status",
                                                                       flat=True)) == {
        "succeeded"}
    assert list(execution.events.order_by("seq").values_list("type", flat=True))[-1] == \
        "execution_completed"
