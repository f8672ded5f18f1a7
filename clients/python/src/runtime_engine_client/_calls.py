"""What the sync and the async client share: each method's request, built by the generated
operation modules (_openapi/api/…: `_get_kwargs`), and the reading of an answer (the
generated `_parse_response` for a success, errors.api_error for anything else: the generated
`sync_detailed` would parse any documented error status as JSON, and fail on a proxy's HTML
page). The two clients only send; nothing here does I/O."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import httpx

from runtime_engine_client._openapi.api.approvals import approvals_list
from runtime_engine_client._openapi.api.executions import (
    executions_cancel_create,
    executions_list,
    executions_logs_list,
    executions_pause_create,
    executions_rerun_create,
    executions_resume_create,
    executions_retrieve,
    executions_steps_approve_create,
    executions_steps_list,
    executions_steps_reject_create,
    executions_steps_retrieve,
    executions_steps_retry_create,
    executions_steps_skip_create,
)
from runtime_engine_client._openapi.api.tokens import tokens_create, tokens_destroy, tokens_list
from runtime_engine_client._openapi.api.workflows import (
    workflows_apply_create,
    workflows_compilations_list,
    workflows_compile_create,
    workflows_create,
    workflows_executions_create,
    workflows_export_retrieve,
    workflows_list,
    workflows_partial_update,
    workflows_retrieve,
)
from runtime_engine_client._openapi.client import AuthenticatedClient
from runtime_engine_client._openapi.models import (
    ApplyRequest,
    ApplyRequestFiles,
    ApproveRequest,
    ExecutionsListStatusItem,
    ExecutionsListTrigger,
    ExecutionsLogsListLevelItem,
    ExecutionsLogsListMinLevel,
    PatchedWorkflowPatchRequest,
    PriorityEnum,
    RejectRequest,
    RerunRequest,
    RetryRequest,
    SkipRequest,
    StartRequest,
    TokenCreateRequest,
    WorkflowWriteRequest,
)
from runtime_engine_client._openapi.types import UNSET
from runtime_engine_client.errors import api_error

API = "/api/v1"


@dataclass(frozen=True)
class Call:
    """One request: a generated operation and its arguments."""

    op: ModuleType
    kwargs: dict[str, Any] = field(default_factory=dict)

    def request(self) -> dict[str, Any]:
        """httpx.request()'s arguments, as the generated operation builds them."""
        return self.op._get_kwargs(**self.kwargs)


def result(call: Call, api: AuthenticatedClient, response: httpx.Response) -> Any:
    """The parsed answer of a success, or the typed error of anything else."""
    if not response.is_success:
        raise api_error(response.status_code, response.content, response.headers)
    if response.status_code == 204:
        return None
    return call.op._parse_response(client=api, response=response)


def next_page(next_url: Any) -> dict[str, Any] | None:
    """The arguments of the page a `next` link points to (a cursor or a page number)."""
    if not isinstance(next_url, str) or not next_url:
        return None
    query = parse_qs(urlsplit(next_url).query)
    if "cursor" in query:
        return {"cursor": query["cursor"][0]}
    if "page" in query:
        return {"page": int(query["page"][0])}
    return None


def _opt(value: Any) -> Any:
    return UNSET if value is None else value


# ---- the calls ------------------------------------------------------------------------------

def token_list() -> Call:
    return Call(tokens_list)


def token_create(name: str | None = None) -> Call:
    return Call(tokens_create, {"body": TokenCreateRequest(name=_opt(name))})


def token_revoke(token_key: str) -> Call:
    return Call(tokens_destroy, {"token_key": token_key})


def workflow_list(search: str | None, page: int | None = None) -> Call:
    return Call(workflows_list, {"search": _opt(search), "page": _opt(page)})


def workflow_get(workflow_id: int) -> Call:
    return Call(workflows_retrieve, {"id": str(workflow_id)})


def workflow_create(definition: Mapping[str, Any], name: str | None, slug: str | None,
                    description: str | None) -> Call:
    return Call(workflows_create, {"body": WorkflowWriteRequest(
        definition=dict(definition), name=_opt(name), slug=_opt(slug),
        description=_opt(description))})


def workflow_update(workflow_id: int, definition: Mapping[str, Any] | None, name: str | None,
                    slug: str | None, description: str | None) -> Call:
    return Call(workflows_partial_update, {"id": str(workflow_id),
                                           "body": PatchedWorkflowPatchRequest(
        definition=UNSET if definition is None else dict(definition), name=_opt(name),
        slug=_opt(slug), description=_opt(description))})


def workflow_compile(workflow_id: int) -> Call:
    return Call(workflows_compile_create, {"id": str(workflow_id)})


def workflow_compilations(workflow_id: int, page: int | None = None) -> Call:
    return Call(workflows_compilations_list, {"id": str(workflow_id), "page": _opt(page)})


def workflow_export() -> Call:
    return Call(workflows_export_retrieve)


