"""One error shape for every API response: {"error": {"code", "message", "fields"?,
"suggestion"?}}. DRF's own exceptions, Django's 404/permission errors and our
ApplicationError all end up here, so integrations parse exactly one format."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from apps.common.exceptions import ApplicationError

logger = logging.getLogger(__name__)

_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "request_too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message,
                      **{k: v for k, v in extra.items() if v}}}


def _flatten(detail: Any) -> Any:
    """DRF detail trees to plain strings: {"field": "message"} or nested for nested fields."""
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return " ".join(str(item) for item in detail)
        return [_flatten(item) for item in detail]
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    return str(detail)


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response({"error": exc.as_dict()}, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found: it does not exist or it is not yours.")
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        return Response(error_body("request_too_large", "The request body is too large."),
                        status=413)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real bug: Django logs it and the 500 handler answers in JSON
    set_rollback()
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    code = _CODES.get(exc.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields = _flatten(detail) if isinstance(detail, dict) else {"non_field_errors":
                                                                     _flatten(detail)}
        body = error_body("invalid", "The request is not valid; see the fields.",
                          fields=fields, suggestion="Fix the fields listed and send it again.")
    elif isinstance(exc, exceptions.ParseError):
        body = error_body("malformed_request", str(exc.detail),
                          suggestion="Send a JSON object with Content-Type: application/json.")
    else:
        body = error_body(code, str(exc.detail))
    return Response(body, status=exc.status_code, headers=headers)


def handler404(request: Any, exception: Exception | None = None) -> Any:
    """JSON under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("not_found", "No such endpoint or object."), status=404)
    return defaults.page_not_found(request, exception)


def handler500(request: Any) -> Any:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("server_error",
                                       "Something went wrong on our side; it has been logged."),
                            status=status.HTTP_500_INTERNAL_SERVER_ERROR)
    return defaults.server_error(request)
