"""`delay`: the step waits without a worker; woken when its time comes, it succeeds with
null output."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from apps.executions.engine import lease, outcomes
from worker.steps.base import Deferred, StepError, StepRunner

if TYPE_CHECKING:
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


@transaction.atomic
def wake(step_pk: int) -> bool:
    _, step = lease.deferred_step(step_pk)
    if step is None or (step.wake_at and step.wake_at > timezone.now()):
        return False  # gone, or not yet: the sweeper looks again when it is due
    return outcomes.step_succeed(step_pk=step.pk, token=step.lease_token, output=None,
                                 metrics={})


RUNNER = StepRunner(run=run, wake=wake)
