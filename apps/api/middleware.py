"""Caps API request bodies before anything parses them, answering 413 in the API's error
shape (Django's own limit does not cover bodies DRF streams into its parsers)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.api.errors import error_body
from apps.workflows.services import MAX_DEFINITION_BYTES

# A workflow write carries the definition and a few short fields beside it.
_WORKFLOW_WRITE = re.compile(r"^/api/v1/workflows/(?:\d+/)?$")
_ENVELOPE_BYTES = 64 * 1024


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.method in ("POST", "PUT", "PATCH"):
            limit = settings.API_MAX_REQUEST_BYTES
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if not length and "chunked" in request.headers.get("Transfer-Encoding", ""):
                body = request.read(limit + 1)  # no length announced: count it ourselves
                length = len(body)
                request._stream = io.BytesIO(body)  # noqa: SLF001 - hand the body back
                request._read_started = False  # noqa: SLF001
                request.META["CONTENT_LENGTH"] = str(length)
            if _WORKFLOW_WRITE.match(request.path) and \
                    length > MAX_DEFINITION_BYTES + _ENVELOPE_BYTES:
                return JsonResponse(error_body(
                    "definition_too_large",
                    f"The request body is {length:,} bytes; a workflow definition may be at "
                    f"most {MAX_DEFINITION_BYTES:,} bytes (5 MB) of JSON.",
                    suggestion="Split the workflow into sub-workflows, or pass large data as "
                               "inputs instead of writing it into the definition."), status=413)
            if length > limit:
                return JsonResponse(error_body(
                    "request_too_large",
                    f"The request body is {length} bytes; the limit is {limit} bytes.",
                    suggestion="Upload large files through /api/v1/files/ in parts no bigger "
                               "than the limit, or send less data."), status=413)
        return self.get_response(request)
