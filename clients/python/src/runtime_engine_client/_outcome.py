"""The parts of following a run that do no I/O, shared by both clients: where a stream
resumes and when to give up (Follower), what a finished run comes to (settle), and workflow
files on disk."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
from httpx_sse import ServerSentEvent

from runtime_engine_client._openapi.models import Execution, StepError
from runtime_engine_client.errors import (
    ExecutionCancelled,
    ExecutionFailed,
    StreamLost,
    WaitTimeout,
    api_error,
)

MAX_LOST_IN_A_ROW = 30
READ_TIMEOUT_S = 60.0  # the server sends a keep-alive every 10 s (STREAM_CATCH_UP_S)


class Follower:
    """One client's position in a run's event stream: the last sequence number it has (sent
    back as Last-Event-ID on every reconnect), so nothing is lost and nothing repeated."""

    def __init__(self, execution_id: Any, after: int, timeout: float | None) -> None:
        self.execution_id = str(execution_id)
        self.last = after
        self.ended = False
        self.delay = 2.0  # until the server's `retry:` says otherwise
        self.lost_in_a_row = 0
        self.deadline = None if timeout is None else time.monotonic() + timeout

    def _check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise WaitTimeout(f"execution {self.execution_id} had not ended in time (last "
                              f"event {self.last}); it goes on", execution_id=self.execution_id,
                              status="unknown")

    def headers(self) -> dict[str, str]:
        return {"Last-Event-ID": str(self.last)} if self.last else {}

    def http_timeout(self) -> httpx.Timeout:
        self._check_deadline()
        read = READ_TIMEOUT_S if self.deadline is None else max(
            0.1, min(READ_TIMEOUT_S, self.deadline - time.monotonic()))
        return httpx.Timeout(30.0, read=read)

    def take(self, sse: ServerSentEvent) -> dict[str, Any] | None:
        """The event in this frame, or None (a repeat, the end, a comment)."""
        if sse.retry:
            self.delay = sse.retry / 1000
        if sse.event == "end":
            self.ended = True
            return None
        if not sse.data:
            return None
        event = json.loads(sse.data)
        seq = event.get("seq")
        if not isinstance(seq, int) or seq <= self.last:
            return None
        self.last = seq
        self.lost_in_a_row = 0
        self._check_deadline()
        return event

    def refused(self, response: httpx.Response) -> None:
        """A non-200 answer: the server's own trouble is retried, anything else raised."""
        if response.status_code < 500 and response.status_code != 429:
            raise api_error(response.status_code, response.content, response.headers)

    def lost(self) -> float:
        """The connection went: how long to wait before the next try."""
        self._check_deadline()
        self.lost_in_a_row += 1
        if self.lost_in_a_row > MAX_LOST_IN_A_ROW:
            raise StreamLost(f"the event stream of execution {self.execution_id} could not "
                             f"be reached {MAX_LOST_IN_A_ROW} times in a row")
        return min(self.delay * self.lost_in_a_row, 10.0)


def failed_step(execution: Execution, final: dict[str, Any] | None) -> str | None:
    """The step whose failure failed the run (its detail has the mapped traceback)."""
    if _status(execution, final) != "failed":
        return None
    error = execution.error if isinstance(execution.error, dict) else {}
    return error.get("step_id")


def _status(execution: Execution, final: dict[str, Any] | None) -> str:
    if final is not None:
        return str(final["data"]["status"])
    return str(execution.status.value)


def settle(execution: Execution, final: dict[str, Any] | None,
           detail: StepError | None) -> Any:
    """The output of a run that succeeded; the typed error of one that did not."""
    status = _status(execution, final)
    execution_id = str(execution.execution_id)
    if status == "succeeded":
        return execution.output
    if status == "cancelled":
        raise ExecutionCancelled(f"execution {execution_id} was cancelled",
                                 execution_id=execution_id, status=status)
    error = dict(execution.error) if isinstance(execution.error, dict) else {}
    if not error and final is not None:
        error = dict(final["data"].get("error") or {})
    if isinstance(detail, StepError):
        error = {**error, **detail.to_dict(), "step_id": error.get("step_id")}
    raise ExecutionFailed(execution_id=execution_id, error=error)


def read_files(files: Mapping[str, str] | str | Path) -> dict[str, str]:
    """{name: text}, given as such or as a directory of <slug>.json files."""
    if isinstance(files, Mapping):
        return dict(files)
    return {path.name: path.read_text(encoding="utf-8")
            for path in sorted(Path(files).glob("*.json"))}


def write_files(directory: str | Path | None, files: Mapping[str, str]) -> None:
    if directory is None:
        return
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
