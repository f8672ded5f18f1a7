"""Run one step of one execution: claim it, call the artifact's step function with a context
that renders expressions, runs python in the sandbox, sends http requests, and records the
outcome (masked) through the services. One claim, one commit: duplicates commit nothing."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from apps.common import rowsql
from apps.executions import events
from apps.executions.models import Execution, StepRun
from apps.executions.services import children, scheduling
from apps.executions.services.artifacts import artifact_for
from apps.executions.services.runcontext import RunScope, build_scope, owner_snapshot
from apps.runtime.selectors import connection_get
from compiler import expressions
from worker import dispatch, http_step
from worker.monitor import ResourceMonitor
from worker.sandbox import sandbox_for

logger = logging.getLogger(__name__)


def worker_name() -> str:
    """host:pid of the pool process running the step (not the main worker process)."""
    return f"{socket.gethostname()}:{os.getpid()}"


HEARTBEAT_S = 0.5
LOG_FLUSH_S = 0.2
LOG_FLUSH_LINES = 2000  # a full batch is written at once; otherwise every LOG_FLUSH_S
LOG_BATCH_BYTES = 256 * 1024  # and no `logs` event much larger than this
LOG_BACKLOG_LINES = 50_000  # beyond this the reader writes itself (backpressure)
LEVEL_RANK = {"debug": 10, "info": 20, "warning": 30, "error": 40}


class StepError(Exception):
    def __init__(self, kind: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.error = {"type": kind, "message": message, **extra}


class Deferred(Exception):  # noqa: N818 - control flow, not an error
    """The step waits without a worker: a delay, or a child execution."""

    def __init__(self, lease_owner: str, wake_at: datetime | None = None,
                 countdown: float | None = None) -> None:
        super().__init__(lease_owner)
        self.lease_owner = lease_owner
        self.wake_at = wake_at
        self.countdown = countdown


class LogBuffer:
    """Batches a step's log lines: stored and published a few times a second, none lost.

    Reading the sandbox's output never waits for the database: the heartbeat thread writes
    the batches (woken early when one is full), in order, one at a time. Only a backlog the
    database cannot keep up with is written by the reader itself, which slows the printing
    step down instead of growing memory."""

    def __init__(self, execution_id: Any, step_id: str, attempt: int, scope: RunScope,
                 min_level: str, forward: bool = False) -> None:
        self.execution_id, self.step_id, self.attempt = execution_id, step_id, attempt
        self.forward = forward  # the owner's log_forward_url is set
        self.scope = scope
        self.min_rank = LEVEL_RANK.get(min_level, 20)
        self.lines: list[tuple[datetime, str, str]] = []
        self.lock = threading.Lock()  # guards self.lines
        self.writing = threading.Lock()  # one batch written at a time, in order
        self.wake = threading.Event()  # a full batch is waiting for the writer thread
        self.background = False  # a writer thread (the heartbeat) is running
        self.last_flush = time.monotonic()

    def add(self, at: float, level: str, message: str) -> None:
        level = level if level in LEVEL_RANK else "info"
        if LEVEL_RANK[level] < self.min_rank:
            return
        stamp = datetime.fromtimestamp(at, tz=UTC)
        with self.lock:
            self.lines.append((stamp, level, self.scope.mask(message)))
            pending = len(self.lines)
        if pending >= LOG_FLUSH_LINES:
            if self.background and pending < LOG_BACKLOG_LINES:
                self.wake.set()
            else:
                self.flush()

    def flush(self) -> None:
        with self.writing:
            with self.lock:
                lines, self.lines = self.lines, []
                self.last_flush = time.monotonic()
            batches = _batches(lines)
            for index, batch in enumerate(batches):
                try:
                    first = events.append_logs(self.execution_id, self.step_id, self.attempt,
                                               batch)
                except Exception:  # the database briefly away: keep the lines for next time
                    with self.lock:
                        self.lines[:0] = [line for rest in batches[index:] for line in rest]
                    raise
                if self.forward:  # sent by another task: a slow endpoint never slows the step
                    transaction.on_commit(partial(dispatch.enqueue_log_forward,
                                                  self.execution_id, first,
                                                  first + len(batch) - 1))


def _batches(lines: list[tuple[datetime, str, str]]) -> list[list[tuple[datetime, str, str]]]:
    """Split a backlog into `logs` events small enough for any client (WebSocket libraries
    refuse frames over 1 MB by default)."""
    out: list[list[tuple[datetime, str, str]]] = []
    current: list[tuple[datetime, str, str]] = []
    size = 0
    for line in lines:
        if current and (len(current) >= LOG_FLUSH_LINES or size >= LOG_BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(line)
        size += len(line[2]) + 100  # the line's JSON around the message
    if current:
        out.append(current)
    return out


class StepContext:
    """The `ctx` the artifact's step functions receive in the worker."""

    def __init__(self, claim: scheduling.Claim, scope: RunScope, config: dict[str, Any],
                 logs: LogBuffer, control: dict[str, str]) -> None:
        self.claim = claim
        self.scope = scope
        self.config = config
        self.logs = logs
        self.control = control
        self.step = claim.step
        self.spec = claim.spec
        self.attempt = claim.attempt
        self.metrics: dict[str, Any] = {}
        self.unsent_samples: list[dict[str, float]] = []  # sent with the step's commit
        self.debug: dict[str, Any] = {}
        self.timeout_s = scheduling.step_timeout_s(claim.execution, claim.step, claim.spec,
                                                   config)
        self.memory_mb = int(claim.step.overrides.get("memory_limit_mb")
                             or claim.spec.get("memory_limit_mb")
                             or config["default_memory_limit_mb"])

    def render(self, value: Any) -> Any:
        try:
            return expressions.render(value, self.scope.as_scope())
        except expressions.ExpressionError as exc:
            raise StepError("expression_error", self.scope.mask(str(exc))) from None

    def record_inputs(self, inputs: Any) -> None:
        """Keep what the step was given (masked), for debugging and for a retry to edit."""
        rowsql.update_many(StepRun, [self.step.pk], inputs=self.scope.mask(inputs))

    def run_python(self, code: str, inputs: dict[str, Any]) -> Any:
        if "inputs" in self.step.overrides:
            inputs = self.step.overrides["inputs"]
        self.record_inputs(inputs)
        request = {
            "code": code, "inputs": inputs, "step_id": self.step.step_id,
            "execution_id": str(self.claim.execution.pk), "attempt": self.attempt,
            "debug": bool(self.config["debug_mode"]),
            "isolate_network": not self.config["allow_network_in_code"],
            "limits": {"memory_mb": self.memory_mb, "cpu_seconds": int(self.timeout_s) + 1,
                       "processes": 32, "file_mb": 64},
        }
        sandbox = sandbox_for(network=bool(self.config["allow_network_in_code"]))
        interval = self.config["metrics_interval_ms"] / 1000

        def on_samples(samples: list[dict[str, float]]) -> None:
            # Runs in the monitor's thread: a failed write (the database briefly away) must
            # not end that thread, which also enforces the memory limit. The samples stay
            # in the step's metrics either way; only this live event is skipped.
            try:
                events.emit(self.claim.execution.pk, "metrics", step_id=self.step.step_id,
                            data={"samples": samples})
            except Exception:
                logger.warning("metrics event not stored; the step goes on", exc_info=True)
            finally:
                connection.close()  # this thread's own connection: the thread ends soon

        monitor = ResourceMonitor(interval_s=interval, memory_limit_mb=self.memory_mb,
                                  on_limit=lambda: sandbox.kill("memory"),
                                  on_samples=on_samples)
        with monitor:
            outcome = sandbox.run(request, timeout_s=self.timeout_s, on_log=self.logs.add,
                                  on_started=monitor.watch,
                                  should_stop=self._should_stop)
        if outcome.usage:
            monitor.floor(peak_rss_mb=float(outcome.usage.get("max_rss_mb", 0)),
                          cpu_seconds=float(outcome.usage.get("cpu_s", 0)))
        self.metrics = monitor.usage.as_metrics()
        self.unsent_samples = monitor.unsent
        self.metrics["isolation"] = sandbox.isolated_by
        self.debug = outcome.debug
        if outcome.killed_for == "timeout":
            raise StepError("step_timeout", f"step exceeded {self.timeout_s:g} s")
        if outcome.killed_for == "memory":
            raise StepError("resource_limit", f"memory limit {self.memory_mb} MB exceeded "
                            f"(peak {monitor.usage.peak_rss_mb:.0f} MB)")
        if outcome.killed_for:
            raise StepError("cancelled", "the execution was stopped")
        if outcome.ok:
            return outcome.output
        error = outcome.error or {"type": "sandbox_error", "message": "no result from the step"}
        kind = error.get("type", "code_error")
        message = str(error.get("message", ""))
        if kind == "resource_limit" and "memory" in message:
            message = f"memory limit {self.memory_mb} MB exceeded ({message})"
        extra = {k: self.scope.mask(v) for k, v in error.items() if k not in ("type", "message")}
        raise StepError(kind, self.scope.mask(message), **extra)

    def _should_stop(self) -> str | None:
        return "cancel" if self.control.get("state") in ("cancel", "lost") else None

    def http(self, request: dict[str, Any]) -> Any:
        self.record_inputs(request)
        connection_name = request.get("connection")
        kind, secret = None, None
        if connection_name:
            conn, secret = connection_get(owner_id=self.claim.execution.owner_id,
                                          name=connection_name)
            if conn is None:
                raise StepError("connection_failure", f"connection {connection_name!r} does "
                                "not exist", suggestion="Create it under Runtime settings → "
                                "Connections.")
            kind = conn.kind
        policy = http_step.HttpPolicy(
            allowed_hosts=frozenset(h.lower().rstrip(".") for h in
                                    self.config["http_allowed_hosts"]),
            timeout_s=self.timeout_s)
        started = time.monotonic()
        try:
            result = http_step.perform(request, policy=policy, connection_kind=kind,
                                       connection_secret=secret,
                                       idempotency_key=f"{self.claim.execution.pk}:"
                                                       f"{self.step.step_id}")
        except http_step.HttpStepError as exc:
            raise StepError(exc.kind, self.scope.mask(exc.message),
                            suggestion=exc.suggestion) from None
        self.metrics = {"wall_seconds": round(time.monotonic() - started, 4)}
        self.logs.add(time.time(), "info", f"{request.get('method', 'GET')} "
                      f"{self.scope.mask(str(request.get('url')))} → {result['status']}")
        return result

    def delay(self, seconds: Any) -> None:
        try:
            seconds = float(seconds)
        except (TypeError, ValueError):
            raise StepError("expression_error", f"delay seconds must be a number, not "
                            f"{seconds!r}") from None
        if seconds <= 0:
            return
        raise Deferred("delay", wake_at=timezone.now() + timedelta(seconds=seconds),
                       countdown=seconds)

    def run_workflow(self, slug: str, inputs: dict[str, Any]) -> Any:
        child = children.child_start(step=self.step, slug=slug, inputs=inputs)
        raise Deferred(f"child:{child.pk}")


