"""Finishing: an execution ends (succeeded, failed or cancelled). Its output is rendered, the
steps that will not run are cancelled, and its story is closed by `execution_completed`: at
once when no step of it runs on a worker, else once the last such step has stopped and told
its own end (its logs, metrics and `step_cancelled` come first). After commit two things
follow, each through a message rather than a call back into the engine: a parent waiting on
this child is woken (worker/steps/workflow.py), and the owner's queued executions are
admitted into the slot this one frees (admission.py)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.utils import timezone

from apps.executions import events, metrics, tracing
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.lease import DEFERRED, HELD, close_attempt
from apps.executions.engine.scope import build_scope
from apps.executions.engine.unit import Unit
from apps.executions.models import TERMINAL_EXECUTION, Execution, Priority, StepRun
from apps.executions.selectors import queue_unblocked_by
from compiler import expressions
from worker import dispatch

S = StepRun.Status
E = Execution.Status
PREVIEW_CHARS = 2000
_NOT_STARTED = (S.PENDING, S.QUEUED, S.RETRYING)


def preview(value: Any) -> tuple[Any, bool]:
    """The value as events and lists show it: whole when small, else a truncated text."""
    text = json.dumps(value, default=str)
    if len(text) <= PREVIEW_CHARS:
        return value, False
    return text[:PREVIEW_CHARS] + "…", True


def finish(unit: Unit, execution: Execution, status: str, *,
           error: dict[str, Any] | None = None) -> None:
    """End the execution: its status, output and error; steps that will not run cancelled;
    the slot freed (admission) and a waiting parent woken, after commit; the story closed
    when no step runs any more (`complete_if_quiet`)."""
    execution = unit.lock(execution.pk)
    if execution is None or execution.status in TERMINAL_EXECUTION:
        return
    if status == E.SUCCEEDED:
        execution.output, render_error = _render_output(unit, execution)
        if render_error:
            status, error = E.FAILED, render_error
    execution.current_step = ""
    execution.error = error
    unit.move(execution, status, "current_step", "output", "error")
    if status != E.SUCCEEDED:
        _cancel_left_over(unit, execution)
    unit.after_commit(partial(metrics.execution_finished, status, execution.trigger))
    if execution.parent_id:
        waiting = unit.fetch(StepRun.objects.filter(child_execution=execution)
                             .values_list("pk", flat=True)[:1])
        if waiting:
            unit.after_commit(partial(dispatch.enqueue_wake, waiting[0]))
    else:
        _admit_waiting(unit, execution.owner_id,
                       (execution.workflow_id, execution.concurrency_key))
    complete_if_quiet(unit, execution)


def complete_if_quiet(unit: Unit, execution: Execution) -> None:
    """Close an ended execution's story with `execution_completed`, its last event, once no
    step of it runs on a worker (those stop within a heartbeat, or are found lost)."""
    if execution.status not in TERMINAL_EXECUTION or execution.finished_at is not None:
        return
    if any(status == S.RUNNING for status in unit.unfinished(execution).values()):
        return  # a worker still runs one: its own end comes first, then this
    now = timezone.now()
    execution.finished_at = now
    if execution.started_at:
        execution.duration_ms = round((now - execution.started_at).total_seconds() * 1000, 3)
    unit.save(execution, "finished_at", "duration_ms")
    if tracing.enabled():
        unit.after_commit(partial(
            tracing.execution_ended, execution.pk, execution.workflow_id, execution.status,
            execution.trigger, Priority(execution.priority).label, execution.created_at, now))
    events.execution_completed(
        unit, execution.pk, status=execution.status, duration_ms=execution.duration_ms,
        error=execution.error,
        output=preview(execution.output)[0] if execution.output is not None else None)


def _cancel_left_over(unit: Unit, execution: Execution) -> None:
    """Steps that will not run now, and steps that wait without a worker, are cancelled,
    each with its event. A step running on a worker is stopped by its runner within a
    heartbeat, and records its own end."""
    rows = unit.steps(execution, artifact_for(execution).ORDER)
    not_started = [step for step in rows.values() if step.status in _NOT_STARTED]
    unit.move_all(not_started, S.CANCELLED, finished_at=timezone.now())
    for step in not_started:
        events.step_cancelled(unit, execution.pk, step.step_id,
                              reason="the execution was stopped", attempt=step.attempts)
    for step in rows.values():
        if step.status in HELD and step.lease_owner == DEFERRED:
            close_attempt(unit, step, S.CANCELLED,
                          error={"type": "cancelled", "message": "the execution was stopped"})
            step.finished_at, step.lease_token, step.wake_at = timezone.now(), "", None
            unit.move(step, S.CANCELLED, "finished_at", "lease_token", "wake_at")
            events.step_cancelled(unit, execution.pk, step.step_id,
                                  reason="the execution was stopped", attempt=step.attempts)


def _admit_waiting(unit: Unit, owner_id: int, group: tuple[int, str]) -> None:
    """A slot frees at commit, and one of the finished run's group (workflow, key): if any of
    the owner's queued executions could take either, an admission follows the commit. Asked
    with the commit's round trip (no round trip of its own). A start that queues itself
    between that question and the commit is let in by the next admission (any finish, or
    the sweeper), as one that queued itself just after an answer given after commit was."""
    def found(waiting: bool) -> None:
        if waiting:
            unit.after_commit(partial(dispatch.enqueue_admit, owner_id, group))

    unit.ask(queue_unblocked_by, owner_id, group, found=found)


def _render_output(unit: Unit, execution: Execution) -> tuple[Any, dict[str, Any] | None]:
    module = artifact_for(execution)
    scope = build_scope(unit, execution)
    try:
        return scope.mask(expressions.render(module.OUTPUT, scope.as_scope())), None
    except expressions.ExpressionError as exc:
        return None, {"type": "expression_error", "message": scope.mask(str(exc))}
