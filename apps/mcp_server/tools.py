"""What an MCP client of one owner may call, and what a call answers; plain reads and the
services, no protocol. The owner's runnable workflows are tools (the slug is the name, the
definition's `input_schema` the input schema, with nothing of a secret input's value shown);
three more tools, named with a dot so that no slug can take their names, list and answer the
approvals waiting on the owner and read a run that outlived a call."""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import OuterRef, Subquery

from apps.common.exceptions import ApplicationError
from apps.executions.models import Execution
from apps.executions.services import approvals
from apps.workflows.models import Compilation, Workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

APPROVALS_LIST = "approvals.list"
APPROVAL_ANSWER = "approvals.answer"
EXECUTION_GET = "executions.get"
# Keys that would carry a value of a secret input into the listed schema.
SECRET_VALUE_KEYS = ("default", "examples", "example", "const", "enum")


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: str
    input_schema: dict[str, Any]


BUILT_IN = (
    ToolSpec(APPROVALS_LIST, "Approvals waiting on you",
             "The approval steps of your runs that wait for your decision: execution_id, "
             "step_id, workflow, message and the fields the decision may carry.",
             {"type": "object", "properties": {}}),
    ToolSpec(APPROVAL_ANSWER, "Approve or reject a waiting step",
             "Decide an approval step listed by approvals.list: approve (with `data` checked "
             "against its fields) or reject (with a `reason`); the run continues.",
             {"type": "object", "required": ["execution_id", "step_id", "approve"],
              "properties": {
                  "execution_id": {"type": "string", "format": "uuid"},
                  "step_id": {"type": "string"},
                  "approve": {"type": "boolean", "description": "true approves, false rejects"},
                  "data": {"type": "object", "description": "What the approval asks for"},
                  "reason": {"type": "string", "description": "Why it is rejected"}}}),
    ToolSpec(EXECUTION_GET, "A run's status and output",
             "The status, output or error of one of your runs, e.g. one a workflow tool "
             "answered while it was still running or waiting for an approval.",
             {"type": "object", "required": ["execution_id"],
              "properties": {"execution_id": {"type": "string", "format": "uuid"}}}),
)


def public_schema(input_schema: Any) -> dict[str, Any]:
    """The input schema a client sees: an object schema, with no value of a secret
    (`format: password`) input in it (no default, example, const or enum)."""
    schema = copy.deepcopy(input_schema) if isinstance(input_schema, dict) else {}
    schema.setdefault("type", "object")
    schema.setdefault("properties", {})
    _hide_secret_values(schema)
    return schema


def _hide_secret_values(schema: dict[str, Any]) -> None:
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for prop in properties.values():
        if not isinstance(prop, dict):
            continue
        if prop.get("format") == "password":
            for key in SECRET_VALUE_KEYS:
                prop.pop(key, None)
            prop["writeOnly"] = True
        _hide_secret_values(prop)


def _runnable(owner: AbstractBaseUser) -> Any:
    latest = Compilation.objects.filter(workflow=OuterRef("pk")).order_by(
        "-revision", "-id").values("status")[:1]
    return (Workflow.objects.filter(owner=owner).annotate(compiled=Subquery(latest))
            .filter(compiled__in=[Compilation.Status.SUCCESS, Compilation.Status.WARNING]))


def tools_list(*, owner: AbstractBaseUser) -> list[ToolSpec]:
    """The owner's runnable workflows as tools, by slug, then the built-in ones."""
    specs = [ToolSpec(name=workflow.slug, title=workflow.name,
                      description=(workflow.description or workflow.name)
                      + " (a workflow: the call runs it and answers its output)",
                      input_schema=public_schema((workflow.definition or {}).get(
                          "input_schema")))
             for workflow in _runnable(owner).order_by("slug")]
    return [*specs, *BUILT_IN]


def tool_workflow(*, owner: AbstractBaseUser, name: str) -> Workflow | None:
    """The owner's runnable workflow a tool name calls; None for anything else."""
    return _runnable(owner).filter(slug=name).first()


def execution_owned(*, owner: AbstractBaseUser, execution_id: Any) -> Execution:
    """One of the owner's runs; anybody else's is as absent as one that never existed."""
    try:
        pk = uuid.UUID(str(execution_id))
    except ValueError:
        raise ApplicationError("execution_id must be a run's id (a UUID).", code="invalid",
                               fields={"execution_id": "A UUID."}) from None
    execution = Execution.objects.select_related("workflow").filter(owner=owner, pk=pk).first()
    if execution is None:
        raise ApplicationError("No such run of yours.", code="not_found")
    return execution


def execution_result(execution: Execution) -> dict[str, Any]:
    """What a tool answers about a run: its id, status, inputs (secrets shown masked, as
    stored) and output or error; a waiting step is named so the client can answer it."""
    body: dict[str, Any] = {"execution_id": str(execution.pk), "workflow": execution.workflow.slug,
                            "status": execution.status, "inputs": execution.inputs}
    if execution.status == Execution.Status.SUCCEEDED:
        body["output"] = execution.output
    elif execution.error:
        body["error"] = execution.error
    waiting = [step.step_id for step in execution.steps.filter(status="waiting")]
    if waiting:
        body["waiting_for_approval"] = waiting
    return body


def approvals_waiting(*, owner: AbstractBaseUser) -> list[dict[str, Any]]:
    rows = []
    for step in approvals.approvals_pending(owner=owner)[:200]:
        message, fields = approvals.approval_request(step)
        rows.append({"execution_id": str(step.execution_id), "step_id": step.step_id,
                     "workflow": step.execution.workflow.slug, "message": message,
                     "fields": fields})
    return rows


def approval_answer(*, owner: AbstractBaseUser, arguments: dict[str, Any]) -> dict[str, Any]:
    """Approve or reject a waiting step of the owner's; the run's state after it."""
    execution = execution_owned(owner=owner, execution_id=arguments.get("execution_id"))
    step_id = str(arguments.get("step_id") or "")
    if arguments.get("approve") is True:
        approvals.step_approve(execution=execution, step_id=step_id, user=owner,
                               data=arguments.get("data") or {})
    elif arguments.get("approve") is False:
        approvals.step_reject(execution=execution, step_id=step_id, user=owner,
                              reason=str(arguments.get("reason") or ""))
    else:
        raise ApplicationError("Say approve: true or approve: false.", code="invalid",
                               fields={"approve": "true or false"})
    execution.refresh_from_db()
    return execution_result(execution)
