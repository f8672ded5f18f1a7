"""Outcomes: how an attempt ends and what follows. Only the lease holder commits (lease.py):
a success stores the output and unblocks successors (frontier.py); a failure retries with
backoff when the step's policy allows, else fails the step, and the execution unless the
step continues on error (finishing.py); a cancel or a lost worker is recorded as such."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.common import rowsql
from apps.executions import events
from apps.executions.engine import finishing, frontier, lease, transitions
from apps.executions.engine.artifacts import artifact_for
from apps.executions.errors import describe, error_signature
from apps.executions.models import Execution, StepRun
from apps.runtime.selectors import runtime_config_get

S = StepRun.Status
E = Execution.Status
NOT_RETRIED = {"input_validation", "expression_error", "cancelled", "output_error",
               "approval_rejected"}
_SUCCESS_FIELDS = ("output", "output_truncated", "status", "error", "finished_at",
                   "duration_ms", "metrics", "debug")


def _duration_ms(step: StepRun, now: Any) -> float | None:
    if not step.started_at:
        return None
    return round((now - step.started_at).total_seconds() * 1000, 3)


@transaction.atomic(savepoint=False)
@events.together()
def step_succeed(*, step_pk: int, token: str, output: Any, metrics: dict[str, Any],
                 debug: dict[str, Any] | None = None,
                 claim: lease.Claim | None = None) -> bool:
    """Commit a result. `claim`: the runner's claim of this attempt (its attempt row is
    closed without reading it again, its owner settings reused); when made in this same
    transaction, its rows are still locked and current, and an in-process claim not yet
    written is written here, with the result, in one UPDATE."""
    attempt, stored, known, unfinished = None, True, None, None
    if claim is not None and claim.step.pk == step_pk and claim.token == token:
        if claim.rows:  # claimed in this transaction: its rows are locked and current
            execution, step, stored, known = claim.execution, claim.step, claim.stored, \
                claim.rows
            unfinished = claim.unfinished
        else:
            execution, step = lease.locked_owned(step_pk, token, claim.execution.pk)
        attempt = claim.attempt_row
    else:
        execution, step = lease.locked_owned(step_pk, token)
    if step is None or execution is None:
        return False
    config = (claim.config if claim is not None and claim.config else
              runtime_config_get(owner=execution.owner_id))
    now = timezone.now()
    text = json.dumps(output, default=str)
    if len(text) > config["output_max_bytes"]:
        step.output = {"truncated": True, "bytes": len(text),
                       "preview": text[:finishing.PREVIEW_CHARS]}
        step.output_truncated = True
    else:
        step.output = output
    transitions.move(step, S.SUCCEEDED)
    step.error = None
    step.finished_at = now
    step.duration_ms = _duration_ms(step, now)
    step.metrics = metrics
    step.debug = debug or {}
    step.lease_token = ""
    unsaved = claim.take_inputs() if claim is not None else {}
    if unsaved:
        step.inputs = unsaved["inputs"]
    written = sorted({*_SUCCESS_FIELDS, *([] if stored else lease.CLAIM_FIELDS), *unsaved})
    rowsql.later(*filter(None, [  # with the events: the step's row and its attempt's
        rowsql.updating(step, written),
        lease.closing_attempt(step, S.SUCCEEDED, error=None, metrics=metrics,
                              attempt=attempt, stored=stored)]))
    if claim is not None:
        claim.stored = True
    shown, truncated = finishing.preview(step.output)
    events.step_completed(execution.pk, step.step_id, output=shown,
                          output_truncated=truncated or step.output_truncated,
                          attempt=step.attempts, duration_ms=step.duration_ms,
                          metrics={k: v for k, v in metrics.items() if k != "samples"})
    # The execution's row was read under its lock in this transaction: current.
    frontier.schedule_ready(execution, after=step.step_id, config=config, known=known,
                            unfinished=unfinished, current=True)
    return True


@transaction.atomic(savepoint=False)
@events.together()
def step_fail(*, step_pk: int, token: str, error: dict[str, Any],
              metrics: dict[str, Any] | None = None, debug: dict[str, Any] | None = None,
              final: bool = False) -> bool:
    """Record a failed attempt; retry with backoff when the policy allows (and not `final`),
    else fail the step, and the execution unless the step continues on error."""
    metrics = metrics or {}
    execution, step = lease.locked_owned(step_pk, token)
    if step is None or execution is None:
        return False
    spec = artifact_for(execution).STEPS[step.step_id]
    error = describe(error, node_id=step.step_id)
    lease.close_attempt(step, S.FAILED, error=error, metrics=metrics)
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
        transitions.move(step, S.RETRYING)
        step.wake_at = now + timedelta(seconds=backoff)
        step.save()
        events.step_retrying(execution.pk, step.step_id, attempt=step.attempts, error=error,
                             backoff_seconds=backoff)
        frontier.send(execution, step, countdown=backoff)
        return True
    transitions.move(step, S.FAILED)
    step.error_signature = error_signature(step.step_id, error)
    step.finished_at = now
    step.duration_ms = _duration_ms(step, now)
    step.save()
    continues = spec.get("on_error") == "continue"
    events.step_failed(execution.pk, step.step_id, error=error, attempt=step.attempts,
                       continues=continues, duration_ms=step.duration_ms)
    if execution.status != E.RUNNING:
        return True
    if continues:
        frontier.schedule_ready(execution, after=step.step_id)
    else:
        finishing.finish(execution, E.FAILED, error={"step_id": step.step_id, **error})
    return True


@transaction.atomic(savepoint=False)
@events.together()
def step_cancel(*, step_pk: int, token: str) -> None:
    """The execution was stopped while this attempt ran: the step ends cancelled."""
    execution, step = lease.locked_owned(step_pk, token)
    if step is None or execution is None:
        return
    lease.close_attempt(step, S.CANCELLED, error={"type": "cancelled",
                                                  "message": "cancelled"})
    transitions.move(step, S.CANCELLED)
    step.finished_at = timezone.now()
    step.lease_token = ""
    step.save()
    events.step_cancelled(execution.pk, step.step_id, reason="the execution was stopped",
                          attempt=step.attempts)


@transaction.atomic
@events.together()
def step_lost(*, step_pk: int) -> bool:
    """The worker running this step stopped heartbeating: run it again elsewhere (a lost
    attempt does not use up the retry policy: at least once), or fail it with worker_lost
    after MAX_WORKER_LOST losses, so a poison step cannot loop."""
    execution, step = lease.lock_step(step_pk)
    if execution is None or step is None or step.status != S.RUNNING \
            or step.lease_owner == lease.DEFERRED:
        return False
    step.lost_count += 1
    step.save(update_fields=["lost_count"])
    error: dict[str, Any] = {"type": "worker_lost", "worker": step.lease_owner,
                             "message": f"the worker running this step stopped responding "
                                        f"(lost {step.lost_count} time(s))"}
    if step.lost_count >= settings.MAX_WORKER_LOST:
        error["message"] = f"worker crashed {step.lost_count} times running this step"
        return step_fail(step_pk=step.pk, token=step.lease_token, error=error, final=True)
    token = step.lease_token
    transitions.move(step, S.QUEUED)
    step.lease_token = ""
    step.queued_at = timezone.now()
    step.save(update_fields=["status", "lease_token", "queued_at"])
    lease.close_attempt(step, S.FAILED, error=error)
    events.step_retrying(execution.pk, step.step_id, attempt=step.attempts, error=error,
                         reason="worker_lost", previous_lease=token[:8])
    frontier.send(execution, step)
    return True
