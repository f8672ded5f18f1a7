"""`approval`: the step waits for a person (status `waiting`), holding no worker and no
Celery task; the decision comes through apps/executions/services/approvals.py. Woken at its
timeout, it fails with `step_timeout`."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps.executions.services.attempts import Wake
from worker.steps.base import Deferred, StepRunner

if TYPE_CHECKING:
    from apps.executions.models import StepRun
    from worker.context import StepContext


def run(ctx: StepContext, payload: dict[str, Any]) -> None:
    decision = {"message": str(payload.get("message") or ""),
                "fields": payload.get("fields") or {}}
    ctx.record_inputs(decision)
    timeout = payload.get("timeout_seconds")
    wake_at = timezone.now() + timedelta(seconds=float(timeout)) if timeout else None
    raise Deferred(wake_at=wake_at, countdown=float(timeout) if timeout else None,
                   decision=decision)


def wake(step: StepRun) -> Wake | None:
    """Its timeout has come with no decision: failed (None while not yet due)."""
    if step.wake_at is None or step.wake_at > timezone.now():
        return None
    waited = (step.wake_at - (step.started_at or step.wake_at)).total_seconds()
    return Wake("fail", error={"type": "step_timeout",
                               "message": f"no decision within {waited:g} s"})


RUNNER = StepRunner(run=run, wake=wake)
