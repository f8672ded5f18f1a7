"""Outcomes: how an attempt ends and what follows. The caller holds the step's lease, checked
in this unit (lease.py): a success stores the output and unblocks successors (frontier.py); a
failure retries with backoff when the step's policy allows, else fails the step, and the
execution unless the step continues on error (finishing.py); a cancel or a lost worker is
recorded as such. Every ending takes the same route: the attempt closed, the step moved
through the transition table, its event, then what follows."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from apps.executions import events
from apps.executions.engine import finishing, frontier, lease
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.unit import Unit
from apps.executions.errors import describe, error_signature
from apps.executions.models import TERMINAL_EXECUTION, Execution, StepAttempt, StepRun

S = StepRun.Status
E = Execution.Status
NOT_RETRIED = {"input_validation", "expression_error", "cancelled", "output_error",
               "approval_rejected"}


def _duration_ms(step: StepRun, now: Any) -> float | None:
    if not step.started_at:
        return None
    return round((now - step.started_at).total_seconds() * 1000, 3)


def _then(unit: Unit, execution: Execution, step: StepRun) -> None:
    """After a step ended: what runs next while the execution runs; the end of its story
    once it was stopped and this was one of the steps it waited for."""
    if execution.status == E.RUNNING:
        frontier.schedule_ready(unit, execution, after=step.step_id)
    elif execution.status in TERMINAL_EXECUTION:
        finishing.complete_if_quiet(unit, execution)


def succeed(unit: Unit, execution: Execution, step: StepRun, *, output: Any,
            metrics: dict[str, Any], debug: dict[str, Any] | None = None,
            attempt: StepAttempt | None = None) -> None:
    """Commit a result: the output stored, the attempt closed, successors unblocked."""
    config = unit.config(execution)
    now = timezone.now()
    text = json.dumps(output, default=str)
    if len(text) > config["output_max_bytes"]:
        step.output = {"truncated": True, "bytes": len(text),
                       "preview": text[:finishing.PREVIEW_CHARS]}
        step.output_truncated = True
    else:
        step.output = output
    step.error = None
    step.finished_at = now
    step.duration_ms = _duration_ms(step, now)
    step.metrics = metrics
    step.debug = debug or {}
    step.lease_token = ""
    unit.move(step, S.SUCCEEDED, "output", "output_truncated", "error", "finished_at",
              "duration_ms", "metrics", "debug", "lease_token")
    lease.close_attempt(unit, step, S.SUCCEEDED, error=None, metrics=metrics, attempt=attempt)
    shown, truncated = finishing.preview(step.output)
    events.step_completed(unit, execution.pk, step.step_id, output=shown,
                          output_truncated=truncated or step.output_truncated,
                          attempt=step.attempts, duration_ms=step.duration_ms,
                          metrics={k: v for k, v in metrics.items() if k != "samples"})
    _then(unit, execution, step)


def fail(unit: Unit, execution: Execution, step: StepRun, *, error: dict[str, Any],
         metrics: dict[str, Any] | None = None, debug: dict[str, Any] | None = None,
         attempt: StepAttempt | None = None, final: bool = False) -> None:
    """Record a failed attempt; retry with backoff when the policy allows (and not `final`:
    a poison step that keeps losing its worker), else fail the step, and the execution
    unless the step continues on error."""
    metrics = metrics or {}
    spec = artifact_for(execution).STEPS[step.step_id]
    error = describe(error, node_id=step.step_id)
    lease.close_attempt(unit, step, S.FAILED, error=error, metrics=metrics, attempt=attempt)
    retry = spec.get("retry") or {}
    max_attempts = int(step.overrides.get("max_attempts") or retry.get("max_attempts") or 1)
    now = timezone.now()
    step.metrics = metrics or step.metrics
    step.debug = debug or step.debug
    step.lease_token = ""
    step.error = error
    if (not final and step.attempts < max_attempts and error["type"] not in NOT_RETRIED
            and execution.status == E.RUNNING):
        backoff = float(retry.get("backoff_seconds", 1)) * float(
            retry.get("backoff_factor", 1)) ** (step.attempts - 1)
        step.wake_at = now + timedelta(seconds=backoff)
        unit.move(step, S.RETRYING, "wake_at", "metrics", "debug", "lease_token", "error")
        events.step_retrying(unit, execution.pk, step.step_id, attempt=step.attempts,
                             error=error, backoff_seconds=backoff)
        unit.send_step(execution, step, countdown=backoff)
        return
    step.error_signature = error_signature(step.step_id, error)
    step.finished_at = now
    step.duration_ms = _duration_ms(step, now)
    unit.move(step, S.FAILED, "metrics", "debug", "lease_token", "error", "error_signature",
              "finished_at", "duration_ms")
    continues = spec.get("on_error") == "continue"
    events.step_failed(unit, execution.pk, step.step_id, error=error, attempt=step.attempts,
                       continues=continues, duration_ms=step.duration_ms)
    if execution.status == E.RUNNING and not continues:
        finishing.finish(unit, execution, E.FAILED, error={"step_id": step.step_id, **error})
    else:
        _then(unit, execution, step)


def cancel(unit: Unit, execution: Execution, step: StepRun, *, reason: str,
           attempt: StepAttempt | None = None) -> None:
    """The execution was stopped while this attempt ran or waited: the step ends cancelled;
    the execution's story ends once no step of it runs any more."""
    lease.close_attempt(unit, step, S.CANCELLED, attempt=attempt,
                        error={"type": "cancelled", "message": reason})
    step.finished_at = timezone.now()
    step.lease_token = ""
    step.wake_at = None
    unit.move(step, S.CANCELLED, "finished_at", "lease_token", "wake_at")
    events.step_cancelled(unit, execution.pk, step.step_id, reason=reason,
                          attempt=step.attempts)
    _then(unit, execution, step)


def lost(unit: Unit, step_pk: int) -> bool:
    """The worker running this step stopped heartbeating: run it again elsewhere (a lost
    attempt does not use up the retry policy: at least once), or fail it with worker_lost
    after MAX_WORKER_LOST losses, so a poison step cannot loop. A step of an execution that
    was stopped meanwhile ends cancelled."""
    execution, step = unit.lock_step(step_pk)
    if execution is None or step is None or step.status != S.RUNNING \
            or step.lease_owner == lease.DEFERRED:
        return False
    if execution.status in TERMINAL_EXECUTION:
        cancel(unit, execution, step, reason=f"the worker running it ({step.lease_owner}) "
                                             f"stopped responding after the execution ended")
        return True
    step.lost_count += 1
    error: dict[str, Any] = {"type": "worker_lost", "worker": step.lease_owner,
                             "message": f"the worker running this step stopped responding "
                                        f"(lost {step.lost_count} time(s))"}
    if step.lost_count >= settings.MAX_WORKER_LOST:
        error["message"] = f"worker crashed {step.lost_count} times running this step"
        unit.save(step, "lost_count")
        fail(unit, execution, step, error=error, final=True)
        return True
    token = step.lease_token
    lease.close_attempt(unit, step, S.FAILED, error=error)
    step.lease_token = ""
    step.queued_at = timezone.now()
    unit.move(step, S.QUEUED, "lost_count", "lease_token", "queued_at")
    events.step_retrying(unit, execution.pk, step.step_id, attempt=step.attempts, error=error,
                         reason="worker_lost", previous_lease=token[:8])
    if execution.status == E.RUNNING:
        unit.send_step(execution, step)  # a paused one is sent again when it resumes
    return True