# Steps that only evaluate expressions finish in microseconds: claim, run and commit them in
# one transaction (no lease to publish to anybody while they run).
INLINE_TYPES = frozenset({"transform", "condition"})


def run_step(execution_id: str, step_id: str, step_type: str | None = None,
             artifact: str | None = None) -> str:
    """The body of the worker.run_step task. A connection that died while the worker was
    busy (task_prerun skips the health check then) fails the claim, which changed nothing:
    reconnect and claim once more."""
    try:
        return _run(execution_id, step_id, step_type, artifact)
    except ClaimConnectionLost:
        logger.warning("database connection lost before the claim of %s/%s; reconnecting",
                       execution_id, step_id)
        connection.close()
        return _run(execution_id, step_id, step_type, artifact)


class ClaimConnectionLost(Exception):  # noqa: N818 - a signal to retry, not an error
    pass


def _run(execution_id: str, step_id: str, step_type: str | None, artifact: str | None) -> str:
    if step_type in INLINE_TYPES:
        with transaction.atomic(), events.together():
            return _run_step(execution_id, step_id, inline=True, artifact=artifact)
    return _run_step(execution_id, step_id, inline=False)


def _run_step(execution_id: str, step_id: str, *, inline: bool,
              artifact: str | None = None) -> str:
    try:
        claim = scheduling.step_claim(execution_id=execution_id, step_id=step_id,
                                      worker=worker_name(), inline=inline, artifact=artifact)
    except (OperationalError, InterfaceError) as exc:
        raw = connection.connection
        if raw is not None and not raw.closed and not getattr(raw, "broken", False):
            raise  # the database answered: a real error, not a dead connection
        raise ClaimConnectionLost from exc
    if claim is None:
        logger.info("step %s/%s not claimed: duplicate delivery or not runnable now",
                    execution_id, step_id)
        return "ignored"
    execution: Execution = claim.execution
    config = owner_snapshot(execution).config
    scope = build_scope(execution)
    logs = LogBuffer(execution.pk, step_id, claim.attempt, scope, config["log_level"],
                     forward=bool(config["log_forward_url"]))
    control = {"state": "run"}
    stop = threading.Event()
    heart = threading.Thread(target=_heartbeat, args=(claim, control, logs, stop), daemon=True)
    # Only steps that can take long need a lease heartbeat (and its own DB connection);
    # transform, condition, delay and workflow steps return within milliseconds.
    if claim.spec["type"] in ("python", "http"):
        heart.start()
        logs.background = True
    ctx = StepContext(claim, scope, config, logs, control)
    module = artifact_for(execution)
    outcome, error = "succeeded", None
    try:
        output = module.STEP_FUNCTIONS[step_id](ctx)
        output = scope.mask(output)
    except Deferred as deferred:
        _stop_heartbeat(heart, stop, logs)
        scheduling.claim_store(claim)
        scheduling.step_defer(step_pk=claim.step.pk, token=claim.token,
                              wake_at=deferred.wake_at, lease_owner=deferred.lease_owner)
        if deferred.countdown is not None and deferred.countdown <= 300:
            dispatch.enqueue_delay_finish(claim.step.pk, countdown=deferred.countdown)
        return "deferred"
    except StepError as exc:
        output, outcome = None, "failed"
        error = exc.error
    except SoftTimeLimitExceeded:
        output, outcome = None, "failed"
        error = {"type": "step_timeout", "message": f"step exceeded {ctx.timeout_s:g} s"}
    except Exception as exc:  # the artifact's own code must not take the worker down
        logger.exception("step %s crashed the runner", step_id)
        output, outcome = None, "failed"
        error = {"type": "sandbox_error", "message": scope.mask(f"{type(exc).__name__}: {exc}")}
    _stop_heartbeat(heart, stop, logs)
    if control["state"] == "lost":
        return "lease lost"
    with transaction.atomic(savepoint=False), events.together():  # one write for the events
        if ctx.unsent_samples:
            events.emit(execution.pk, "metrics", step_id=step_id,
                        data={"samples": ctx.unsent_samples})
        return _commit(claim, ctx, control, outcome, output, error, config)


