"""The lease: who owns an attempt at a step. A worker claims a queued step under a fresh
token; only the holder of that token may commit the step's result (outcomes.py), so a late or
duplicate delivery commits nothing. The holder renews the lease by heartbeat while the step
runs; a step that waits without a worker (a delay, a child execution) hands its lease to
`DEFERRED` until it is woken.

Lock order, for every writer of a step: the execution's row, then the step's (sql.py), so
concurrent writers cannot deadlock.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.common import rowsql
from apps.executions import events, sql, tracing
from apps.executions import metrics as series
from apps.executions.engine import transitions
from apps.executions.engine.artifacts import artifact_for, loaded_artifact, neighbourhood
from apps.executions.models import Execution, StepAttempt, StepRun

S = StepRun.Status
E = Execution.Status

# The lease owner of a step that waits without a worker: the sweeper never takes it for
# lost, and wakes it when its wake_at comes (worker/steps/ says what waking means per type).
DEFERRED = "deferred"
HELD = (S.RUNNING, S.WAITING)  # the statuses of a step whose lease somebody holds
CLAIM_FIELDS = ["status", "attempts", "lease_token", "lease_owner", "heartbeat_at", "wake_at",
                 "started_at"]  # not the JSON columns: unchanged


class Claim:
    """An attempt a worker holds: the step, its execution and plan entry, the token."""

    def __init__(self, step: StepRun, execution: Execution, spec: dict[str, Any],
                 attempt_row: StepAttempt, *, stored: bool, rows: dict[str, StepRun],
                 unfinished: dict[str, str] | None = None) -> None:
        self.step = step
        self.rows = rows  # this step's and its neighbours' rows, read with the claim
        # A last step's claim also reads every step not succeeded or skipped ({id: status}):
        # with the lock held until its commit, that decides whether it ends the execution.
        self.unfinished = unfinished
        self.execution = execution
        self.spec = spec
        self.token = step.lease_token
        self.attempt = step.attempts
        self.attempt_row = attempt_row
        # False for an in-process step: the claim lives in memory until its commit writes
        # claim and result in one UPDATE (nobody can see the lease inside the transaction).
        self.stored = stored
        self.config: dict[str, Any] | None = None  # the owner's settings, once the runner has them
        # What the step was given (masked), not yet written: it goes out with the first
        # heartbeat or with the attempt's end, whichever comes first (no transaction of its own).
        self._inputs: dict[str, Any] = {}  # {"inputs": value} while not yet written

    def hold_inputs(self, inputs: Any) -> None:
        """Keep the step's inputs (masked) for the next statement on the step's row."""
        self._inputs = {"inputs": inputs}

    def take_inputs(self) -> dict[str, Any]:
        """The inputs to write with the next statement on the step's row ({} when none;
        a writer that fails hands them back with `hold_inputs`)."""
        taken, self._inputs = self._inputs, {}
        return taken


# savepoint=False here and in outcomes.py: a step that runs in-process (transform,
# condition) is claimed, run and committed in one transaction by the runner, and savepoints
# would only add round trips. Any error fails the whole transaction, as it should.
@transaction.atomic(savepoint=False)
def step_claim(*, execution_id: Any, step_id: str, worker: str, inline: bool = False,
               artifact: str | None = None) -> Claim | None:
    """Take the lease on a queued step; None means "not yours": duplicate, early or stopped.
    `inline`: the caller runs and commits the step in this same transaction; then, when
    `artifact` (the hash the message carried) names a module already loaded here, the rows
    that decide what runs next are read along with the step's."""
    wanted, last = {step_id}, False
    module = loaded_artifact(artifact) if inline else None
    if module is not None and step_id in module.SUCCESSORS:
        wanted = neighbourhood(module, step_id)
        last = not module.SUCCESSORS[step_id]  # then what else is unfinished decides the end
    execution, steps, unfinished = sql.lock_execution_with_steps(
        execution_id, sorted(wanted), unfinished=last)
    if execution is None or execution.status != E.RUNNING:
        return None
    rows = {row.step_id: row for row in steps}
    step = rows.get(step_id)
    for row in rows.values():
        row.execution = execution
    if step is None or step.status not in (S.QUEUED, S.RETRYING):
        return None
    now = timezone.now()
    if step.wake_at and step.wake_at > now + timedelta(milliseconds=200):
        return None  # a backoff not yet over: the due message or the sweeper brings it back
    module = artifact_for(execution)
    transitions.move(step, S.RUNNING)
    step.attempts += 1
    step.lease_token = uuid.uuid4().hex
    step.lease_owner = worker
    step.heartbeat_at = now
    step.wake_at = None
    step.started_at = step.started_at or now
    attempt_row = StepAttempt(step_run=step, number=step.attempts, status=S.RUNNING,
                              worker=worker, started_at=now,
                              compilation_id=execution.compilation_id)
    if not inline:
        rowsql.run(rowsql.updating(step, CLAIM_FIELDS), rowsql.inserting(attempt_row))
    execution.current_step = step_id
    events.step_started(execution.pk, step_id, attempt=step.attempts, worker=worker)
    return Claim(step, execution, module.STEPS[step_id], attempt_row, stored=not inline,
                 rows=rows if inline else {}, unfinished=unfinished)


