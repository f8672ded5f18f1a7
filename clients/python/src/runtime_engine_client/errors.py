"""Typed errors: the server's one error shape (`{"error": {"code", "message", "fields"?,
"suggestion"?, ...}}`) becomes an ApiError subclass chosen by its code, then its HTTP
status; a run that ends badly becomes an ExecutionError carrying what the server says of it."""

from __future__ import annotations

import json
from typing import Any


class RuntimeEngineError(Exception):
    """Everything this client raises on purpose."""


class ApiError(RuntimeEngineError):
    """The server refused a request. `code` is stable and machine-readable, `message` is for a
    person, `fields` maps each bad field to its problem, `body` is the whole error object."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        self.status = status
        self.body = body
        self.code: str = str(body.get("code") or "error")
        self.message: str = str(body.get("message") or f"HTTP {status}")
        self.fields: dict[str, Any] = body.get("fields") or {}
        self.suggestion: str | None = body.get("suggestion")
        detail = f" {json.dumps(self.fields, ensure_ascii=False)}" if self.fields else ""
        super().__init__(f"{status} {self.code}: {self.message}{detail}")


class BadRequest(ApiError):
    """400: invalid fields, inputs that fail the workflow's input_schema, a bad file…"""


class NotAuthenticated(ApiError):
    """401: no token, or a revoked or mistyped one."""


class PermissionDenied(ApiError):
    """403."""


class NotFound(ApiError):
    """404: no such object, or it belongs to somebody else."""


class Conflict(ApiError):
    """409: not allowed in the current state."""


class NotRunnable(Conflict):
    """409 not_runnable: the workflow's latest compilation has errors (`issues`)."""

    @property
    def issues(self) -> list[dict[str, Any]]:
        return list(self.body.get("issues") or [])


class InvalidTransition(Conflict):
    """409 invalid_transition: e.g. pausing a finished run."""


class RequestTooLarge(ApiError):
    """413."""


class Throttled(ApiError):
    """429: wait `retry_after` seconds."""

    def __init__(self, status: int, body: dict[str, Any],
                 retry_after: float | None = None) -> None:
        super().__init__(status, body)
        self.retry_after = retry_after


class ServerError(ApiError):
    """5xx: the server's own failure (it logs it)."""


class ApplyRefused(BadRequest):
    """400 apply_refused: some workflow file would not compile; nothing was applied. `plan`
    is what apply found for every workflow (the same shape as a successful apply's answer)."""

    @property
    def plan(self) -> dict[str, Any]:
        return dict(self.body.get("plan") or {})


_BY_CODE: dict[str, type[ApiError]] = {
    "not_runnable": NotRunnable, "invalid_transition": InvalidTransition,
    "apply_refused": ApplyRefused,
}
_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequest, 401: NotAuthenticated, 403: PermissionDenied, 404: NotFound,
    409: Conflict, 413: RequestTooLarge,
}


def api_error(status: int, content: bytes, headers: Any = None) -> ApiError:
    """The typed error for a refused response (any body: a proxy's HTML page too)."""
    try:
        parsed = json.loads(content or b"{}")
    except ValueError:
        parsed = None
    body = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(body, dict):
        body = {"code": "error", "message": (content or b"").decode("utf-8", "replace")[:500]}
    if status == 429:
        retry = (headers or {}).get("retry-after")
        return Throttled(status, body, float(retry) if retry and retry.isdigit() else None)
    kind = _BY_CODE.get(str(body.get("code"))) or _BY_STATUS.get(status) or (
        ServerError if status >= 500 else ApiError)
    return kind(status, body)


class ExecutionError(RuntimeEngineError):
    """A run did not succeed (or was not followed to its end)."""

    def __init__(self, message: str, *, execution_id: str, status: str) -> None:
        super().__init__(message)
        self.execution_id = execution_id
        self.status = status


class ExecutionFailed(ExecutionError):
    """The run failed. `step_id` is the step that failed it, `error_type` the server's error
    type (code_error, step_timeout, approval_rejected, …), `line` and `frames` the traceback
    mapped to the node's own code (python steps), `error` the whole error object."""

    def __init__(self, *, execution_id: str, error: dict[str, Any]) -> None:
        self.error = error
        self.step_id: str | None = error.get("step_id") or error.get("node_id")
        self.error_type: str = str(error.get("type") or "failed")
        self.line: int | None = error.get("line")
        self.frames: list[dict[str, Any]] = list(error.get("frames") or [])
        self.traceback: Any = error.get("traceback")
        self.suggestion: str | None = error.get("suggestion")
        where = f" at step {self.step_id!r}" if self.step_id else ""
        line = f", line {self.line}" if self.line else ""
        super().__init__(f"execution {execution_id} failed{where}{line}: [{self.error_type}] "
                         f"{error.get('message', '')}", execution_id=execution_id,
                         status="failed")
        self.message = str(error.get("message") or "")


class ExecutionCancelled(ExecutionError):
    """The run was cancelled."""


class WaitTimeout(ExecutionError, TimeoutError):
    """wait() gave up before the run ended; the run goes on."""


class StreamLost(RuntimeEngineError):
    """The event stream could not be reached again after many tries."""
