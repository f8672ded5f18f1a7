"""Approvals: a person decides on a step that waits (an `approval` step). Approving checks
the data against the step's `fields` and succeeds it with {approved, by, at, data};
rejecting fails it with `approval_rejected` (so on_error "continue" works as for any step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from jsonschema import Draft202012Validator

from apps.audit.services import audit_record
from apps.common.exceptions import ApplicationError, Conflict, NotFound
from apps.executions.engine import outcomes
from apps.executions.engine.unit import Unit
from apps.executions.models import Execution, StepRun

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

S = StepRun.Status


def approval_request(step: StepRun) -> tuple[str, dict[str, Any]]:
    """What a waiting approval asks: its message and the JSON Schema of its form (recorded
    as the step's inputs when it began to wait)."""
    asked = step.inputs or {}
    return str(asked.get("message") or ""), asked.get("fields") or {}


def approvals_pending(*, owner: AbstractBaseUser) -> QuerySet[StepRun]:
    """What waits on this user, oldest first."""
    return (StepRun.objects.filter(execution__owner=owner, status=S.WAITING)
            .select_related("execution", "execution__workflow").order_by("started_at", "id"))


def _waiting(unit: Unit, execution: Execution, step_id: str) -> tuple[Execution, StepRun]:
    step = StepRun.objects.filter(execution=execution, step_id=step_id).first()
    if step is None:
        raise NotFound(f"No step {step_id!r} in this execution.")
    locked_execution, locked = unit.lock_step(step.pk, execution.pk)
    if locked_execution is None or locked is None or locked.status != S.WAITING:
        raise Conflict(f"Step {step_id!r} is not waiting for a decision (it is "
                       f"{locked.status if locked else 'gone'}).", code="not_waiting")
    return locked_execution, locked


def _check_data(fields: dict[str, Any], data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ApplicationError("The approval data must be an object.", code="input_validation",
                               fields={"data": "Expected an object."})
    problems = {(".".join(str(p) for p in e.absolute_path) or "data"): e.message
                for e in Draft202012Validator(fields or {}).iter_errors(data)}
    if problems:
        raise ApplicationError("The approval data does not match the form.",
                               code="input_validation",
                               fields={f"data.{k}" if k != "data" else k: v
                                       for k, v in problems.items()},
                               suggestion="Fill in the fields listed and approve again.")
    return data


def step_approve(*, execution: Execution, step_id: str, user: AbstractBaseUser,
                 data: Any = None) -> StepRun:
    """Approve a waiting step: its output {approved, by, at, data}, and the run goes on."""
    with Unit() as unit:
        execution, step = _waiting(unit, execution, step_id)
        data = _check_data(approval_request(step)[1], {} if data is None else data)
        output = {"approved": True, "by": user.get_username(),
                  "at": timezone.now().isoformat(), "data": data}
        outcomes.succeed(unit, execution, step, output=output, metrics={})
        audit_record("step.approve", owner_id=execution.owner_id,
                     target=f"execution:{execution.pk}",
                     detail={"step": step_id, "fields": sorted(data)})
    return step


def step_reject(*, execution: Execution, step_id: str, user: AbstractBaseUser,
                reason: str = "") -> StepRun:
    """Reject a waiting step: it fails with approval_rejected (on_error applies)."""
    with Unit() as unit:
        execution, step = _waiting(unit, execution, step_id)
        who = user.get_username()
        outcomes.fail(unit, execution, step, error={
            "type": "approval_rejected", "by": who, "reason": reason,
            "message": f"rejected by {who}" + (f": {reason}" if reason else "")})
        audit_record("step.reject", owner_id=execution.owner_id,
                     target=f"execution:{execution.pk}", detail={"step": step_id})
    return step