def _commit(claim: scheduling.Claim, ctx: StepContext, control: dict[str, str], outcome: str,
            output: Any, error: dict[str, Any] | None, config: dict[str, Any]) -> str:
    if control["state"] == "cancel" or (outcome == "failed" and error
                                         and error.get("type") == "cancelled"):
        scheduling.claim_store(claim)
        scheduling.step_cancelled(step_pk=claim.step.pk, token=claim.token)
        return "cancelled"
    if outcome == "succeeded":
        scheduling.step_succeed(step_pk=claim.step.pk, token=claim.token, output=output,
                                metrics=ctx.metrics, debug=ctx.scope.mask(ctx.debug),
                                max_bytes=config["output_max_bytes"], config=config,
                                execution_id=claim.execution.pk, claim=claim)
    else:
        scheduling.claim_store(claim)
        scheduling.step_fail(step_pk=claim.step.pk, token=claim.token, error=error or {},
                             metrics=ctx.metrics, debug=ctx.scope.mask(ctx.debug))
    return outcome


def _stop_heartbeat(heart: threading.Thread, stop: threading.Event, logs: LogBuffer) -> None:
    """Stop the heartbeat thread, then write what is left of the logs from this thread."""
    stop.set()
    logs.wake.set()
    if heart.is_alive():
        heart.join()
    logs.background = False
    logs.flush()


def _heartbeat(claim: scheduling.Claim, control: dict[str, str], logs: LogBuffer,
               stop: threading.Event) -> None:
    """Renew the lease, notice a cancel, and write log batches, until the step ends. A failed
    round (the database briefly away) is logged and the next one tried: stopping here would
    let the lease go stale and the sweeper take a running step for lost."""
    last_beat = 0.0
    try:
        while not stop.is_set():
            logs.wake.wait(LOG_FLUSH_S)
            logs.wake.clear()
            if stop.is_set():
                break
            try:
                if (len(logs.lines) >= LOG_FLUSH_LINES
                        or time.monotonic() - logs.last_flush >= LOG_FLUSH_S):
                    logs.flush()
                if time.monotonic() - last_beat >= HEARTBEAT_S:
                    last_beat = time.monotonic()
                    state = scheduling.step_heartbeat(step_pk=claim.step.pk, token=claim.token)
                    if state != "run":
                        control["state"] = state
            except Exception:
                logger.warning("heartbeat round failed; trying again", exc_info=True)
                connection.close()
    finally:
        connection.close()
