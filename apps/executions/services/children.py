"""`workflow` steps: a child execution runs the sub-workflow while the step waits without a
worker; when the child ends, the step is woken (finishing.py sends the message; the sweeper
too, should it be lost) and takes the child's outcome."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from apps.common.exceptions import ApplicationError
from apps.executions.models import TERMINAL_EXECUTION, Execution, StepRun
from apps.executions.services.attempts import Wake
from apps.executions.services.start import execution_start
from apps.workflows.models import Workflow

# A waiting parent looks at its child this often even if the child's wake message is lost.
CHILD_CHECK_S = 30


def child_start(*, step: StepRun, slug: str, inputs: dict[str, Any]) -> Execution:
    """Start the sub-workflow as a child of the step's execution, inside its slot (linked to
    the step in the same transaction)."""
    parent = step.execution
    workflow = Workflow.objects.filter(owner_id=parent.owner_id, slug=slug).first()
    if workflow is None:
        raise ApplicationError(f"sub-workflow {slug!r} no longer exists",
                               code="workflow_error")
    return execution_start(workflow=workflow, owner=parent.owner, inputs=inputs,
                           trigger=Execution.Trigger.WORKFLOW, parent=parent,
                           parent_step_id=step.step_id)


def next_check() -> Any:
    return timezone.now() + timedelta(seconds=CHILD_CHECK_S)


def child_outcome(step: StepRun) -> Wake:
    """What a waiting `workflow` step comes to: its child's outcome once the child has
    ended; until then it waits on (and is looked at again later)."""
    child = Execution.objects.filter(pk=step.child_execution_id).first()
    if child is None:
        return Wake("fail", error={"type": "workflow_error",
                                   "message": "the sub-workflow execution is gone"})
    if child.status not in TERMINAL_EXECUTION:
        return Wake("wait", wake_at=next_check())
    if child.status == Execution.Status.SUCCEEDED:
        return Wake("succeed", output=child.output,
                    metrics={"child_execution": str(child.pk)})
    return Wake("fail", error={
        "type": "workflow_error", "message": f"sub-workflow execution {child.pk} {child.status}",
        "child_execution": str(child.pk), "child_error": child.error})
