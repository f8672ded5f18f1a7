"""`workflow`: a child execution runs the sub-workflow while this step waits without a
worker; the child's end wakes it (apps/executions/services/children.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from apps.common.exceptions import ApplicationError
from apps.executions.services import children
from worker.steps.base import Deferred, StepError, StepRunner

if TYPE_CHECKING:
    from worker.context import StepContext


def run(ctx: StepContext, payload: dict[str, Any]) -> None:
    try:
        children.child_start(step=ctx.step, slug=payload["workflow"],
                             inputs=payload.get("inputs") or {})
    except ApplicationError as exc:
        raise StepError(exc.code or "workflow_error", exc.message,
                        **({"fields": exc.fields} if exc.fields else {})) from None
    raise Deferred(wake_at=children.next_check())


RUNNER = StepRunner(run=run, wake=children.child_outcome)
