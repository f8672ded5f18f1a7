"""Concurrency per workflow and per key: at most `limit` run at once (per key value), the
rest wait queued in start order with the reason; a finished, failed or cancelled run frees
its slot; with several workers the limit holds."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.db import connection, transaction
from django.db.models import F

from apps.executions.models import Execution
from apps.executions.services import execution_admit, execution_cancel, execution_start
from apps.runtime import services as runtime_services
from tests.executions.helpers import finished, py_node, start
from tests.workers import WorkerProcess

NAP = "import time\n\ndef run(inputs, ctx):\n    time.sleep(inputs['s'])\n    return inputs['s']\n"


def _capped(limit: int, key: str | None = None, nap: float = 0.0) -> dict:
    definition = {
        "name": f"capped-{uuid.uuid4().hex[:6]}",
        "input_schema": {"type": "object", "properties": {
            "customer_id": {"type": "string", "default": "x"},
            "token": {"type": "string", "format": "password", "default": "tok-secret-123"}}},
        "nodes": [py_node("work", NAP, inputs={"s": nap}) if nap else
                  {"id": "work", "type": "transform",
                   "data": {"config": {"value": "{{ inputs.customer_id }}"}}}],
        "edges": [], "concurrency": {"limit": limit}}
    if key:
        definition["concurrency"]["key"] = key
    return definition


def _again(first: Execution, inputs: dict | None = None) -> Execution:
    return execution_start(workflow=first.workflow, owner=first.owner, inputs=inputs or {})


@pytest.mark.django_db  # the test's transaction: no worker sees these rows
def test_a_run_over_the_limit_waits_with_its_reason_and_starts_when_one_ends(user):
    first = start(user, _capped(1))
    second = _again(first)
    assert first.status == "running" and second.status == "queued"
    assert second.waiting_reason == "1 of 1 running (the workflow's concurrency limit)"
    execution_cancel(execution=first)  # a cancelled run frees its slot at once
    assert execution_admit(owner_id=user.pk) == [str(second.pk)]
    second.refresh_from_db()
    assert second.status == "running" and second.waiting_reason == ""


@pytest.mark.django_db
def test_a_keyed_limit_counts_each_key_apart(user):
    a1 = start(user, _capped(1, key="{{ inputs.customer_id }}"), {"customer_id": "42"})
    a2 = _again(a1, {"customer_id": "42"})
    b1 = _again(a1, {"customer_id": "7"})
    # b1 starts at once: a2 waits for its own key, which holds back no other key
    assert (a1.status, a2.status, b1.status) == ("running", "queued", "running")
    assert a2.waiting_on_limit
    assert execution_admit(owner_id=user.pk) == []
    a2.refresh_from_db()
    assert a2.status == "queued"
    assert a2.waiting_reason == ("1 of 1 running for customer_id=42 (the workflow's "
                                 "concurrency limit)")
    assert a1.concurrency_key == "42" and b1.concurrency_key == "7"


@pytest.mark.django_db
def test_a_key_made_of_a_secret_is_stored_as_a_hash(user):
    run = start(user, _capped(1, key="{{ inputs.token }}"), {"token": "tok-secret-123"})
    assert run.concurrency_key.startswith("sha256:") and "tok-secret" not in run.concurrency_key


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_limit_one_runs_never_overlap_and_finish_in_start_order(worker, user):
    first = start(user, _capped(1, nap=0.6))
    second = _again(first)
    third = _again(first)
    runs = [finished(run) for run in (first, second, third)]
    assert all(run.status == "succeeded" for run in runs)
    for earlier, later in zip(runs, runs[1:], strict=False):
        assert later.started_at >= earlier.finished_at


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_twenty_starts_against_a_limit_of_three_on_two_workers(worker, user, tmp_path):
    runtime_services.runtime_setting_set(owner=user, key="max_concurrent_executions",
                                         value=50)
    second_worker = WorkerProcess(tmp_path, name="w-c2", beat=False).start()
    try:
        first = start(user, _capped(3, nap=0.4))
        runs = [first, *(_again(first) for _ in range(19))]
        most = 0
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            statuses = list(Execution.objects.filter(pk__in=[r.pk for r in runs])
                            .values_list("status", flat=True))
            most = max(most, statuses.count("running"))
            if all(s in ("succeeded", "failed", "cancelled") for s in statuses):
                break
            time.sleep(0.05)
    finally:
        second_worker.stop()
    assert most <= 3 and most >= 2, most
    assert {finished(run).status for run in runs} == {"succeeded"}


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks and deferred "
                    "foreign-key checks are PostgreSQL's (SQLite locks the whole file)")
def test_admission_never_waits_on_a_queued_run_another_transaction_holds(user):
    """A cancel of a queued run locks it and updates it twice, so its commit checks the owner
    foreign key (KEY SHARE on the user row). An admit holding the owner's row must not wait
    for that run's lock meanwhile: that was a deadlock."""
    runtime_services.runtime_setting_set(owner=user, key="max_concurrent_executions", value=1)
    first = start(user, _capped(5))
    waiting = _again(first)
    assert waiting.status == "queued"
    held, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def hold_the_queued_run() -> None:
        try:
            with transaction.atomic():
                Execution.objects.select_for_update().get(pk=waiting.pk)
                Execution.objects.filter(pk=waiting.pk).update(waiting_reason="held")
                Execution.objects.filter(pk=waiting.pk).update(last_event_seq=F("last_event_seq"))
                held.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            failures.append(exc)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_queued_run)
    holder.start()
    assert held.wait(10)
    execution_cancel(execution=first)  # frees the slot; the admit after it skips the held run
    timer = threading.Timer(0.5, release.set)  # the holder commits while an admit may run
    timer.start()
    admitted = execution_admit(owner_id=user.pk)
    holder.join(20)
    assert not failures, failures
    assert str(waiting.pk) not in admitted  # skipped while held, not waited for
    execution_admit(owner_id=user.pk)  # the next admission takes it (or a worker's did)
    waiting.refresh_from_db()
    # admitted; a worker still running from an earlier test may already have run its one step
    assert waiting.status in ("running", "succeeded") and waiting.started_at is not None
