"""Run one step of one execution: claim it, call the artifact's step function with a context
(worker/context.py) that hands the work to the step type's runner (worker/steps/), and
record the outcome, masked. Every claim and commit is a door of the engine
(apps/executions/services/attempts.py), one unit of work each: this module runs code, it
opens no transaction. A duplicate delivery commits nothing. Also wakes steps that wait
without a worker.

Continuation: a task whose step makes a successor ready may run that successor next itself,
instead of a broker round trip (half of a short step's cost), when the successor's type
allows it (`inline` or `continues`, worker/steps/base.py): for CONTINUE_FOR_S whatever else
waits, then only while no step message waits in the broker (others and priorities get their
turn), and for a step that holds the worker only while the task's Celery soft limit still
covers the successor's own (worker/dispatch.py CONTINUATION_HEADROOM_S). Each step still
claims and records its result on its own; expression-only steps that follow one another in
one execution share one unit of work (attempts_run_inline), any other step has its own."""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, connection

from apps.executions.selectors import step_type_of
from apps.executions.services import attempts
from apps.executions.services.attempts import Outcome, StepRef
from worker import dispatch
from worker.context import StepContext
from worker.heartbeat import Heartbeat
from worker.logbuffer import LogBuffer
from worker.steps import RUNNERS, Deferred, StepError, StepRunner

logger = logging.getLogger(__name__)
_DEFAULT = StepRunner()
CONTINUE_FOR_S = 0.2  # how long a task runs the steps it makes ready, whatever else waits
DEADLINE_MARGIN_S = 1.0  # Celery's clock for the task's limit started a little before ours


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
    ref = StepRef(str(execution_id), step_id, step_type or "", artifact or "")
    try:
        return _run(ref, deadline)
    except ClaimConnectionLost:
        logger.warning("database connection lost before the claim of %s/%s; reconnecting",
                       execution_id, step_id)
        connection.close()
        return _run(ref, deadline)


def _run(ref: StepRef, deadline: float | None) -> str:
    until = time.monotonic() + CONTINUE_FOR_S

    def keep(kind: str, timeout_s: float) -> bool:
        """Whether this task runs a step of this kind that just became ready itself."""
        runner = RUNNERS.get(kind, _DEFAULT)
        if not runner.inline:  # it holds the worker: only within the task's own limit
            if not runner.continues or deadline is None:
                return False
            if time.monotonic() + dispatch.step_soft_limit_s(timeout_s) > deadline:
                return False
        if time.monotonic() < until:
            return True
        return deadline is not None and not dispatch.steps_waiting()

    first = True
    while True:
        if _inline(ref.step_type):
            # Nothing of a group is committed or done outside the database before its end:
            # on a dead connection it may run again whole.
            result, kept = _claiming(first, lambda ref=ref: attempts.attempts_run_inline(
                ref, worker=worker_name(), run=_run_in_process, keep=keep, inline=_inline))
        else:
            result, kept = _run_holding(ref, keep, first)
        first = False
        if kept is None:
            return result
        ref = kept


def _claiming(first: bool, call: Any) -> Any:
    """`call()`, where a first claim that meets a dead connection says so (run_step then
    reconnects and claims once more; the failed claim changed nothing)."""
    try:
        return call()
    except (OperationalError, InterfaceError) as exc:
        raw = connection.connection
        if first and (raw is None or raw.closed or getattr(raw, "broken", False)):
            raise ClaimConnectionLost from exc
        raise


def _inline(step_type: str | None) -> bool:
    """Whether the step type runs in-process, as an expression (worker/steps/base.py)."""
    return RUNNERS.get(step_type or "", _DEFAULT).inline


def _run_in_process(claim: Any) -> Outcome:
    """An expression-only step, run inside the unit that claimed it (no lease to publish:
    it finishes in microseconds)."""
    config = claim.config
    logs = LogBuffer(claim, config["log_level"], forward=bool(config["log_forward_url"]))
    return _outcome(StepContext(claim, logs, {"state": "run"}, RUNNERS), claim)


def _run_holding(ref: StepRef, keep: Any, first: bool) -> tuple[str, StepRef | None]:
    """A step that holds the worker: claimed and committed in two units of its own, its
    code run between them beside a heartbeat (lease, cancel, logs)."""
    claim = _claiming(first, lambda: attempts.attempt_claim(ref, worker=worker_name()))
    if claim is None:
        logger.info("step %s/%s not claimed: duplicate delivery or not runnable now",
                    ref.execution_id, ref.step_id)
        return "ignored", None
    config = claim.config
    logs = LogBuffer(claim, config["log_level"], forward=bool(config["log_forward_url"]))
    heart = Heartbeat(claim, logs)
    if RUNNERS.get(claim.spec["type"], _DEFAULT).holds_worker:
        heart.start()
    outcome = _outcome(StepContext(claim, logs, heart.control, RUNNERS), claim, heart)
    if heart.control["state"] == "lost":
        return "lease lost", None
    if heart.control["state"] == "cancel" and outcome.kind != "deferred":
        outcome.kind = "cancelled"
    return attempts.attempt_commit(claim, outcome, keep=keep)


def _outcome(ctx: StepContext, claim: Any, heart: Heartbeat | None = None) -> Outcome:
    """Run the artifact's step function; how it ended, masked."""
    scope = claim.scope
    try:
        output = scope.mask(claim.function(ctx))
        outcome = Outcome("succeeded", output=output)
    except Deferred as deferred:
        outcome = Outcome("deferred", wake_at=deferred.wake_at, countdown=deferred.countdown,
                          decision=deferred.decision)
    except StepError as exc:
        outcome = Outcome("failed", error=exc.error)
        if exc.error.get("type") == "cancelled":
            outcome.kind = "cancelled"
    except SoftTimeLimitExceeded:
        outcome = Outcome("failed", error={"type": "step_timeout",
                                           "message": f"step exceeded {ctx.timeout_s:g} s"})
    except Exception as exc:  # the artifact's own code must not take the worker down
        logger.exception("step %s crashed the runner", claim.step.step_id)
        outcome = Outcome("failed", error={"type": "sandbox_error", "message": scope.mask(
            f"{type(exc).__name__}: {exc}")})
    if heart is not None:
        heart.stop()
    else:
        ctx.logs.flush()
    outcome.metrics, outcome.debug = ctx.metrics, scope.mask(ctx.debug)
    outcome.samples = ctx.unsent_samples
    return outcome


def wake_step(step_pk: int) -> bool:
    """The body of the worker.wake_step task: the step type says what waking means."""
    runner = RUNNERS.get(step_type_of(step_pk) or "")
    if runner is None or runner.wake is None:
        return False
    return attempts.step_wake(step_pk, runner.wake)