def claim_store(claim: Claim) -> None:
    """Write an in-process claim, and inputs not yet written, before anything but its own
    commit handles the step (a failure goes through the same path as every other step's)."""
    if not claim.stored:
        rowsql.run(rowsql.updating(claim.step, CLAIM_FIELDS),
                   rowsql.inserting(claim.attempt_row))
        claim.stored = True
    unsaved = claim.take_inputs()
    if unsaved:
        rowsql.update_many(StepRun, [claim.step.pk], **unsaved)


def step_heartbeat(*, step_pk: int, token: str, inputs: dict[str, Any] | None = None) -> str:
    """Renew the lease (writing `inputs`, {"inputs": …}, when given); returns what the
    runner should do: "run", "cancel" or "lost"."""
    updated = StepRun.objects.filter(pk=step_pk, lease_token=token, status=S.RUNNING).update(
        heartbeat_at=timezone.now(), **(inputs or {}))
    if not updated:
        return "lost"
    status = Execution.objects.filter(steps__pk=step_pk).values_list("status", flat=True).first()
    return "cancel" if status in (E.CANCELLED, E.FAILED) else "run"


def lock_step(step_pk: int, execution_id: Any = None) -> tuple[Execution | None,
                                                              StepRun | None]:
    """Lock the execution row, then the step row: the one lock order of every writer
    (claim, commit, sweeper, controls)."""
    if execution_id is None:
        execution_id = StepRun.objects.filter(pk=step_pk).values_list("execution_id",
                                                                      flat=True).first()
    if execution_id is None:
        return None, None
    return sql.lock_execution_and_step(execution_id, step_pk)


def locked_owned(step_pk: int, token: str,
                 execution_id: Any = None) -> tuple[Execution | None, StepRun | None]:
    """The locked rows if `token` still holds the lease on a running (or waiting) step, else
    (None, None): the lease moved on, and a late or duplicate attempt commits nothing."""
    execution, step = lock_step(step_pk, execution_id)
    if step is None or step.lease_token != token or step.status not in HELD:
        return None, None
    return execution, step


@transaction.atomic
def step_defer(*, step_pk: int, token: str, wake_at: datetime | None) -> bool:
    """Release the worker while the step waits (a delay, a child execution): the lease goes
    to DEFERRED, and the sweeper wakes the step at `wake_at`."""
    _, step = locked_owned(step_pk, token)
    if step is None:
        return False
    step.lease_owner = DEFERRED
    step.wake_at = wake_at
    step.save(update_fields=["lease_owner", "wake_at"])
    return True


# ---- how an attempt ends is recorded ---------------------------------------------------------

def closing_attempt(step: StepRun, status: str, *, error: dict[str, Any] | None,
                    metrics: dict[str, Any], attempt: StepAttempt | None = None,
                    stored: bool = True) -> rowsql.Statement | None:
    """The statement that records the attempt's end (None if its row cannot be found).
    `attempt`: the row the claim made (not read again); `stored=False`: it was never
    written (an in-process claim), so it is inserted as it ends."""
    now = timezone.now()
    attempt = attempt or StepAttempt.objects.filter(step_run=step, number=step.attempts).first()
    if attempt is None:
        return None
    transitions.move(attempt, status)
    attempt.finished_at = now
    if attempt.started_at:
        attempt.duration_ms = round((now - attempt.started_at).total_seconds() * 1000, 3)
    attempt.error = error
    attempt.metrics = {k: v for k, v in metrics.items() if k != "samples"}
    transaction.on_commit(partial(series.attempt_closed, step.step_type, status,
                                  attempt.duration_ms, (error or {}).get("type")))
    if tracing.enabled():
        transaction.on_commit(partial(tracing.attempt_ended, step.execution_id, step.step_id,
                                      step.step_type, attempt.number, attempt.started_at, now,
                                      status, (error or {}).get("type"), attempt.metrics))
    if stored:
        return rowsql.updating(attempt, ["status", "finished_at", "duration_ms", "error",
                                         "metrics"])
    return rowsql.inserting(attempt)


def close_attempt(step: StepRun, status: str, *, error: dict[str, Any] | None,
                  metrics: dict[str, Any] | None = None) -> None:
    statement = closing_attempt(step, status, error=error, metrics=metrics or {})
    if statement is not None:
        rowsql.run(statement)


def deferred_step(step_pk: int) -> tuple[Execution | None, StepRun | None]:
    """The locked rows of a step that waits without a worker, or (None, None)."""
    execution, step = lock_step(step_pk)
    if step is None or step.status not in HELD or step.lease_owner != DEFERRED:
        return None, None
    return execution, step


@transaction.atomic
@events.together()
def step_wait(*, step_pk: int, token: str, wake_at: datetime | None, message: str,
              fields: dict[str, Any]) -> bool:
    """The step waits for a person's decision (an approval): `waiting`, no worker held, its
    lease with DEFERRED; woken at `wake_at` (its timeout), if any."""
    execution, step = locked_owned(step_pk, token)
    if step is None or execution is None:
        return False
    transitions.move(step, S.WAITING)
    step.lease_owner = DEFERRED
    step.wake_at = wake_at
    step.save(update_fields=["status", "lease_owner", "wake_at"])
    events.step_waiting(execution.pk, step.step_id, message=message, fields=fields)
    return True
