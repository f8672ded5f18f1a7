"""Celery tasks: thin wrappers (ids in, one runner or service call). Names in worker/names.py."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_init, worker_process_shutdown

from apps.executions.services import retention
from apps.executions.services.scheduling import delay_elapsed
from apps.executions.services.sweeper import sweep as run_sweep
from worker import names, runner, sandbox


@shared_task(name=names.RUN_STEP, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def run_step(execution_id: str, step_id: str, step_type: str | None = None) -> str:
    """Run one step; redelivered if the worker dies, fenced by the lease in the database.
    `step_type` (optional, a hint) lets expression-only steps run in one transaction."""
    return runner.run_step(execution_id, step_id, step_type)


@shared_task(name=names.RETENTION, ignore_result=True)
def purge_old_executions() -> dict[str, int]:
    """Daily: executions older than their owner's retention_days."""
    return retention.purge_old_executions()


@shared_task(name=names.FINISH_DELAY, ignore_result=True)
def finish_delay(step_pk: int) -> bool:
    """Complete a delay step whose time has come (the sweeper does it too)."""
    return delay_elapsed(step_pk=step_pk)


@shared_task(name=names.SWEEP, ignore_result=True)
def sweep() -> dict[str, int]:
    """Re-send lost links, retry steps of vanished workers, admit queued executions."""
    return run_sweep()


@worker_init.connect
def _refuse_pools_without_time_limits(sender=None, **_kwargs):  # type: ignore[no-untyped-def]
    pool = getattr(sender, "pool_cls", None)
    name = getattr(pool, "__module__", "") + "." + getattr(pool, "__name__", "")
    if any(bad in name for bad in ("solo", "threads", "gevent", "eventlet")):
        raise SystemExit(f"refusing to start with the {name} pool: step time limits need "
                         "the prefork pool (-P prefork)")


@worker_process_shutdown.connect
def _close_sandboxes(**_kwargs):  # type: ignore[no-untyped-def]
    sandbox.close_all()
