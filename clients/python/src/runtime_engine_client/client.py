"""The synchronous client: every call the issue names, on one httpx.Client.

Requests and answers are the generated layer's (_calls.py); what the generator cannot do is
here: following the event stream across dropped connections (`events`), waiting for a run's
output or its typed error (`wait`), and walking cursor pages (`executions`, `logs`).
aio.py is the same, line for line, with `await`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
from httpx_sse import SSEError, connect_sse

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


class Client:
    """`Client("https://engine.example.com", token="…")`; use it as a context manager, or
    call close(). Every refusal raises a subclass of errors.ApiError."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30.0,
                 httpx_args: Mapping[str, Any] | None = None) -> None:
        self.token = token
        self.api = AuthenticatedClient(base_url=base_url.rstrip("/"), token=token,
                                       prefix="Token", timeout=httpx.Timeout(timeout),
                                       httpx_args=dict(httpx_args or {}))
        self.http: httpx.Client = self.api.get_httpx_client()

    @classmethod
    def login(cls, base_url: str, username: str, password: str, **kwargs: Any) -> Client:
        """A new token for this user (shown once: keep `client.token`) and a client on it."""
        answer = httpx.post(f"{base_url.rstrip('/')}{calls.API}/tokens/", json={},
                            auth=(username, password), timeout=30)
        if not answer.is_success:
            raise api_error(answer.status_code, answer.content, answer.headers)
        return cls(base_url, answer.json()["token"], **kwargs)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.http.close()

    def _send(self, call: calls.Call) -> Any:
        return calls.result(call, self.api, self.http.request(**call.request()))

    def _pages(self, make: Callable[..., calls.Call]) -> Iterator[Any]:
        arguments: dict[str, Any] | None = {}
        while arguments is not None:
            page = self._send(make(**arguments))
            yield from page.results
            arguments = calls.next_page(page.next_)

    # ---- tokens -----------------------------------------------------------------------------

    def tokens(self) -> list[Token]:
        return self._send(calls.token_list())

    def create_token(self, name: str | None = None) -> TokenCreated:
        return self._send(calls.token_create(name))

    def revoke_token(self, token_key: str) -> None:
        self._send(calls.token_revoke(token_key))

    # ---- workflows --------------------------------------------------------------------------

    def workflows(self, search: str | None = None) -> Iterator[WorkflowList]:
        return self._pages(lambda **page: calls.workflow_list(search, **page))

    def workflow(self, workflow_id: int) -> Workflow:
        return self._send(calls.workflow_get(workflow_id))

    def create_workflow(self, definition: Mapping[str, Any], *, name: str | None = None,
                        slug: str | None = None, description: str | None = None) -> Workflow:
        return self._send(calls.workflow_create(definition, name, slug, description))

    def update_workflow(self, workflow_id: int, *, definition: Mapping[str, Any] | None = None,
                        name: str | None = None, slug: str | None = None,
                        description: str | None = None) -> Workflow:
        return self._send(calls.workflow_update(workflow_id, definition, name, slug,
                                                description))

    def compile(self, workflow_id: int) -> Compilation:
        return self._send(calls.workflow_compile(workflow_id))

    def compilations(self, workflow_id: int) -> Iterator[Compilation]:
        return self._pages(lambda **page: calls.workflow_compilations(workflow_id, **page))

    def export_workflows(self, directory: str | Path | None = None) -> dict[str, str]:
        """Your workflows as {<slug>.json: text}; written into `directory` when given."""
        files = self._send(calls.workflow_export()).files.to_dict()
        _outcome.write_files(directory, files)
        return files

    def apply_workflows(self, files: Mapping[str, str] | str | Path, *, prune: bool = False,
                        dry_run: bool = False) -> ApplyResult:
        """Apply {name: text} or a directory's *.json (see docs/integrating.md); raises
        errors.ApplyRefused, with the plan, when anything would not compile."""
        return self._send(calls.workflow_apply(_outcome.read_files(files), prune, dry_run))

    # ---- runs -------------------------------------------------------------------------------

    def start(self, workflow_id: int, inputs: Mapping[str, Any] | None = None, *,
              priority: str | None = None, idempotency_key: str | None = None) -> Execution:
        return self._send(calls.start(workflow_id, inputs, priority, idempotency_key))

    def run(self, workflow_id: int, inputs: Mapping[str, Any] | None = None, *,
            priority: str | None = None, timeout: float | None = None) -> Any:
        """start() then wait(): the output, or the typed error."""
        execution = self.start(workflow_id, inputs, priority=priority)
        return self.wait(execution.execution_id, timeout=timeout)

    def execution(self, execution_id: str | UUID) -> Execution:
        return self._send(calls.execution_get(execution_id))

    def executions(self, *, status: list[str] | str | None = None, workflow: int | None = None,
                   trigger: str | None = None, search: str | None = None,
                   started_after: Any = None, started_before: Any = None,
                   top_level: bool | None = None, ordering: str | None = None,
                   page_size: int | None = None) -> Iterator[ExecutionList]:
        """History, newest first unless `ordering` says otherwise; every page, lazily."""
        return self._pages(lambda **page: calls.execution_list(
            status=status, workflow=workflow, trigger=trigger, search=search,
            started_after=started_after, started_before=started_before, top_level=top_level,
            ordering=ordering, page_size=page_size, **page))

    def cancel(self, execution_id: str | UUID) -> Execution:
        return self._send(calls.control("cancel", execution_id))

    def pause(self, execution_id: str | UUID) -> Execution:
        return self._send(calls.control("pause", execution_id))

    def resume(self, execution_id: str | UUID) -> Execution:
        return self._send(calls.control("resume", execution_id))

    def rerun(self, execution_id: str | UUID, *, inputs: Mapping[str, Any] | None = None,
              priority: str | None = None, revision: int | None = None) -> Execution:
        return self._send(calls.rerun(execution_id, inputs, priority, revision))

    def steps(self, execution_id: str | UUID) -> list[StepResult]:
        return self._send(calls.steps(execution_id))

    def step(self, execution_id: str | UUID, step_id: str) -> StepDetail:
        return self._send(calls.step(execution_id, step_id))

    def retry_step(self, execution_id: str | UUID, step_id: str, *,
                   inputs: Mapping[str, Any] | None = None, timeout_seconds: int | None = None,
                   memory_limit_mb: int | None = None,
                   revision: int | None = None) -> StepDetail:
        return self._send(calls.step_retry(execution_id, step_id, inputs, timeout_seconds,
                                           memory_limit_mb, revision))

    def skip_step(self, execution_id: str | UUID, step_id: str, *,
                  output: Any = None) -> StepDetail:
        return self._send(calls.step_skip(execution_id, step_id, output))

    def approve(self, execution_id: str | UUID, step_id: str,
                data: Mapping[str, Any] | None = None) -> StepDetail:
        return self._send(calls.step_approve(execution_id, step_id, data))

    def reject(self, execution_id: str | UUID, step_id: str, reason: str = "") -> StepDetail:
        return self._send(calls.step_reject(execution_id, step_id, reason))

    def approvals(self) -> list[Approval]:
        return self._send(calls.approvals())

    def logs(self, execution_id: str | UUID, *, level: list[str] | str | None = None,
             min_level: str | None = None, step: str | None = None, search: str | None = None,
             after: int | None = None, page_size: int | None = None) -> Iterator[LogLine]:
        """Every matching log line in order (search and filters run on the server)."""
        return self._pages(lambda **page: calls.logs(
            execution_id, level=level, min_level=min_level, step=step, search=search,
            after=after, page_size=page_size, **page))

    # ---- following a run --------------------------------------------------------------------

    def events(self, execution_id: str | UUID, *, after: int = 0,
               timeout: float | None = None) -> Iterator[dict[str, Any]]:
        """The run's events (docs/events.md) after `after`, each once and in order, until
        its end; a dropped connection is resumed from the last one with Last-Event-ID."""
        follow = _outcome.Follower(execution_id, after, timeout)
        while True:
            try:
                with connect_sse(self.http, "GET", calls.events_url(execution_id),
                                 headers=follow.headers(),
                                 timeout=follow.http_timeout()) as source:
                    if source.response.status_code == 200:
                        for sse in source.iter_sse():
                            event = follow.take(sse)
                            if event is not None:
                                yield event
                            if follow.ended:
                                return
                    else:
                        source.response.read()
                        follow.refused(source.response)
            except (httpx.TransportError, SSEError):
                pass  # dropped, cut, or the server restarting: resume from follow.last
            time.sleep(follow.lost())

    def wait(self, execution_id: str | UUID, *, timeout: float | None = None,
             on_event: Callable[[dict[str, Any]], None] | None = None) -> Any:
        """Follow the run to its end: its output, or ExecutionFailed (the step, the error
        type, the line and frames of the node's code) or ExecutionCancelled; WaitTimeout
        after `timeout` seconds (the run goes on)."""
        final = None
        for event in self.events(execution_id, timeout=timeout):
            if on_event is not None:
                on_event(event)
            if event["type"] == "execution_completed":
                final = event
        execution = self.execution(execution_id)
        failed = _outcome.failed_step(execution, final)
        detail = self.step(execution_id, failed).error if failed else None
        return _outcome.settle(execution, final, detail)


__all__ = ["Client"]
