"""The lease: who owns an attempt at a step. A worker claims a queued step under a fresh
token; only the holder of that token may commit the step's result (outcomes.py), so a late or
duplicate delivery commits nothing. The holder renews the lease by heartbeat while the step
runs; a step that waits without a worker (a delay, a child execution, a person) hands its
lease to `DEFERRED` until it is woken.

Lock order, for every writer of a step: the execution's row, then the step's (the unit of
work takes them in that order), so concurrent writers cannot deadlock.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.utils import timezone

from apps.executions import events, sql, tracing
from apps.executions import metrics as series
from apps.executions.engine import limits
from apps.executions.engine.artifacts import artifact_for, loaded_artifact, neighbourhood
from apps.executions.engine.unit import StepRef, Unit
from apps.executions.models import Execution, StepAttempt, StepRun

S = StepRun.Status
E = Execution.Status

# The lease owner of a step that waits without a worker: the sweeper never takes it for
# lost, and wakes it when its wake_at comes (worker/steps/ says what waking means per type).
DEFERRED = "deferred"
HELD = (S.RUNNING, S.WAITING)  # the statuses of a step whose lease somebody holds
CLAIM_FIELDS = ("attempts", "lease_token", "lease_owner", "heartbeat_at", "wake_at",
                "started_at")


class Claim:
    """An attempt a worker holds: the step, its execution and plan entry, the token, the
    attempt's row, and the limits it runs under."""

    def __init__(self, step: StepRun, execution: Execution, module: Any,
                 attempt_row: StepAttempt, config: dict[str, Any]) -> None:
        self.step = step
        self.execution = execution
        self.spec = module.STEPS[step.step_id]
        self.function = module.STEP_FUNCTIONS[step.step_id]  # the artifact's code for it
        self.token = step.lease_token
        self.attempt = step.attempts
        self.attempt_row = attempt_row
        self.config = config  # the owner's settings it runs under
        self.timeout_s = limits.step_timeout_s(step, self.spec, config)
        self.memory_mb = limits.memory_limit_mb(step, self.spec, config)
        self.scope: Any = None  # what the step sees (engine/scope.py), set by the claiming door
        # What the step was given (masked), not yet written: it goes out with the first
        # heartbeat or with the attempt's end, whichever comes first (no transaction of its own).
        self._inputs: dict[str, Any] = {}  # {"inputs": value} while not yet written
        self.sent_inputs: dict[str, Any] = {}  # what the last heartbeat took to write

    @property
    def traceparent(self) -> str | None:
        """The W3C trace header that names this attempt's span (None: traces are off): an
        `http` step sends it, so the service it calls joins the execution's trace."""
        return tracing.traceparent(self.execution.pk, self.step.step_id, self.attempt)

    def hold_inputs(self, inputs: Any) -> None:
        """Keep the step's inputs (masked) for the next write of the step's row."""
        self._inputs = {"inputs": inputs}

    def take_inputs(self) -> dict[str, Any]:
        """The inputs to write with the next write of the step's row ({} when none; a writer
        that fails hands them back with `hold_inputs`)."""
        taken, self._inputs = self._inputs, {}
        return taken


def claim(unit: Unit, ref: StepRef, worker: str) -> Claim | None:
    """Take the lease on a queued step; None means "not yours": a duplicate, too early, or
    stopped. The rows that decide what follows the step (and, for a last step, which steps
    are unfinished) are read with the lock, when this process has the step's artifact: a
    result committed in the same unit then reads nothing more."""
    module = loaded_artifact(ref.artifact)
    wanted, last = {ref.step_id}, False
    if module is not None and ref.step_id in module.SUCCESSORS:
        wanted = neighbourhood(module, ref.step_id)
        last = not module.SUCCESSORS[ref.step_id]
    execution = unit.lock(ref.execution_id, wanted, unfinished=last)
    if execution is None or execution.status != E.RUNNING:
        return None
    step = unit.steps(execution, [ref.step_id]).get(ref.step_id)
    if step is None or step.status not in (S.QUEUED, S.RETRYING):
        return None
    now = timezone.now()
    if step.wake_at and step.wake_at > now + timedelta(milliseconds=200):
        return None  # a backoff not yet over: the due message or the sweeper brings it back
    step.attempts += 1
    step.lease_token = uuid.uuid4().hex
    step.lease_owner = worker
    step.heartbeat_at = now
    step.wake_at = None
    step.started_at = step.started_at or now
    unit.move(step, S.RUNNING, *CLAIM_FIELDS)
    attempt = StepAttempt(step_run=step, number=step.attempts, status=S.RUNNING,
                          worker=worker, started_at=now,
                          compilation_id=execution.compilation_id)
    unit.add(attempt)
    events.step_started(unit, execution.pk, step.step_id, attempt=step.attempts, worker=worker)
    return Claim(step, execution, artifact_for(execution), attempt, unit.config(execution))


