"""Run one step of one execution: claim it, call the artifact's step function with a context
(worker/context.py) that hands the work to the step type's runner (worker/steps/), and
record the outcome, masked, through the engine's outcomes. One claim, one commit: a duplicate
delivery commits nothing. Also wakes steps that wait without a worker.

Continuation: a task whose step makes a successor ready may run that successor next itself,
instead of a broker round trip (half of a short step's cost), when the successor's type
allows it (`inline` or `continues`, worker/steps/base.py): for CONTINUE_FOR_S whatever else
waits, then only while no step message waits in the broker (others and priorities get their
turn), and for a step that holds the worker only while the task's Celery soft limit still
covers the successor's own (worker/dispatch.py CONTINUATION_HEADROOM_S). Each step still
claims and records its result on its own; expression-only steps that follow one another in
one execution share one transaction (`_run_inline`), any other step has its own."""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, connection, transaction

from apps.executions import events
from apps.executions.engine import frontier, lease, outcomes
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.scope import build_scope, owner_snapshot
from apps.executions.selectors import step_type_of
from worker import dispatch
from worker.context import StepContext
from worker.heartbeat import Heartbeat
from worker.logbuffer import LogBuffer
from worker.steps import RUNNERS, Deferred, StepError, StepRunner

logger = logging.getLogger(__name__)
_DEFAULT = StepRunner()
WAKE_AHEAD_MAX_S = 300  # longer waits are woken by the sweeper (no long countdowns: redis.rst)
CONTINUE_FOR_S = 0.2  # how long a task runs the steps it makes ready, whatever else waits
DEADLINE_MARGIN_S = 1.0  # Celery's clock for the task's limit started a little before ours
# Expression-only steps of one execution that run back to back share a transaction for at
# most this long (their events go live together, and the execution's row stays locked), and
# at most this many.
GROUP_FOR_S = 0.05
GROUP_MAX = 20


def worker_name() -> str:
    """host:pid of the pool process running the step (not the main worker process)."""
    return f"{socket.gethostname()}:{os.getpid()}"


class ClaimConnectionLost(Exception):  # noqa: N818 - a signal to retry, not an error
    pass


def run_step(execution_id: str, step_id: str, step_type: str | None = None,
             artifact: str | None = None, *, soft_limit_s: float | None = None) -> str:
    """The body of the worker.run_step task; `soft_limit_s`: the task's Celery soft limit
    (None: unknown, and no step that holds the worker is continued). A connection that died
    while the worker was busy (task_prerun skips the health check then) fails the claim,
    which changed nothing: reconnect and claim once more."""
    deadline = (time.monotonic() + soft_limit_s - DEADLINE_MARGIN_S) if soft_limit_s else None
    try:
        return _run(execution_id, step_id, step_type, artifact, deadline)
    except ClaimConnectionLost:
        logger.warning("database connection lost before the claim of %s/%s; reconnecting",
                       execution_id, step_id)
        connection.close()
        return _run(execution_id, step_id, step_type, artifact, deadline)


def _run(execution_id: str, step_id: str, step_type: str | None, artifact: str | None,
         deadline: float | None) -> str:
    until = time.monotonic() + CONTINUE_FOR_S

    def eligible(kind: str, timeout_s: float) -> bool:
        runner = RUNNERS.get(kind, _DEFAULT)
        if not runner.inline:  # it holds the worker: only within the task's own limit
            if not runner.continues or deadline is None:
                return False
            if time.monotonic() + dispatch.step_soft_limit_s(timeout_s) > deadline:
                return False
        if time.monotonic() < until:
            return True
        return deadline is not None and not dispatch.steps_waiting()

    while True:
        if _inline(step_type):
            result, kept = _run_inline(execution_id, step_id, artifact, eligible)
        else:
            with frontier.keeping_one(eligible) as keep:
                result = _run_step(execution_id, step_id, inline=False)
            kept = keep.kept
        if kept is None:
            return result
        execution_id, step_id, artifact, step_type = kept


def _run_inline(execution_id: str, step_id: str, artifact: str | None,
                eligible: Any) -> tuple[str, tuple[Any, str, str, str] | None]:
    """Expression-only steps, each claimed, run and recorded in turn, in one transaction:
    the one given, then the expression-only successors of the same execution it keeps, for
    up to GROUP_FOR_S or GROUP_MAX steps. Each step's writes travel with the next one's claim
    and the events with the COMMIT, so a chain of them costs one round trip a step, and its
    events go live together when the group commits. Nothing outside the database happens in
    such a step: if the transaction fails, the group is undone and runs again (the first
    step's message, or the sweeper). Returns the last result and the step kept to run next
    outside the group, if any."""
    ends, count = time.monotonic() + GROUP_FOR_S, 0
    with transaction.atomic(), events.together(last=True):
        while True:
            with frontier.keeping_one(eligible) as keep:
                result = _run_step(execution_id, step_id, inline=True, artifact=artifact)
            count += 1
            kept = keep.kept
            if (kept is None or str(kept[0]) != str(execution_id)
                    or not _inline(kept[3])
                    or count >= GROUP_MAX or time.monotonic() >= ends):
                return result, kept
            _, step_id, artifact, _ = kept


