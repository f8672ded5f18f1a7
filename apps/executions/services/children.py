"""`workflow` steps: a child execution runs the sub-workflow; its end completes the step."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.common.exceptions import ApplicationError
from apps.executions.models import Execution, StepRun
from apps.workflows.models import Workflow


@transaction.atomic
def child_start(*, step: StepRun, slug: str, inputs: dict[str, Any]) -> Execution:
    from apps.executions.services.start import execution_start  # noqa: PLC0415 - cycle

    parent = step.execution
    workflow = Workflow.objects.filter(owner_id=parent.owner_id, slug=slug).first()
    if workflow is None:
        raise ApplicationError(f"sub-workflow {slug!r} no longer exists",
                               code="workflow_error")
    child = execution_start(workflow=workflow, owner=parent.owner, inputs=inputs,
                            trigger=Execution.Trigger.WORKFLOW, parent=parent,
                            parent_step_id=step.step_id)
    StepRun.objects.filter(pk=step.pk).update(child_execution=child)
    return child


def child_finished(child: Execution) -> None:
    """Called inside the child's finishing transaction."""
    from apps.executions.services import scheduling  # noqa: PLC0415 - cycle

    step = StepRun.objects.filter(execution_id=child.parent_id, step_id=child.parent_step_id,
                                  status=StepRun.Status.RUNNING).first()
    if step is None:
        return
    if child.status == Execution.Status.SUCCEEDED:
        scheduling.step_succeed(step_pk=step.pk, token=step.lease_token, output=child.output,
                                metrics={"child_execution": str(child.pk)})
    else:
        scheduling.step_fail(step_pk=step.pk, token=step.lease_token, error={
            "type": "workflow_error",
            "message": f"sub-workflow execution {child.pk} {child.status}",
            "child_execution": str(child.pk), "child_error": child.error})
