"""`approval`: the step waits for a person (status `waiting`), holding no worker and no
Celery task; the decision comes through apps/executions/services/approvals.py. Woken at its
timeout, it fails with `step_timeout`."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from apps.executions.engine import lease, outcomes
from worker.steps.base import Deferred, StepRunner

if TYPE_CHECKING:
    from worker.context import StepContext


def run(ctx: StepContext, payload: dict[str, Any]) -> None:
    decision = {"message": str(payload.get("message") or ""),
                "fields": payload.get("fields") or {}}
    ctx.record_inputs(decision)
    timeout = payload.get("timeout_seconds")
    wake_at = timezone.now() + timedelta(seconds=float(timeout)) if timeout else None
    raise Deferred(wake_at=wake_at, countdown=float(timeout) if timeout else None,
                   decision=decision)


@transaction.atomic
def wake(step_pk: int) -> bool:
    _, step = lease.deferred_step(step_pk)
    if step is None or step.wake_at is None or step.wake_at > timezone.now():
        return False  # decided, or not yet due
    waited = (step.wake_at - (step.started_at or step.wake_at)).total_seconds()
    return outcomes.step_fail(step_pk=step.pk, token=step.lease_token, error={
        "type": "step_timeout", "message": f"no decision within {waited:g} s"})


RUNNER = StepRunner(run=run, wake=wake)
