"""Celery tasks: thin wrappers (ids in, one runner or service call). Names in worker/names.py."""

from __future__ import annotations

import logging
import threading
import time

from celery import shared_task
from celery.signals import (
    task_postrun,
    task_prerun,
    worker_init,
    worker_process_init,
    worker_process_shutdown,
)
from celery.worker.control import control_command
from django.db import close_old_connections, connections

from apps.alerts import services as alerts
from apps.executions import tracing
from apps.executions.services import execution_admit, retention
from apps.executions.services.sweeper import sweep as run_sweep
from apps.triggers.services import schedules
from apps.workflows import selectors as workflow_selectors
from apps.workflows import services as workflows
from worker import dispatch, log_forward, names, packages, runner, sandbox

logger = logging.getLogger(__name__)


@shared_task(name=names.RUN_STEP, bind=True, acks_late=True, reject_on_worker_lost=True,
             ignore_result=True)
def run_step(self, execution_id: str, step_id: str, step_type: str | None = None,  # type: ignore[no-untyped-def]
             artifact: str | None = None) -> str:
    """Run one step; redelivered if the worker dies, fenced by the lease in the database.
    `step_type` and `artifact` (optional hints) let expression-only steps run in one
    transaction that reads what they unblock along with their claim; the message's soft
    limit bounds the steps the task may run next itself."""
    soft_limit_s = (self.request.timelimit or (None, None))[1]
    return runner.run_step(execution_id, step_id, step_type, artifact,
                           soft_limit_s=float(soft_limit_s) if soft_limit_s else None)


@shared_task(name=names.FORWARD_LOGS, bind=True, ignore_result=True, max_retries=8)
def forward_logs(self, execution_id: str, first_seq: int, last_seq: int) -> int:  # type: ignore[no-untyped-def]
    """POST a batch of stored log lines to the owner's endpoint; back off while it is down."""
    try:
        return log_forward.forward(execution_id, first_seq, last_seq)
    except log_forward.ForwardFailed as error:
        if self.request.retries >= self.max_retries:
            logger.warning("log forwarding of %s lines %s-%s gave up: %s (the lines stay "
                           "stored)", execution_id, first_seq, last_seq, error)
            return 0
        raise self.retry(countdown=min(300, 2 ** self.request.retries), exc=error) from None


@shared_task(name=names.EVALUATE_ALERTS, ignore_result=True)
def evaluate_alerts() -> int:
    """Every ALERT_TICK_S: the alert rules look at what happened since they last looked."""
    return alerts.alerts_evaluate()


@shared_task(name=names.SEND_ALERT, bind=True, ignore_result=True,
             max_retries=alerts.MAX_ATTEMPTS)
def send_alert(self, notification_id: int) -> str:  # type: ignore[no-untyped-def]
    """One delivery attempt; a failed one is tried again later, with backoff, up to
    MAX_ATTEMPTS (each attempt and its error recorded on the notification)."""
    outcome = alerts.alert_deliver(notification_id=notification_id)
    if outcome == "retrying":
        raise self.retry(countdown=min(600, 2 ** self.request.retries * 5))
    return outcome


@shared_task(name=names.RETENTION, ignore_result=True)
def purge_old_executions() -> dict[str, int]:
    """Daily: executions and audit entries older than their owner's retention_days; then
    every worker host removes the package environments no kept compilation uses."""
    report = {**retention.purge_old_executions(),
              "audit_entries": retention.purge_old_audit_entries()}
    dispatch.broadcast_prune_packages(sorted(workflow_selectors.package_locks_kept()))
    return report


@shared_task(name=names.FINISH_COMPILATION, ignore_result=True, acks_late=True)
def finish_compilation(compilation_id: int) -> str:
    """Resolve the requirements a save left to the background, then compile and announce."""
    return workflows.compilation_finish(compilation_id=compilation_id)


@control_command(name=names.PRUNE_PACKAGES, args=[("keep", list)], signature="<keep>")
def prune_package_environments(state, keep=None):  # type: ignore[no-untyped-def]
    """Broadcast by the retention task: this host removes the package environments not in
    `keep` (in a thread: the worker goes on taking messages meanwhile)."""
    threading.Thread(target=packages.prune, args=(set(keep or ()),), daemon=True,
                     name="prune-packages").start()
    return {"ok": "pruning"}


@shared_task(name=names.PARTITIONS, ignore_result=True)
def ensure_partitions() -> list[str]:
    """Hourly: the history's partitions made ahead of now (PostgreSQL; none on SQLite)."""
    return retention.history_partitions_ahead()


@shared_task(name=names.WAKE_STEP, ignore_result=True)
def wake_step(step_pk: int) -> bool:
    """Wake a step that waits without a worker: a delay whose time has come, a parent whose
    child ended (the sweeper sends these too, when one is due and was lost)."""
    return runner.wake_step(step_pk)


@shared_task(name=names.ADMIT, ignore_result=True)
def admit_executions(owner_id: int, workflow_id: int | None = None,
                     key: str | None = None) -> list[str]:
    """Admit the owner's queued executions into the slots that finished ones freed (a run of
    workflow_id with that concurrency key, when given)."""
    group = (workflow_id, key or "") if workflow_id is not None else None
    return execution_admit(owner_id=owner_id, group=group)


@shared_task(name=names.FIRE_SCHEDULES, ignore_result=True)
def fire_schedules() -> dict[str, int]:
    """Start every schedule whose fire time has come, each fire time once."""
    return schedules.schedules_fire_due()


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


@worker_process_init.connect
def _start_tracing(**_kwargs):  # type: ignore[no-untyped-def]
    tracing.setup("runtime-worker")  # after the fork: the exporter's thread is this process's


@worker_process_shutdown.connect
def _close_sandboxes(**_kwargs):  # type: ignore[no-untyped-def]
    sandbox.close_all()
    tracing.flush()


_last_task_end = 0.0
HEALTH_CHECK_IDLE_S = 1.0


@task_prerun.connect
def _before_task(**_kwargs):  # type: ignore[no-untyped-def]
    """What Django does around each request: drop a connection that failed (PostgreSQL
    restarted, the backend terminated) or outlived CONN_MAX_AGE. Celery's own fixup would
    close every connection around every task; CELERY_DB_REUSE_MAX turns that off to save a
    reconnect per step, so a broken connection must still be dropped here for every task.

    The health check (a `SELECT 1` before first use) runs only after the worker sat idle:
    a busy worker used its connection a moment ago, and a step whose claim still meets a
    dead one reconnects and claims again (runner.run_step)."""
    close_old_connections()
    if time.monotonic() - _last_task_end < HEALTH_CHECK_IDLE_S:
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                connection.health_check_done = True


@task_postrun.connect
def _after_task(**_kwargs):  # type: ignore[no-untyped-def]
    global _last_task_end  # noqa: PLW0603 - one per worker process
    close_old_connections()
    _last_task_end = time.monotonic()