def _inline(step_type: str | None) -> bool:
    """Whether the step type runs in-process, as an expression (worker/steps/base.py)."""
    return RUNNERS.get(step_type or "", _DEFAULT).inline


def _claim(execution_id: str, step_id: str, inline: bool,
           artifact: str | None) -> lease.Claim | None:
    try:
        return lease.step_claim(execution_id=execution_id, step_id=step_id,
                                worker=worker_name(), inline=inline, artifact=artifact)
    except (OperationalError, InterfaceError) as exc:
        raw = connection.connection
        if raw is not None and not raw.closed and not getattr(raw, "broken", False):
            raise  # the database answered: a real error, not a dead connection
        raise ClaimConnectionLost from exc


def _run_step(execution_id: str, step_id: str, *, inline: bool,
              artifact: str | None = None) -> str:
    claim = _claim(execution_id, step_id, inline, artifact)
    if claim is None:
        logger.info("step %s/%s not claimed: duplicate delivery or not runnable now",
                    execution_id, step_id)
        return "ignored"
    execution = claim.execution
    config = claim.config = owner_snapshot(execution).config
    scope = build_scope(execution)
    logs = LogBuffer(execution.pk, step_id, claim.attempt, scope, config["log_level"],
                     forward=bool(config["log_forward_url"]))
    heart = Heartbeat(claim, logs)
    if RUNNERS.get(claim.spec["type"], _DEFAULT).holds_worker:
        heart.start()
    ctx = StepContext(claim, scope, config, logs, heart.control, RUNNERS)
    outcome, output, error = "succeeded", None, None
    try:
        output = scope.mask(artifact_for(execution).STEP_FUNCTIONS[step_id](ctx))
    except Deferred as deferred:
        heart.stop()
        return _defer(claim, deferred)
    except StepError as exc:
        outcome, error = "failed", exc.error
    except SoftTimeLimitExceeded:
        outcome = "failed"
        error = {"type": "step_timeout", "message": f"step exceeded {ctx.timeout_s:g} s"}
    except Exception as exc:  # the artifact's own code must not take the worker down
        logger.exception("step %s crashed the runner", step_id)
        outcome = "failed"
        error = {"type": "sandbox_error", "message": scope.mask(f"{type(exc).__name__}: {exc}")}
    heart.stop()
    if heart.control["state"] == "lost":
        return "lease lost"
    with transaction.atomic(savepoint=False), events.together(last=True):  # one round trip
        if ctx.unsent_samples:
            events.metrics(execution.pk, step_id, samples=ctx.unsent_samples)
        return _commit(claim, ctx, outcome, output, error)


def _defer(claim: lease.Claim, deferred: Deferred) -> str:
    lease.claim_store(claim)
    if deferred.decision is not None:
        lease.step_wait(step_pk=claim.step.pk, token=claim.token, wake_at=deferred.wake_at,
                        **deferred.decision)
    else:
        lease.step_defer(step_pk=claim.step.pk, token=claim.token, wake_at=deferred.wake_at)
    if deferred.countdown is not None and deferred.countdown <= WAKE_AHEAD_MAX_S:
        dispatch.enqueue_wake(claim.step.pk, countdown=deferred.countdown)
    return "deferred"


def _commit(claim: lease.Claim, ctx: StepContext, outcome: str, output: Any,
            error: dict[str, Any] | None) -> str:
    if ctx.control["state"] == "cancel" or (error and error.get("type") == "cancelled"):
        lease.claim_store(claim)
        outcomes.step_cancel(step_pk=claim.step.pk, token=claim.token)
        return "cancelled"
    if outcome == "succeeded":
        outcomes.step_succeed(step_pk=claim.step.pk, token=claim.token, output=output,
                              metrics=ctx.metrics, debug=ctx.scope.mask(ctx.debug),
                              claim=claim)
    else:
        lease.claim_store(claim)
        outcomes.step_fail(step_pk=claim.step.pk, token=claim.token, error=error or {},
                           metrics=ctx.metrics, debug=ctx.scope.mask(ctx.debug))
    return outcome


def wake_step(step_pk: int) -> bool:
    """The body of the worker.wake_step task: the step type says what waking means."""
    runner = RUNNERS.get(step_type_of(step_pk) or "")
    if runner is None or runner.wake is None:
        return False
    return runner.wake(step_pk)
