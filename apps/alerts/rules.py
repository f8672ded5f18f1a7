"""What each kind of rule looks for, since it last looked: a list of findings (one line of
text each), empty when nothing matches. Plain reads; services.py decides what is sent."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import QuerySet

from apps.alerts.models import AlertRule
from apps.executions.models import Execution, StepAttempt, StepRun

K = AlertRule.Kind
P95_RUNS = 100  # the recent succeeded runs a workflow's p95 is taken over
MIN_RUNS_FOR_P95 = 5


def _executions(rule: AlertRule) -> QuerySet[Execution]:
    query = Execution.objects.filter(owner_id=rule.owner_id, parent__isnull=True)
    return query.filter(workflow_id=rule.workflow_id) if rule.workflow_id else query


def _execution_failed(rule: AlertRule, since: datetime, now: datetime) -> list[str]:
    failed = list(_executions(rule).filter(status="failed", finished_at__gt=since,
                                           finished_at__lte=now)
                  .select_related("workflow").order_by("finished_at")[:20])
    return [f"{e.workflow.name}: execution {e.pk} failed"
            + (f" ({(e.error or {}).get('message', '')})" if e.error else "") for e in failed]


def _step_failures(rule: AlertRule, since: datetime, now: datetime) -> list[str]:
    count, minutes = int(rule.params["count"]), int(rule.params["minutes"])
    attempts = StepAttempt.objects.filter(
        status="failed", finished_at__gt=now - timedelta(minutes=minutes),
        step_run__execution__owner_id=rule.owner_id)
    if rule.workflow_id:
        attempts = attempts.filter(step_run__execution__workflow_id=rule.workflow_id)
    if rule.params.get("step_id"):
        attempts = attempts.filter(step_run__step_id=rule.params["step_id"])
    seen = attempts.count()
    if seen < count:
        return []
    what = f"step {rule.params['step_id']!r}" if rule.params.get("step_id") else "steps"
    return [f"{what} failed {seen} times in the last {minutes} minutes (rule: {count})"]


def _p95_ms(workflow_id: int) -> float | None:
    durations = sorted(Execution.objects.filter(
        workflow_id=workflow_id, status="succeeded", duration_ms__isnull=False)
        .order_by("-finished_at").values_list("duration_ms", flat=True)[:P95_RUNS])
    if len(durations) < MIN_RUNS_FOR_P95:
        return None
    return durations[min(len(durations) - 1, int(0.95 * len(durations)))]


def _slow_execution(rule: AlertRule, since: datetime, now: datetime) -> list[str]:
    factor = float(rule.params["factor"])
    found, limits = [], {}
    for execution in (_executions(rule).filter(status="running", started_at__isnull=False)
                      .select_related("workflow")[:200]):
        if execution.workflow_id not in limits:
            limits[execution.workflow_id] = _p95_ms(execution.workflow_id)
        p95 = limits[execution.workflow_id]
        running_ms = (now - execution.started_at).total_seconds() * 1000
        if p95 is not None and running_ms > p95 * factor:
            found.append(f"{execution.workflow.name}: execution {execution.pk} has run "
                         f"{running_ms / 1000:.1f} s, over {factor:g} × its p95 "
                         f"({p95 / 1000:.1f} s)")
    return found


def _approval_waiting(rule: AlertRule, since: datetime, now: datetime) -> list[str]:
    minutes = float(rule.params["minutes"])
    steps = StepRun.objects.filter(status="waiting", step_type="approval",
                                   execution__owner_id=rule.owner_id,
                                   started_at__lt=now - timedelta(minutes=minutes))
    if rule.workflow_id:
        steps = steps.filter(execution__workflow_id=rule.workflow_id)
    return [f"{s.execution.workflow.name}: approval {s.step_id!r} of execution "
            f"{s.execution_id} has waited over {minutes:g} minutes"
            for s in steps.select_related("execution__workflow")[:20]]


FINDERS: dict[str, Any] = {
    K.EXECUTION_FAILED: _execution_failed,
    K.STEP_FAILURES: _step_failures,
    K.SLOW_EXECUTION: _slow_execution,
    K.APPROVAL_WAITING: _approval_waiting,
}

# What `params` each kind needs: name → (type, minimum).
PARAMS: dict[str, dict[str, tuple[type, float]]] = {
    K.EXECUTION_FAILED: {},
    K.STEP_FAILURES: {"count": (int, 1), "minutes": (int, 1)},
    K.SLOW_EXECUTION: {"factor": (float, 1.0)},
    K.APPROVAL_WAITING: {"minutes": (float, 0.0)},
}


def findings(rule: AlertRule, since: datetime, now: datetime) -> list[str]:
    return FINDERS[rule.kind](rule, since, now)
