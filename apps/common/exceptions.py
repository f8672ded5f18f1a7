"""Errors a person can act on: a code, a message, optional field errors and a suggestion."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A user-facing failure; the API renders it as {"error": {...}} with `status`."""

    status = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        suggestion: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}
        self.suggestion = suggestion
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        if self.suggestion:
            body["suggestion"] = self.suggestion
        body.update(self.extra)
        return body


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"


class Unauthenticated(ApplicationError):
    status = 401
    code = "not_authenticated"


class TooManyRequests(ApplicationError):
    """Throttled: `extra["retry_after"]` says when to try again (seconds)."""

    status = 429
    code = "throttled"
