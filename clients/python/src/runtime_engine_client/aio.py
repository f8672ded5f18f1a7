"""The asynchronous client: client.py's calls, on one httpx.AsyncClient.

Requests and answers are the generated layer's (_calls.py); what the generator cannot do is
here, as in client.py (which this module mirrors line for line, with `await`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from httpx_sse import SSEError, aconnect_sse

from runtime_engine_client import _calls as calls
from runtime_engine_client import _outcome
from runtime_engine_client._openapi.client import AuthenticatedClient
from runtime_engine_client._openapi.models import (
    ApplyResult,
    Approval,
    Compilation,
    Execution,
    ExecutionList,
    LogLine,
    StepDetail,
    StepResult,
    Token,
    TokenCreated,
    Workflow,
    WorkflowList,
)
from runtime_engine_client.errors import api_error


class AsyncClient:
    """`AsyncClient("https://engine.example.com", token="…")`; `async with` it, or await
    close(). Every refusal raises a subclass of errors.ApiError."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0,
                 httpx_args: Mapping[str, Any] | None = None) -> None:
        self.token = token
        self.api = AuthenticatedClient(base_url=base_url.rstrip("/"), token=token,
                                       prefix="Token", timeout=httpx.Timeout(timeout),
                                       httpx_args=dict(httpx_args or {}))
        self.http: httpx.AsyncClient = self.api.get_async_httpx_client()

    @classmethod
    async def login(cls, base_url: str, username: str, password: str,
                    **kwargs: Any) -> AsyncClient:
        """A new token for this user (shown once: keep `client.token`) and a client on it."""
        async with httpx.AsyncClient(timeout=30) as http:
            answer = await http.post(f"{base_url.rstrip('/')}{calls.API}/tokens/", json={},
                                     auth=(username, password))
        if not answer.is_success:
            raise api_error(answer.status_code, answer.content, answer.headers)
        return cls(base_url, answer.json()["token"], **kwargs)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.http.aclose()

    async def _send(self, call: calls.Call) -> Any:
        return calls.result(call, self.api, await self.http.request(**call.request()))

    async def _pages(self, make: Callable[..., calls.Call]) -> AsyncIterator[Any]:
        arguments: dict[str, Any] | None = {}
        while arguments is not None:
            page = await self._send(make(**arguments))
            for item in page.results:
                yield item
            arguments = calls.next_page(page.next_)

    # ---- tokens -----------------------------------------------------------------------------

    async def tokens(self) -> list[Token]:
        return await self._send(calls.token_list())

    async def create_token(self, name: str | None = None) -> TokenCreated:
        return await self._send(calls.token_create(name))

    async def revoke_token(self, token_key: str) -> None:
        await self._send(calls.token_revoke(token_key))

    # ---- workflows --------------------------------------------------------------------------

    def workflows(self, search: str | None = None) -> AsyncIterator[WorkflowList]:
        return self._pages(lambda **page: calls.workflow_list(search, **page))

    async def workflow(self, workflow_id: int) -> Workflow:
        return await self._send(calls.workflow_get(workflow_id))

    async def create_workflow(self, definition: Mapping[str, Any], *, name: str | None = None,
                        slug: str | None = None, description: str | None = None) -> Workflow:
        return await self._send(calls.workflow_create(definition, name, slug, description))

    async def update_workflow(self, workflow_id: int, *,
                              definition: Mapping[str, Any] | None = None,
                              name: str | None = None, slug: str | None = None,
                              description: str | None = None) -> Workflow:
        return await self._send(calls.workflow_update(workflow_id, definition, name, slug,
                                                description))

    async def compile(self, workflow_id: int) -> Compilation:
        return await self._send(calls.workflow_compile(workflow_id))

    def compilations(self, workflow_id: int) -> AsyncIterator[Compilation]:
        return self._pages(lambda **page: calls.workflow_compilations(workflow_id, **page))

    async def export_workflows(self, directory: str | Path | None = None) -> dict[str, str]:
        """Your workflows as {<slug>.json: text}; written into `directory` when given."""
        files = (await self._send(calls.workflow_export())).files.to_dict()
        _outcome.write_files(directory, files)
        return files

    async def apply_workflows(self, files: Mapping[str, str] | str | Path, *, prune: bool = False,
                        dry_run: bool = False) -> ApplyResult:
        """Apply {name: text} or a directory's *.json (see docs/integrating.md); raises
        errors.ApplyRefused, with the plan, when anything would not compile."""
        return await self._send(calls.workflow_apply(_outcome.read_files(files), prune, dry_run))

    # ---- runs -------------------------------------------------------------------------------

    async def start(self, workflow_id: int, inputs: Mapping[str, Any] | None = None, *,
              priority: str | None = None, idempotency_key: str | None = None) -> Execution:
        return await self._send(calls.start(workflow_id, inputs, priority, idempotency_key))

    async def run(self, workflow_id: int, inputs: Mapping[str, Any] | None = None, *,
            priority: str | None = None, timeout: float | None = None) -> Any:
        """start() then wait(): the output, or the typed error."""
        execution = await self.start(workflow_id, inputs, priority=priority)
        return await self.wait(execution.execution_id, timeout=timeout)

    async def execution(self, execution_id: str | UUID) -> Execution:
        return await self._send(calls.execution_get(execution_id))

    def executions(self, *, status: list[str] | str | None = None, workflow: int | None = None,
                   trigger: str | None = None, search: str | None = None,
                   started_after: Any = None, started_before: Any = None,
                   top_level: bool | None = None, ordering: str | None = None,
                   page_size: int | None = None) -> AsyncIterator[ExecutionList]:
        """History, newest first unless `ordering` says otherwise; every page, lazily."""
        return self._pages(lambda **page: calls.execution_list(
            status=status, workflow=workflow, trigger=trigger, search=search,
            started_after=started_after, started_before=started_before, top_level=top_level,
            ordering=ordering, page_size=page_size, **page))

    async def cancel(self, execution_id: str | UUID) -> Execution:
        return await self._send(calls.control("cancel", execution_id))

    async def pause(self, execution_id: str | UUID) -> Execution:
        return await self._send(calls.control("pause", execution_id))

    async def resume(self, execution_id: str | UUID) -> Execution:
        return await self._send(calls.control("resume", execution_id))

    async def rerun(self, execution_id: str | UUID, *, inputs: Mapping[str, Any] | None = None,
              priority: str | None = None, revision: int | None = None) -> Execution:
        return await self._send(calls.rerun(execution_id, inputs, priority, revision))

    async def steps(self, execution_id: str | UUID) -> list[StepResult]:
        return await self._send(calls.steps(execution_id))

    async def step(self, execution_id: str | UUID, step_id: str) -> StepDetail:
        return await self._send(calls.step(execution_id, step_id))

    async def retry_step(self, execution_id: str | UUID, step_id: str, *,
                   inputs: Mapping[str, Any] | None = None, timeout_seconds: int | None = None,
                   memory_limit_mb: int | None = None,
                   revision: int | None = None) -> StepDetail:
        return await self._send(calls.step_retry(execution_id, step_id, inputs, timeout_seconds,
                                           memory_limit_mb, revision))

    async def skip_step(self, execution_id: str | UUID, step_id: str, *,
                  output: Any = None) -> StepDetail:
        return await self._send(calls.step_skip(execution_id, step_id, output))

    async def approve(self, execution_id: str | UUID, step_id: str,
                data: Mapping[str, Any] | None = None) -> StepDetail:
        return await self._send(calls.step_approve(execution_id, step_id, data))

    async def reject(self, execution_id: str | UUID, step_id: str, reason: str = "") -> StepDetail:
        return await self._send(calls.step_reject(execution_id, step_id, reason))

    async def approvals(self) -> list[Approval]:
        return await self._send(calls.approvals())

    def logs(self, execution_id: str | UUID, *, level: list[str] | str | None = None,
             min_level: str | None = None, step: str | None = None, search: str | None = None,
             after: int | None = None, page_size: int | None = None) -> AsyncIterator[LogLine]:
        """Every matching log line in order (search and filters run on the server)."""
        return self._pages(lambda **page: calls.logs(
            execution_id, level=level, min_level=min_level, step=step, search=search,
            after=after, page_size=page_size, **page))

    # ---- following a run --------------------------------------------------------------------

    async def events(self, execution_id: str | UUID, *, after: int = 0,
                     timeout: float | None = None) -> AsyncIterator[dict[str, Any]]:
        """The run's events (docs/events.md) after `after`, each once and in order, until
        its end; a dropped connection is resumed from the last one with Last-Event-ID."""
        follow = _outcome.Follower(execution_id, after, timeout)
        while True:
            try:
                async with aconnect_sse(self.http, "GET", calls.events_url(execution_id),
                                        headers=follow.headers(),
                                        timeout=follow.http_timeout()) as source:
                    if source.response.status_code == 200:
                        async for sse in source.aiter_sse():
                            event = follow.take(sse)
                            if event is not None:
                                yield event
                            if follow.ended:
                                return
                    else:
                        await source.response.aread()
                        follow.refused(source.response)
            except (httpx.TransportError, SSEError):
                pass  # dropped, cut, or the server restarting: resume from follow.last
            await asyncio.sleep(follow.lost())

    async def wait(self, execution_id: str | UUID, *, timeout: float | None = None,
                   on_event: Callable[[dict[str, Any]], Awaitable[None] | None] | None = None
                   ) -> Any:
        """Follow the run to its end: its output, or ExecutionFailed (the step, the error
        type, the line and frames of the node's code) or ExecutionCancelled; WaitTimeout
        after `timeout` seconds (the run goes on). `on_event` may be a coroutine function."""
        final = None
        async for event in self.events(execution_id, timeout=timeout):
            if on_event is not None:
                called = on_event(event)
                if called is not None:
                    await called
            if event["type"] == "execution_completed":
                final = event
        execution = await self.execution(execution_id)
        failed = _outcome.failed_step(execution, final)
        detail = (await self.step(execution_id, failed)).error if failed else None
        return _outcome.settle(execution, final, detail)


__all__ = ["AsyncClient"]
