"""`python`: the user's code runs in the sandbox (worker/sandbox.py) with its lock's
package environment when it declares packages (worker/packages.py, built on this host's first
use), watched for CPU and memory (worker/monitor.py), its prints and logs streamed, killed at
its limits."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from django.db import connection

from apps.executions.services.attempts import attempt_metrics
from worker import packages
from worker.monitor import ResourceMonitor
from worker.sandbox import sandbox_for
from worker.steps.base import StepError, StepRunner

if TYPE_CHECKING:
    from worker.context import StepContext

logger = logging.getLogger(__name__)


def run(ctx: StepContext, payload: dict[str, Any]) -> Any:
    inputs = ctx.step.overrides["inputs"] if "inputs" in ctx.step.overrides \
        else payload["inputs"]
    ctx.record_inputs(inputs)
    config = ctx.config
    request = {
        "code": payload["code"], "inputs": inputs, "step_id": ctx.step.step_id,
        "execution_id": str(ctx.claim.execution.pk), "attempt": ctx.attempt,
        "debug": bool(config["debug_mode"]),
        "isolate_network": not config["allow_network_in_code"],
        "limits": {"memory_mb": ctx.memory_mb, "cpu_seconds": int(ctx.timeout_s) + 1,
                   "processes": 32, "file_mb": 64},
    }
    environment = _environment(ctx, payload.get("packages"))
    sandbox = sandbox_for(network=bool(config["allow_network_in_code"]),
                          packages=environment.identity if environment else None)

    def on_samples(samples: list[dict[str, float]]) -> None:
        # Runs in the monitor's thread: a failed write (the database briefly away) must
        # not end that thread, which also enforces the memory limit. The samples stay
        # in the step's metrics either way; only this live event is skipped.
        try:
            attempt_metrics(ctx.claim, samples)
        except Exception:
            logger.warning("metrics event not stored; the step goes on", exc_info=True)
        finally:
            connection.close()  # this thread's own connection: the thread ends soon

    monitor = ResourceMonitor(interval_s=config["metrics_interval_ms"] / 1000,
                              memory_limit_mb=ctx.memory_mb,
                              on_limit=lambda: sandbox.kill("memory"), on_samples=on_samples)
    with monitor:
        outcome = sandbox.run(request, timeout_s=ctx.timeout_s, on_log=ctx.logs.add,
                              on_started=monitor.watch, should_stop=ctx.should_stop)
    if outcome.usage:
        monitor.floor(peak_rss_mb=float(outcome.usage.get("max_rss_mb", 0)),
                      cpu_seconds=float(outcome.usage.get("cpu_s", 0)))
    ctx.metrics = monitor.usage.as_metrics()
    ctx.unsent_samples = monitor.unsent
    ctx.metrics["isolation"] = sandbox.isolated_by
    ctx.debug = outcome.debug
    if outcome.killed_for == "timeout":
        raise StepError("step_timeout", f"step exceeded {ctx.timeout_s:g} s")
    if outcome.killed_for == "memory":
        raise StepError("resource_limit", f"memory limit {ctx.memory_mb} MB exceeded "
                        f"(peak {monitor.usage.peak_rss_mb:.0f} MB)")
    if outcome.killed_for:
        raise StepError("cancelled", "the execution was stopped")
    if outcome.ok:
        return outcome.output
    error = outcome.error or {"type": "sandbox_error", "message": "no result from the step"}
    kind = error.get("type", "code_error")
    message = str(error.get("message", ""))
    if kind == "resource_limit" and "memory" in message:
        message = f"memory limit {ctx.memory_mb} MB exceeded ({message})"
    extra = {k: ctx.scope.mask(v) for k, v in error.items() if k not in ("type", "message")}
    raise StepError(kind, ctx.scope.mask(message), **extra)


def _environment(ctx: StepContext, lock: dict[str, Any] | None) -> packages.Environment | None:
    """The step's package environment on this host; its first use here says so in the log."""
    try:
        environment = packages.environment_for(lock)
    except packages.PackagesUnavailable as exc:
        raise StepError("packages_unavailable", str(exc)) from None
    if environment is not None and environment.installed_s is not None:
        source = "uv's cache" if environment.from_cache else "the package index"
        count = environment.packages
        ctx.logs.add(time.time(), "info", f"installing {count} package{'s' * (count != 1)} "
                     f"(first use on this host) in {environment.installed_s:.2f} s, from "
                     f"{source}")
    return environment


RUNNER = StepRunner(run=run, holds_worker=True, continues=True)
