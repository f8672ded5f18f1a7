"""What every API view shares: the documented error responses, body validation and the
trigger a start is recorded with."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

ErrorSerializer = inline_serializer("Error", fields={
    "error": inline_serializer("ErrorBody", fields={
        "code": serializers.CharField(help_text="Stable, machine-readable."),
        "message": serializers.CharField(help_text="What went wrong, for a person."),
        "fields": serializers.JSONField(required=False, help_text="Field name -> problem."),
        "suggestion": serializers.CharField(required=False, help_text="What to do about it."),
        "issues": serializers.JSONField(required=False,
                                        help_text="Compilation issues (not_runnable)."),
    }),
})

_DESCRIPTIONS = {
    400: "Invalid request: `fields` lists each problem.",
    401: "Not authenticated.",
    404: "No such object, or it is not yours.",
    409: "Not allowed in the current state (e.g. the workflow has compilation errors).",
    413: "Request body too large.",
    429: "Too many attempts: wait for Retry-After seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    return {code: OpenApiResponse(ErrorSerializer, description=_DESCRIPTIONS[code])
            for code in (*codes, 401)}


def valid(serializer: type, data: Any) -> dict[str, Any]:
    """Validated request body, or a 400 in the API's error shape."""
    instance = serializer(data=data)
    instance.is_valid(raise_exception=True)
    return dict(instance.validated_data)


def with_defaults(data: Any, **defaults: Any) -> Any:
    """The body with defaults for missing keys; a non-object body is left for `valid` to
    refuse."""
    if hasattr(data, "dict"):  # form data
        data = data.dict()
    if not isinstance(data, dict):
        return data
    return {**defaults, **data}

UUID_PATTERN = "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


def trigger_of(request: Request) -> str:
    """`manual` for the web app (it signs in with its session), `api` for tokens."""
    return "manual" if isinstance(request.successful_authenticator,
                                  SessionAuthentication) else "api"
