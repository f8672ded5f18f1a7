"""The step hot path's write shortcuts keep the record exact: events stored together with a
unit of work's commit, rows written and read without the query compiler, settings snapshots
shared between executions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection

from apps.common import rowsql
from apps.executions import events
from apps.executions.engine.scope import owner_snapshot
from apps.executions.engine.unit import Unit
from apps.executions.models import Execution, ExecutionEvent, StepAttempt, StepRun
from apps.runtime.services import runtime_setting_set
from tests.executions.helpers import event_types, finished, py_node, start, steps_by_id


def _chain(n: int) -> dict:
    return {"name": f"chain{n}-{uuid.uuid4().hex[:6]}", "nodes": [
        {"id": f"s{i}", "type": "transform", "data": {"config": {"value": i}}}
        for i in range(n)],
        "edges": [{"source": f"s{i}", "target": f"s{i + 1}"} for i in range(n - 1)]}


def _seqs(execution: Execution) -> list[int]:
    return list(execution.events.order_by("seq").values_list("seq", flat=True))


@pytest.mark.django_db  # inside the test's transaction: no worker sees these
def test_events_recorded_in_one_unit_keep_order_and_numbers_per_execution(user):
    first = start(user, _chain(2))
    second = start(user, _chain(2))
    before = dict(Execution.objects.filter(pk__in=[first.pk, second.pk]).values_list(
        "pk", "last_event_seq"))
    with Unit() as unit:
        emitted = [events.step_queued(unit, first.pk, "a"),
                   events.step_queued(unit, second.pk, "x"),
                   events.step_started(unit, first.pk, "a", attempt=1, worker="w:1"),
                   events.step_started(unit, second.pk, "x", attempt=1, worker="w:1"),
                   events.step_completed(unit, first.pk, "a", output=None,
                                         output_truncated=False, attempt=1, metrics={},
                                         duration_ms=1.5)]
        assert all(event.seq is None for event in emitted)  # stored with the commit
    for execution in (first, second):
        execution.refresh_from_db()
        stored = list(execution.events.filter(seq__gt=before[execution.pk]).order_by("seq"))
        assert [e.seq for e in stored] == list(range(before[execution.pk] + 1,
                                                     execution.last_event_seq + 1))
        assert [e.seq for e in emitted if e.execution_id == execution.pk] == [
            e.seq for e in stored]
        assert _seqs(execution) == list(range(1, execution.last_event_seq + 1))
    assert [e.type for e in first.events.filter(step_id="a").order_by("seq")] == [
        "step_queued", "step_started", "step_completed"]
    assert first.events.get(type="step_completed").duration_ms == 1.5
    assert first.current_step == "a" and second.current_step == "x"


@pytest.mark.django_db  # inside the test's transaction: no worker sees these
def test_events_and_writes_of_a_failed_unit_are_not_stored(user):
    execution = start(user, _chain(1))
    count = ExecutionEvent.objects.filter(execution=execution).count()

    def failing_unit() -> None:
        with Unit() as unit:
            locked = unit.lock(execution.pk, ["s0"])
            events.step_queued(unit, locked.pk, "s0")
            unit.move(locked, Execution.Status.PAUSED)
            unit.flush()  # sent: the rollback must undo it all the same
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        failing_unit()
    assert ExecutionEvent.objects.filter(execution=execution).count() == count
    execution.refresh_from_db()
    assert execution.status == Execution.Status.RUNNING


@pytest.mark.django_db  # inside the test's transaction: no worker sees these
def test_a_finished_execution_keeps_no_current_step(user):
    execution = start(user, _chain(1))
    Execution.objects.filter(pk=execution.pk).update(status=Execution.Status.SUCCEEDED,
                                                     current_step="")
    with Unit() as unit:
        events.step_started(unit, execution.pk, "s0", attempt=1, worker="w:1")
    execution.refresh_from_db()
    assert execution.current_step == ""


@pytest.mark.django_db
def test_rowsql_round_trips_json_times_and_keys_like_the_orm(user):
    execution = start(user, _chain(1))
    step = StepRun.objects.get(execution=execution, step_id="s0")
    at = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    attempt = StepAttempt(step_run=step, number=7, status="failed", worker="w:1",
                          started_at=at, error={"type": "code_error", "nested": [1, "é", None]},
                          metrics={"peak_rss_mb": 1.5})
    rowsql.run(rowsql.inserting(attempt))
    assert StepAttempt.objects.get(pk=attempt.pk).error == attempt.error
    step.output, step.status, step.finished_at = {"a": [1, 2]}, "succeeded", at
    assert rowsql.run(rowsql.updating(step, ["output", "status", "finished_at"])) == [1]
    assert rowsql.run(rowsql.updating_many(StepRun, [step.pk], inputs={"k": "v"})) == [1]
    ((read,),) = rowsql.run(rowsql.selecting(StepRun, "id = %s", [step.pk], lock=True))
    orm = StepRun.objects.get(pk=step.pk)
    for field in StepRun._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(orm, field.attname), field.name
    assert read.output == {"a": [1, 2]} and read.finished_at == at and read.inputs == {"k": "v"}
    ((found,),) = rowsql.run(rowsql.selecting(Execution, "id = %s", [
        Execution._meta.pk.get_db_prep_value(execution.pk, connection)]))
    assert found.pk == execution.pk and found.inputs == execution.inputs


@pytest.mark.django_db
def test_settings_saved_before_an_execution_starts_apply_to_it(user):
    first = start(user, _chain(1))
    assert owner_snapshot(first).config["debug_mode"] is False
    runtime_setting_set(owner=user, key="debug_mode", value=True)
    second = start(user, _chain(1))
    assert owner_snapshot(second).config["debug_mode"] is True
    # The first execution keeps its snapshot for a few seconds (read once, not per step).
    assert owner_snapshot(first).config["debug_mode"] is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_python_steps_last_metrics_go_out_with_its_commit(worker, user):
    execution = finished(start(user, {"name": "m", "nodes": [
        py_node("p", "import time\n\ndef run(i, c):\n    time.sleep(0.4)\n    return 1\n")],
        "edges": []}))
    assert execution.status == "succeeded", execution.error
    types = event_types(execution)
    assert "metrics" in types
    assert types.index("metrics") < types.index("step_completed")
    metrics = execution.events.filter(type="metrics").last()
    assert metrics.data["samples"] and metrics.step_id == "p"
    assert steps_by_id(execution)["p"].metrics["samples"]
    assert _seqs(execution) == list(range(1, len(types) + 1))
    assert execution.current_step == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_in_process_steps_store_every_attempt_and_event(worker, user):
    definition = _chain(5)
    definition["nodes"][3]["data"]["config"] = {"value": "{{ steps.s2.output // 0 }}"}
    failed = finished(start(user, definition))
    assert failed.status == "failed"
    steps = steps_by_id(failed)
    assert [steps[f"s{i}"].status for i in range(5)] == [
        "succeeded", "succeeded", "succeeded", "failed", "cancelled"]
    assert steps["s3"].error["type"] == "expression_error"
    assert list(steps["s3"].attempt_rows.values_list("number", "status")) == [(1, "failed")]
    assert all(steps[f"s{i}"].attempt_rows.get().status == "succeeded" for i in range(3))
    ok = finished(start(user, _chain(5)))
    assert ok.status == "succeeded", ok.error
    assert event_types(ok).count("step_started") == 5
    assert _seqs(ok) == list(range(1, ok.last_event_seq + 1))
