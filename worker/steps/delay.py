"""`delay`: the step waits without a worker; woken when its time comes, it succeeds with
null output."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps.executions.services.attempts import Wake
from worker.steps.base import Deferred, StepError, StepRunner

if TYPE_CHECKING:
    from apps.executions.models import StepRun
    from worker.context import StepContext


def run(_ctx: StepContext, payload: dict[str, Any]) -> None:
    seconds = payload.get("seconds")
    try:
        seconds = float(seconds)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StepError("expression_error", f"delay seconds must be a number, not "
                        f"{seconds!r}") from None
    if seconds <= 0:
        return
    raise Deferred(wake_at=timezone.now() + timedelta(seconds=seconds), countdown=seconds)


def wake(step: StepRun) -> Wake | None:
    """Its time has come: done (None while not yet: the sweeper looks again when due)."""
    if step.wake_at and step.wake_at > timezone.now():
        return None
    return Wake("succeed", output=None)


RUNNER = StepRunner(run=run, wake=wake)
