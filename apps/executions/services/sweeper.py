"""The sweeper: nothing is lost or stuck. Run by Celery beat every few seconds.

- a queued step whose message never started is sent again;
- a running step whose worker stopped heartbeating is retried (worker_lost), or failed after
  MAX_WORKER_LOST losses so a poison step cannot loop;
- a retry or delay whose time has come is sent again (in case its countdown message was lost);
- queued executions are admitted when there is room.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.executions import events
from apps.executions.models import Execution, StepRun
from apps.executions.services import scheduling, start
from apps.executions.services.artifacts import artifact_for
from worker import dispatch

S = StepRun.Status
E = Execution.Status


def sweep() -> dict[str, int]:
    now = timezone.now()
    report = {"requeued": 0, "lost": 0, "woken": 0, "delays": 0, "admitted": 0}
    stale = now - timedelta(seconds=settings.HEARTBEAT_TIMEOUT_S)
    lost = (StepRun.objects.filter(status=S.RUNNING, execution__status=E.RUNNING)
            .exclude(lease_owner="delay").exclude(lease_owner__startswith="child:")
            .annotate(seen=Coalesce("heartbeat_at", "started_at"))
            .filter(Q(seen__lt=stale) | Q(seen__isnull=True))
            .values_list("pk", flat=True)[:500])
    for step_pk in lost:
        report["lost"] += _worker_lost(step_pk)
    waiting = now - timedelta(seconds=settings.REQUEUE_AFTER_S)
    for step in (StepRun.objects.filter(status=S.QUEUED, queued_at__lt=waiting,
                                        execution__status=E.RUNNING)
                 .select_related("execution", "execution__compilation")[:500]):
        _resend(step)
        StepRun.objects.filter(pk=step.pk, status=S.QUEUED).update(queued_at=now)
        report["requeued"] += 1
    for step in (StepRun.objects.filter(status=S.RETRYING, wake_at__lte=now - timedelta(seconds=2),
                                        execution__status=E.RUNNING)
                 .select_related("execution", "execution__compilation")[:500]):
        _resend(step)
        StepRun.objects.filter(pk=step.pk, status=S.RETRYING).update(
            wake_at=now + timedelta(seconds=settings.REQUEUE_AFTER_S))
        report["woken"] += 1
    for step_pk in StepRun.objects.filter(status=S.RUNNING, lease_owner="delay",
                                          wake_at__lte=now).values_list("pk", flat=True)[:500]:
        report["delays"] += int(scheduling.delay_elapsed(step_pk=step_pk))
    owners = set(Execution.objects.filter(status=E.QUEUED).values_list("owner_id", flat=True))
    for owner_id in owners:
        report["admitted"] += len(start.admit(owner_id=owner_id))
    return report


def _resend(step: StepRun) -> None:
    module = artifact_for(step.execution)
    timeout = scheduling.step_timeout_s(step.execution, step, module.STEPS[step.step_id])
    dispatch.enqueue_step(step.execution_id, step.step_id, timeout_s=timeout)


@transaction.atomic
def _worker_lost(step_pk: int) -> int:
    _, step = scheduling.lock_step(step_pk)
    if step is None or step.status != S.RUNNING:
        return 0
    step.lost_count += 1
    step.save(update_fields=["lost_count"])
    message = (f"the worker running this step stopped responding "
               f"(lost {step.lost_count} time(s))")
    error: dict[str, Any] = {"type": "worker_lost", "message": message,
                             "worker": step.lease_owner}
    if step.lost_count >= settings.MAX_WORKER_LOST:
        error["message"] = f"worker crashed {step.lost_count} times running this step"
        scheduling.step_fail(step_pk=step.pk, token=step.lease_token, error=error, final=True)
        return 1
    # At-least-once: a lost attempt does not use up the retry policy.
    token = step.lease_token
    step.status = S.QUEUED
    step.lease_token = ""
    step.queued_at = timezone.now()
    step.save(update_fields=["status", "lease_token", "queued_at"])
    scheduling._close_attempt(step, S.FAILED, error=error, metrics={})
    events.emit(step.execution_id, "step_retrying", step_id=step.step_id, data={
        "attempt": step.attempts, "next_attempt": step.attempts + 1, "error": error,
        "reason": "worker_lost", "previous_lease": token[:8]})
    execution = step.execution
    timeout = scheduling.step_timeout_s(execution, step,
                                        artifact_for(execution)
                                        .STEPS[step.step_id])
    transaction.on_commit(lambda: dispatch.enqueue_step(execution.pk, step.step_id,
                                                        timeout_s=timeout))
    return 1