def held(unit: Unit, claim: Claim) -> tuple[Execution, StepRun] | None:
    """The claimed step's rows, locked, if its token still holds the lease on a running (or
    waiting) step; None when the lease moved on: a late or duplicate attempt commits
    nothing. Read with them: the rows that decide what runs after the step, and, for a last
    step, which steps are unfinished."""
    module = artifact_for(claim.execution)
    step_id = claim.step.step_id
    execution = unit.lock(claim.execution.pk, neighbourhood(module, step_id),
                          unfinished=not module.SUCCESSORS[step_id])
    step = unit.steps(execution, [step_id]).get(step_id) if execution is not None else None
    if step is None or step.lease_token != claim.token or step.status not in HELD:
        return None
    return execution, step


def owned(unit: Unit, step_pk: int, token: str,
          execution_id: Any = None) -> tuple[Execution, StepRun] | None:
    """The locked rows if `token` still holds the lease on a running or waiting step."""
    execution, step = unit.lock_step(step_pk, execution_id)
    if execution is None or step is None or step.lease_token != token \
            or step.status not in HELD:
        return None
    return execution, step


def deferred(unit: Unit, step_pk: int) -> tuple[Execution, StepRun] | None:
    """The locked rows of a step that waits without a worker, or None."""
    execution, step = unit.lock_step(step_pk)
    if execution is None or step is None or step.status not in HELD \
            or step.lease_owner != DEFERRED:
        return None
    return execution, step


def heartbeat(unit: Unit, claim: Claim) -> list[Any]:
    """Renew the lease (writing the step's inputs when they wait), in the unit's commit; the
    answers arrive then: read them with `heartbeat_verdict` once the unit has ended."""
    inputs = claim.take_inputs()
    claim.sent_inputs = inputs  # handed back if the beat fails
    return unit.with_commit(
        sql.renewing_lease(claim.step.pk, claim.token, timezone.now(), inputs),
        sql.status_of_execution(claim.execution.pk))


def heartbeat_verdict(answers: list[Any]) -> str:
    """What the runner should do after a beat: "run", "cancel" (the execution was stopped) or
    "lost" (the lease moved on)."""
    renewed, status = answers
    if not renewed:
        return "lost"
    return "cancel" if status in (E.CANCELLED, E.FAILED) else "run"


def defer(unit: Unit, step: StepRun, wake_at: datetime | None) -> None:
    """Release the worker while the step waits (a delay, a child execution): the lease goes
    to DEFERRED, and the sweeper wakes the step at `wake_at`."""
    step.lease_owner = DEFERRED
    step.wake_at = wake_at
    unit.save(step, "lease_owner", "wake_at")


def wait(unit: Unit, execution: Execution, step: StepRun, *, wake_at: datetime | None,
         message: str, fields: dict[str, Any]) -> None:
    """The step waits for a person's decision (an approval): `waiting`, no worker held, its
    lease with DEFERRED; woken at `wake_at` (its timeout), if any."""
    step.lease_owner = DEFERRED
    step.wake_at = wake_at
    unit.move(step, S.WAITING, "lease_owner", "wake_at")
    events.step_waiting(unit, execution.pk, step.step_id, message=message, fields=fields)


def close_attempt(unit: Unit, step: StepRun, status: str, *, error: dict[str, Any] | None,
                  metrics: dict[str, Any] | None = None,
                  attempt: StepAttempt | None = None) -> None:
    """Record how the step's current attempt ended. `attempt`: its row, as the claim made it
    (else read)."""
    if attempt is None:
        found = unit.fetch(StepAttempt.objects.filter(step_run=step, number=step.attempts))
        if not found:
            return
        attempt = found[0]
    now = timezone.now()
    attempt.finished_at = now
    if attempt.started_at:
        attempt.duration_ms = round((now - attempt.started_at).total_seconds() * 1000, 3)
    attempt.error = error
    attempt.metrics = {k: v for k, v in (metrics or {}).items() if k != "samples"}
    unit.move(attempt, status, "finished_at", "duration_ms", "error", "metrics")
    unit.after_commit(partial(series.attempt_closed, step.step_type, status,
                              attempt.duration_ms, (error or {}).get("type")))
    if tracing.enabled():
        unit.after_commit(partial(tracing.attempt_ended, step.execution_id, step.step_id,
                                  step.step_type, attempt.number, attempt.started_at, now,
                                  status, (error or {}).get("type"), attempt.metrics))
