"""The MCP server (the official `mcp` SDK's low-level Server): tools/list answers the
caller's tools (apps/mcp_server/tools.py), tools/call runs one. A workflow tool starts a run
(trigger `mcp`), follows its events (apps/realtime/stream.py, as the SSE stream does) and
reports each finished step as MCP progress, then answers the output, or the error with the
step, its type and the line. A run that waits for an approval, or outlives MCP_TOOL_WAIT_S,
is answered with its id instead: approvals.answer and executions.get take it from there."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import mcp_types as types
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.lowlevel import Server
from mcp.server.lowlevel.server import ServerRequestContext
from mcp.shared.exceptions import MCPError

from apps.common.exceptions import ApplicationError
from apps.executions.models import Execution
from apps.executions.services import execution_start
from apps.executions.streams import EXECUTION_EVENTS
from apps.mcp_server import tools
from apps.realtime.groups import group_for_execution
from apps.realtime.stream import EventCursor, follow

STEP_ENDS = frozenset({"step_completed", "step_failed", "step_skipped", "step_cancelled"})
INSTRUCTIONS = ("Each workflow tool runs that workflow of yours with the arguments as its "
                "inputs and answers its output. A run that waits for an approval answers at "
                "once with its execution_id: decide with approvals.answer, then read the result "
                "with executions.get.")


@database_sync_to_async
def _user(pk: int) -> Any:
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


async def _owner(ctx: ServerRequestContext[Any, Any]) -> Any:
    """The token's user, as apps/mcp_server/asgi.py put it on the request."""
    user = ctx.request.scope.get("user") if ctx.request is not None else None
    owner = await _user(int(user.access_token.subject)) if isinstance(
        user, AuthenticatedUser) and user.access_token.subject else None
    if owner is None:
        raise MCPError(types.INVALID_REQUEST, "Not authenticated: send an API token.")
    return owner


async def list_tools(ctx: ServerRequestContext[Any, Any],
                     params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
    owner = await _owner(ctx)
    specs = await database_sync_to_async(tools.tools_list)(owner=owner)
    return types.ListToolsResult(tools=[
        types.Tool(name=spec.name, title=spec.title, description=spec.description,
                   input_schema=spec.input_schema) for spec in specs])


def _answer(body: dict[str, Any], *, error: bool = False) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=json.dumps(body, ensure_ascii=False,
                                                                default=str))],
        structured_content=body, is_error=error)


def _refusal(error: ApplicationError) -> types.CallToolResult:
    return _answer({"error": error.as_dict()}, error=True)


async def call_tool(ctx: ServerRequestContext[Any, Any],
                    params: types.CallToolRequestParams) -> types.CallToolResult:
    owner = await _owner(ctx)
    arguments = dict(params.arguments or {})
    try:
        if params.name == tools.APPROVALS_LIST:
            found = await database_sync_to_async(tools.approvals_waiting)(owner=owner)
            return _answer({"approvals": found})
        if params.name == tools.APPROVAL_ANSWER:
            return _answer(await database_sync_to_async(tools.approval_answer)(
                owner=owner, arguments=arguments))
        if params.name == tools.EXECUTION_GET:
            return _answer(await database_sync_to_async(_execution_body)(
                owner, arguments.get("execution_id")))
        workflow = await database_sync_to_async(tools.tool_workflow)(owner=owner,
                                                                     name=params.name)
        if workflow is None:
            raise MCPError(types.INVALID_PARAMS, f"No tool named {params.name!r}: list the "
                                                 f"tools for your runnable workflows.")
        execution = await database_sync_to_async(execution_start)(
            workflow=workflow, owner=owner, inputs=arguments, trigger=Execution.Trigger.MCP)
    except ApplicationError as error:  # bad inputs, not runnable, no such run: the caller's
        return _refusal(error)
    return await _run(ctx, owner, execution)


def _execution_body(owner: Any, execution_id: Any) -> dict[str, Any]:
    return tools.execution_result(tools.execution_owned(owner=owner,
                                                        execution_id=execution_id))


async def _run(ctx: ServerRequestContext[Any, Any], owner: Any,
               execution: Execution) -> types.CallToolResult:
    """Follow the run to its end (or to a wait for a person, or the time limit), reporting
    progress per finished step, and answer what it came to."""
    total = await database_sync_to_async(lambda: execution.steps.count())()
    done = 0
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(settings.MCP_TOOL_WAIT_S):
            events_of = follow(EventCursor(EXECUTION_EVENTS, execution.pk, 0),
                               group_for_execution(execution.pk))
            async with contextlib.aclosing(events_of) as events:
                async for event in events:
                    if event is None:
                        continue
                    if event["type"] in STEP_ENDS:
                        done += 1
                        await ctx.session.report_progress(
                            done, max(total, done), f"{event['step_id']}: "
                                                    f"{event['type'].removeprefix('step_')}")
                    elif event["type"] == "step_waiting":
                        await ctx.session.report_progress(
                            done, max(total, done), f"{event['step_id']}: waiting for approval")
                        break
    body = await database_sync_to_async(_execution_body)(owner, execution.pk)
    return _answer(body, error=body["status"] in (Execution.Status.FAILED,
                                                   Execution.Status.CANCELLED))


server: Server[Any] = Server("runtime-engine", version="1", instructions=INSTRUCTIONS,
                             on_list_tools=list_tools, on_call_tool=call_tool)
