"""The sweeper: nothing is lost or stuck. Run by Celery beat every few seconds.

- a running step whose worker stopped heartbeating is retried (worker_lost), or failed after
  MAX_WORKER_LOST losses so a poison step cannot loop (outcomes.step_lost);
- a queued step whose message never started is sent again;
- a retry whose backoff is over is sent again (in case its countdown message was lost);
- a step that waits without a worker (lease.DEFERRED) is woken when its wake_at comes: its
  step type says what waking means (worker/steps/);
- queued executions are admitted when there is room;
- a compilation left resolving packages past the resolver's limit is sent again.

It knows no step type by name: the lease says who holds a step, wake_at says when to look.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.executions import metrics
from apps.executions.engine import admission, frontier, lease, outcomes
from apps.executions.models import Execution, StepRun
from apps.workflows.services import compilations_resend_stuck
from worker import dispatch

S = StepRun.Status
E = Execution.Status
BATCH = 500


def sweep() -> dict[str, int]:
    now = timezone.now()
    report = {"requeued": 0, "lost": 0, "woken": 0, "waits": 0, "admitted": 0}
    stale = now - timedelta(seconds=settings.HEARTBEAT_TIMEOUT_S)
    lost = (StepRun.objects.filter(status=S.RUNNING, execution__status=E.RUNNING)
            .exclude(lease_owner=lease.DEFERRED)
            .annotate(seen=Coalesce("heartbeat_at", "started_at"))
            .filter(Q(seen__lt=stale) | Q(seen__isnull=True))
            .values_list("pk", flat=True)[:BATCH])
    for step_pk in lost:
        report["lost"] += outcomes.step_lost(step_pk=step_pk)
    waiting = now - timedelta(seconds=settings.REQUEUE_AFTER_S)
    for step in (StepRun.objects.filter(status=S.QUEUED, queued_at__lt=waiting,
                                        execution__status=E.RUNNING)
                 .select_related("execution", "execution__compilation")[:BATCH]):
        frontier.send(step.execution, step)
        StepRun.objects.filter(pk=step.pk, status=S.QUEUED).update(queued_at=now)
        report["requeued"] += 1
    for step in (StepRun.objects.filter(status=S.RETRYING, wake_at__lte=now - timedelta(seconds=2),
                                        execution__status=E.RUNNING)
                 .select_related("execution", "execution__compilation")[:BATCH]):
        frontier.send(step.execution, step)
        StepRun.objects.filter(pk=step.pk, status=S.RETRYING).update(
            wake_at=now + timedelta(seconds=settings.REQUEUE_AFTER_S))
        report["woken"] += 1
    due = list(StepRun.objects.filter(status__in=lease.HELD, lease_owner=lease.DEFERRED,
                                      wake_at__lte=now).values_list("pk", flat=True)[:BATCH])
    for step_pk in due:  # the wake decides (and pushes wake_at on when it waits on)
        dispatch.enqueue_wake(step_pk)
        report["waits"] += 1
    owners = set(Execution.objects.filter(status=E.QUEUED).values_list("owner_id", flat=True))
    for owner_id in owners:
        report["admitted"] += len(admission.admit(owner_id=owner_id))
    compilations = compilations_resend_stuck(now=now)
    metrics.swept(report)
    return {**report, "compilations": compilations}
