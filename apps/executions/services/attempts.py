"""The worker's doors into the engine, one unit of work each: claim an attempt, renew its
lease, store its logs and metrics, commit how it ended (and what follows), run a group of
expression-only steps in one transaction, wake a step that waits. The worker runs the
step's code between them and never opens a transaction itself (worker/runner.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from apps.executions import events
from apps.executions.engine import lease, outcomes
from apps.executions.engine.lease import Claim
from apps.executions.engine.scope import build_scope
from apps.executions.engine.unit import StepRef, Unit
from worker import dispatch

__all__ = ["Claim", "Outcome", "StepRef", "Wake", "attempt_claim", "attempt_commit",
           "attempt_heartbeat", "attempt_logs", "attempt_metrics", "attempts_run_inline",
           "step_wake"]

# Expression-only steps of one execution that run back to back share a transaction for at
# most this long (their events go live together, and the execution's row stays locked), and
# at most this many.
GROUP_FOR_S = 0.05
GROUP_MAX = 20
WAKE_AHEAD_MAX_S = 300  # longer waits are woken by the sweeper (no long countdowns: redis.rst)

Keep = Callable[[str, float], bool]  # (step type, timeout in seconds): run it here next?


@dataclass
class Outcome:
    """How an attempt ended, as the worker saw it. `kind`: succeeded, failed, cancelled, or
    deferred (the step waits without a worker until `wake_at`, or for a person when
    `decision` {message, fields} is given; `countdown` sends the wake-up ahead)."""

    kind: str
    output: Any = None
    error: dict[str, Any] | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    debug: dict[str, Any] | None = None
    samples: list[dict[str, float]] = field(default_factory=list)  # not yet sent live
    wake_at: datetime | None = None
    countdown: float | None = None
    decision: dict[str, Any] | None = None


@dataclass(frozen=True)
class Wake:
    """What waking a waiting step decided (its type's `wake`): `kind` succeed (with output),
    fail (with error) or wait (until `wake_at`)."""

    kind: str
    output: Any = None
    error: dict[str, Any] | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    wake_at: datetime | None = None


def attempt_claim(ref: StepRef, *, worker: str) -> Claim | None:
    """Take the lease on a queued step and commit the claim (2 round trips on PostgreSQL:
    the lock with the rows it reads, then the claim's writes, its event and the COMMIT);
    None: not this worker's to run."""
    with Unit() as unit:
        claim = lease.claim(unit, ref, worker)
        if claim is not None:
            claim.scope = build_scope(unit, claim.execution)
    return claim


def attempt_commit(claim: Claim, outcome: Outcome, *, keep: Keep | None = None
                   ) -> tuple[str, StepRef | None]:
    """Record how the attempt ended and queue what follows (2 round trips on PostgreSQL: the
    lock with the rows that decide what follows, then the writes, the events and the
    COMMIT). Returns what happened ("lease lost" when the lease had moved on) and the ready
    step `keep` took for this worker to run next, if any."""
    with Unit(keep=keep) as unit:
        result = _record(unit, claim, outcome)
    return result, unit.kept


def attempts_run_inline(ref: StepRef, *, worker: str, run: Callable[[Claim], Outcome],
                        keep: Keep, inline: Callable[[str], bool]
                        ) -> tuple[str, StepRef | None]:
    """Expression-only steps claimed, run (`run`, in this process) and recorded in turn, in
    one unit: the one given, then the successors of the same execution that `keep` takes and
    `inline` says are expression-only too, for up to GROUP_FOR_S or GROUP_MAX steps. Each
    step's writes travel with the next one's claim and the events with the COMMIT: one
    round trip a step. Nothing outside the database happens in such a step, so if the
    transaction fails the group is undone and runs again (the first step's message, or the
    sweeper). Returns the last result and the step kept to run next outside the group."""
    ends, count = time.monotonic() + GROUP_FOR_S, 0
    with Unit(keep=keep) as unit:
        while True:
            unit.kept = None
            claim = lease.claim(unit, ref, worker)
            if claim is None:
                return "ignored", None
            claim.scope = build_scope(unit, claim.execution)
            result = _record(unit, claim, run(claim))
            count += 1
            kept = unit.kept
            if (kept is None or kept.execution_id != ref.execution_id
                    or not inline(kept.step_type)
                    or count >= GROUP_MAX or time.monotonic() >= ends):
                return result, kept
            ref = kept


def _record(unit: Unit, claim: Claim, outcome: Outcome) -> str:
    found = lease.held(unit, claim)
    if found is None:
        return "lease lost"
    execution, step = found
    if outcome.samples:
        events.metrics(unit, execution.pk, step.step_id, samples=outcome.samples)
    unsaved = claim.take_inputs()
    if unsaved:
        step.inputs = unsaved["inputs"]
        unit.save(step, "inputs")
    if outcome.kind == "deferred":
        if outcome.decision is not None:
            lease.wait(unit, execution, step, wake_at=outcome.wake_at, **outcome.decision)
        else:
            lease.defer(unit, step, outcome.wake_at)
        if outcome.countdown is not None and outcome.countdown <= WAKE_AHEAD_MAX_S:
            unit.after_commit(partial(dispatch.enqueue_wake, step.pk,
                                      countdown=outcome.countdown))
    elif outcome.kind == "cancelled":
        outcomes.cancel(unit, execution, step, reason="the execution was stopped",
                        attempt=claim.attempt_row)
    elif outcome.kind == "succeeded":
        outcomes.succeed(unit, execution, step, output=outcome.output,
                         metrics=outcome.metrics, debug=outcome.debug,
                         attempt=claim.attempt_row)
    else:
        outcomes.fail(unit, execution, step, error=outcome.error or {},
                      metrics=outcome.metrics, debug=outcome.debug,
                      attempt=claim.attempt_row)
    return outcome.kind


def attempt_heartbeat(claim: Claim) -> str:
    """Renew the lease: "run", "cancel" (the execution was stopped) or "lost" (one round trip
    with its COMMIT, after psycopg's BEGIN)."""
    try:
        with Unit() as unit:
            answers = lease.heartbeat(unit, claim)
    except Exception:
        if claim.sent_inputs:  # the next beat writes them
            claim.hold_inputs(claim.sent_inputs["inputs"])
        raise
    return lease.heartbeat_verdict(answers)


def attempt_logs(claim: Claim, lines: list[tuple[datetime, str, str]], *,
                 forward: bool) -> int:
    """Store a batch of the attempt's log lines (one `logs` event); `forward`: also send
    them to the owner's log endpoint, by another task. Returns the first line's number."""
    with Unit() as unit:
        execution_id = claim.execution.pk
        first = events.logs(unit, execution_id, claim.step.step_id, claim.attempt, lines)
        if forward and lines:
            unit.after_commit(partial(dispatch.enqueue_log_forward, execution_id, first,
                                      first + len(lines) - 1))
    return first


def attempt_metrics(claim: Claim, samples: list[dict[str, float]]) -> None:
    """A live `metrics` event: CPU and memory samples of the running step."""
    with Unit() as unit:
        events.metrics(unit, claim.execution.pk, claim.step.step_id, samples=samples)


def step_wake(step_pk: int, decide: Callable[[Any], Wake | None]) -> bool:
    """Wake a step that waits without a worker: its type's `decide(step)` says what the
    wait came to (None: nothing yet); True when the step ended."""
    with Unit() as unit:
        found = lease.deferred(unit, step_pk)
        if found is None:
            return False
        execution, step = found
        wake = decide(step)
        if wake is None:
            return False
        if wake.kind == "wait":
            lease.defer(unit, step, wake.wake_at)
            return False
        if wake.kind == "succeed":
            outcomes.succeed(unit, execution, step, output=wake.output, metrics=wake.metrics)
        else:
            outcomes.fail(unit, execution, step, error=wake.error or {})
        return True
