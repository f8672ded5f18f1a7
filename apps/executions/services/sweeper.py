"""The sweeper: nothing is lost or stuck. Run by Celery beat every few seconds.

- a running step whose worker stopped heartbeating is retried (worker_lost), or failed after
  MAX_WORKER_LOST losses so a poison step cannot loop; one of an execution that was stopped
  meanwhile ends cancelled (outcomes.lost);
- a queued step whose message never started is sent again;
- a retry whose backoff is over is sent again (in case its countdown message was lost);
- a step that waits without a worker (lease.DEFERRED) is woken when its wake_at comes: its
  step type says what waking means (worker/steps/);
- queued executions are admitted when there is room;
- a compilation left resolving packages past the resolver's limit is sent again.

It knows no step type by name: the lease says who holds a step, wake_at says when to look.
Each action is a unit of work of its own: one that fails leaves the others done.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.executions import metrics
from apps.executions.engine import admission, lease, outcomes
from apps.executions.engine.unit import Unit
from apps.executions.models import TERMINAL_EXECUTION, Execution, StepRun
from apps.workflows.services import compilations_resend_stuck
from worker import dispatch

S = StepRun.Status
E = Execution.Status
BATCH = 500
# Steps of these executions can be lost: running ones, paused ones (their running steps go
# on), and stopped ones whose story waits for a step still running on a worker.
_LIVE = Q(execution__status__in=[E.RUNNING, E.PAUSED]) | Q(
    execution__status__in=list(TERMINAL_EXECUTION), execution__finished_at__isnull=True)


def sweep() -> dict[str, int]:
    now = timezone.now()
    report = {"requeued": 0, "lost": 0, "woken": 0, "waits": 0, "admitted": 0}
    stale = now - timedelta(seconds=settings.HEARTBEAT_TIMEOUT_S)
    lost = (StepRun.objects.filter(_LIVE, status=S.RUNNING)
            .exclude(lease_owner=lease.DEFERRED)
            .annotate(seen=Coalesce("heartbeat_at", "started_at"))
            .filter(Q(seen__lt=stale) | Q(seen__isnull=True))
            .values_list("pk", flat=True)[:BATCH])
    for step_pk in lost:
        with Unit() as unit:
            report["lost"] += outcomes.lost(unit, step_pk)
    waiting = now - timedelta(seconds=settings.REQUEUE_AFTER_S)
    report["requeued"] = _send_again(StepRun.objects.filter(
        status=S.QUEUED, queued_at__lt=waiting, execution__status=E.RUNNING),
        queued_at=now)
    report["woken"] = _send_again(StepRun.objects.filter(
        status=S.RETRYING, wake_at__lte=now - timedelta(seconds=2),
        execution__status=E.RUNNING), wake_at=now + timedelta(seconds=settings.REQUEUE_AFTER_S))
    due = list(StepRun.objects.filter(status__in=lease.HELD, lease_owner=lease.DEFERRED,
                                      wake_at__lte=now).values_list("pk", flat=True)[:BATCH])
    for step_pk in due:  # the wake decides (and pushes wake_at on when it waits on)
        dispatch.enqueue_wake(step_pk)
        report["waits"] += 1
    owners = set(Execution.objects.filter(status=E.QUEUED).values_list("owner_id", flat=True))
    for owner_id in owners:
        with Unit() as unit:
            report["admitted"] += len(admission.admit(unit, owner_id))
    compilations = compilations_resend_stuck(now=now)
    metrics.swept(report)
    return {**report, "compilations": compilations}


def _send_again(steps: QuerySet[StepRun], **mark: object) -> int:
    """Send the messages of steps whose own were lost, marking when (so the next sweep waits
    before sending them again)."""
    sent = 0
    for step in steps.select_related("execution", "execution__compilation")[:BATCH]:
        with Unit() as unit:
            unit.send_step(step.execution, step)
            unit.update(StepRun.objects.filter(pk=step.pk, status=step.status), **mark)
        sent += 1
    return sent
