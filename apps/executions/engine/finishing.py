"""Finishing: an execution ends (succeeded, failed or cancelled). Its output is rendered,
steps left over are cancelled, the completion event is stored, and after commit two things
follow, each through a message rather than a call back into the engine: a parent waiting on
this child is woken (worker/steps/workflow.py), and the owner's queued executions are
admitted into the slot this one frees (admission.py)."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.common import rowsql
from apps.executions import events, metrics, tracing
from apps.executions.engine import transitions
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.lease import DEFERRED, HELD, close_attempt
from apps.executions.engine.scope import build_scope
from apps.executions.models import TERMINAL_EXECUTION, Execution, Priority, StepRun
from apps.executions.selectors import queue_unblocked_by
from compiler import expressions
from worker import dispatch

S = StepRun.Status
E = Execution.Status
PREVIEW_CHARS = 2000
_CANCEL_FROM = transitions.bulk(StepRun, [S.PENDING, S.QUEUED, S.RETRYING], S.CANCELLED)


def preview(value: Any) -> tuple[Any, bool]:
    """The value as events and lists show it: whole when small, else a truncated text."""
    text = json.dumps(value, default=str)
    if len(text) <= PREVIEW_CHARS:
        return value, False
    return text[:PREVIEW_CHARS] + "…", True


@events.together()  # inside its caller's transaction
def finish(execution: Execution, status: str, *, error: dict[str, Any] | None = None,
           current: bool = False) -> None:
    """Close the execution: output, timing, the completion event; then wake a parent and
    admit whoever waits for the slot, after commit. `current`: the caller read the row under
    its lock in this transaction (else it is read again here)."""
    if not current:
        execution.refresh_from_db()
    if execution.status in TERMINAL_EXECUTION:
        return
    now = timezone.now()
    if status == E.SUCCEEDED:
        execution.output, render_error = _render_output(execution)
        if render_error:
            status, error = E.FAILED, render_error
    transitions.move(execution, status)
    execution.finished_at = now
    execution.current_step = ""
    if execution.started_at:
        execution.duration_ms = round((now - execution.started_at).total_seconds() * 1000, 3)
    execution.error = error
    # Named fields only: the sequence counters are changed by atomic increments alone. Sent
    # with the completion event.
    rowsql.later(rowsql.updating(execution, ["status", "finished_at", "current_step",
                                             "duration_ms", "output", "error"]))
    if status != E.SUCCEEDED:
        _cancel_left_over(execution, now)
    transaction.on_commit(partial(metrics.execution_finished, status, execution.trigger))
    if tracing.enabled():
        transaction.on_commit(partial(
            tracing.execution_ended, execution.pk, execution.workflow_id, status,
            execution.trigger, Priority(execution.priority).label, execution.created_at, now))
    events.execution_completed(
        execution.pk, status=status, duration_ms=execution.duration_ms, error=error,
        output=preview(execution.output)[0] if execution.output is not None else None)
    if execution.parent_id:
        waiting = StepRun.objects.filter(child_execution=execution).values_list(
            "pk", flat=True).first()
        if waiting is not None:
            transaction.on_commit(partial(dispatch.enqueue_wake, waiting))
    else:
        _admit_waiting(execution.owner_id, (execution.workflow_id, execution.concurrency_key))


def _cancel_left_over(execution: Execution, now: Any) -> None:
    """Steps that will not run now, and steps that wait without a worker, are cancelled.
    (A step running on a worker is stopped by its runner within a heartbeat.)"""
    StepRun.objects.filter(execution=execution, status__in=_CANCEL_FROM).update(
        status=S.CANCELLED, finished_at=now)
    for step in StepRun.objects.filter(execution=execution, status__in=HELD,
                                       lease_owner=DEFERRED):
        close_attempt(step, S.CANCELLED, error={"type": "cancelled",
                                                "message": "the execution was stopped"})
        transitions.move(step, S.CANCELLED)
        step.finished_at, step.lease_token, step.wake_at = now, "", None
        step.save(update_fields=["status", "finished_at", "lease_token", "wake_at"])
        events.step_cancelled(execution.pk, step.step_id, reason="the execution was stopped",
                              attempt=step.attempts)


def _admit_waiting(owner_id: int, group: tuple[int, str]) -> None:
    """A slot frees at commit, and one of the finished run's group (workflow, key): if any of
    the owner's queued executions could take either, an admission follows the commit. Asked
    with the transaction's last writes (no round trip of its own). A start that queues itself
    between that question and the commit is let in by the next admission (any finish, or
    the sweeper), as one that queued itself just after an answer given after commit was."""
    def found(waiting: bool) -> None:
        if waiting:
            transaction.on_commit(partial(dispatch.enqueue_admit, owner_id, group))

    rowsql.later(rowsql.existing_of(queue_unblocked_by, owner_id, group, found=found))


def _render_output(execution: Execution) -> tuple[Any, dict[str, Any] | None]:
    module = artifact_for(execution)
    scope = build_scope(execution)
    try:
        return scope.mask(expressions.render(module.OUTPUT, scope.as_scope())), None
    except expressions.ExpressionError as exc:
        return None, {"type": "expression_error", "message": scope.mask(str(exc))}