def workflow_apply(files: Mapping[str, str], prune: bool, dry_run: bool) -> Call:
    return Call(workflows_apply_create, {"body": ApplyRequest(
        files=ApplyRequestFiles.from_dict(dict(files)), prune=prune, dry_run=dry_run)})


def start(workflow_id: int, inputs: Mapping[str, Any] | None, priority: str | None,
          idempotency_key: str | None) -> Call:
    return Call(workflows_executions_create, {"id": str(workflow_id), "body": StartRequest(
        inputs=dict(inputs or {}), idempotency_key=_opt(idempotency_key),
        priority=PriorityEnum(priority) if priority else UNSET)})


def execution_list(*, status: list[str] | str | None, workflow: int | None,
                   trigger: str | None, search: str | None, started_after: Any,
                   started_before: Any, top_level: bool | None, ordering: str | None,
                   page_size: int | None, cursor: str | None = None) -> Call:
    statuses = [status] if isinstance(status, str) else status
    return Call(executions_list, {
        "status": [ExecutionsListStatusItem(s) for s in statuses] if statuses else UNSET,
        "workflow": _opt(workflow), "trigger": ExecutionsListTrigger(trigger) if trigger
        else UNSET, "search": _opt(search), "started_after": _opt(started_after),
        "started_before": _opt(started_before), "top_level": _opt(top_level),
        "ordering": _opt(ordering), "page_size": _opt(page_size), "cursor": _opt(cursor)})


def execution_get(execution_id: str | UUID) -> Call:
    return Call(executions_retrieve, {"id": UUID(str(execution_id))})


def control(verb: str, execution_id: str | UUID) -> Call:
    ops = {"cancel": executions_cancel_create, "pause": executions_pause_create,
           "resume": executions_resume_create}
    return Call(ops[verb], {"id": UUID(str(execution_id))})


def rerun(execution_id: str | UUID, inputs: Mapping[str, Any] | None, priority: str | None,
          revision: int | None) -> Call:
    return Call(executions_rerun_create, {"id": UUID(str(execution_id)), "body": RerunRequest(
        inputs=UNSET if inputs is None else dict(inputs),
        priority=PriorityEnum(priority) if priority else UNSET, revision=_opt(revision))})


def steps(execution_id: str | UUID) -> Call:
    return Call(executions_steps_list, {"execution_pk": UUID(str(execution_id))})


def step(execution_id: str | UUID, step_id: str) -> Call:
    return Call(executions_steps_retrieve, {"execution_pk": UUID(str(execution_id)),
                                            "step_id": step_id})


def step_retry(execution_id: str | UUID, step_id: str, inputs: Mapping[str, Any] | None,
               timeout_seconds: int | None, memory_limit_mb: int | None,
               revision: int | None) -> Call:
    return Call(executions_steps_retry_create, {
        "execution_pk": UUID(str(execution_id)), "step_id": step_id, "body": RetryRequest(
            inputs=UNSET if inputs is None else dict(inputs), revision=_opt(revision),
            timeout_seconds=_opt(timeout_seconds), memory_limit_mb=_opt(memory_limit_mb))})


def step_skip(execution_id: str | UUID, step_id: str, output: Any) -> Call:
    return Call(executions_steps_skip_create, {"execution_pk": UUID(str(execution_id)),
                                               "step_id": step_id,
                                               "body": SkipRequest(output=output)})


def step_approve(execution_id: str | UUID, step_id: str, data: Mapping[str, Any] | None) -> Call:
    return Call(executions_steps_approve_create, {
        "execution_pk": UUID(str(execution_id)), "step_id": step_id,
        "body": ApproveRequest(data=dict(data or {}))})


def step_reject(execution_id: str | UUID, step_id: str, reason: str) -> Call:
    return Call(executions_steps_reject_create, {"execution_pk": UUID(str(execution_id)),
                                                 "step_id": step_id,
                                                 "body": RejectRequest(reason=reason)})


def approvals() -> Call:
    return Call(approvals_list)


def logs(execution_id: str | UUID, *, level: list[str] | str | None, min_level: str | None,
         step: str | None, search: str | None, after: int | None, page_size: int | None,
         cursor: str | None = None) -> Call:
    levels = [level] if isinstance(level, str) else level
    return Call(executions_logs_list, {
        "id": UUID(str(execution_id)), "level": [ExecutionsLogsListLevelItem(x) for x in levels]
        if levels else UNSET, "min_level": ExecutionsLogsListMinLevel(min_level) if min_level
        else UNSET, "step": _opt(step), "search": _opt(search), "after": _opt(after),
        "page_size": _opt(page_size), "cursor": _opt(cursor)})


# ---- events ---------------------------------------------------------------------------------

def events_url(execution_id: str | UUID) -> str:
    return f"{API}/executions/{UUID(str(execution_id))}/events/"


def event_of(data: str) -> dict[str, Any]:
    return json.loads(data)
