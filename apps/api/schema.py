"""OpenAPI additions: the SSE stream of an execution (not a DRF view), and the error responses
every operation can give (a bad filter or page, no credentials, a body too large), described
once here instead of on every view."""

from __future__ import annotations

from typing import Any


def add_event_stream(result: dict[str, Any], generator: Any, request: Any,
                     public: bool) -> dict[str, Any]:
    result.setdefault("paths", {})["/api/v1/executions/{id}/events/"] = {"get": {
        "operationId": "executions_events_stream",
        "summary": "Follow an execution live (Server-Sent Events)",
        "description": (
            "A `text/event-stream`: every stored event after `Last-Event-ID` (or `after`), "
            "then live ones, each once and in order: `id:` is the event's seq, `event:` its "
            "type, `data:` the ProgressEvent JSON. Comment lines keep the connection alive; "
            "after `execution_completed` an `end` event is sent and the stream closes."),
        "tags": ["executions"],
        "parameters": [
            {"name": "id", "in": "path", "required": True,
             "schema": {"type": "string", "format": "uuid"}},
            {"name": "after", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 0},
             "description": "Resume after this sequence number."},
            {"name": "Last-Event-ID", "in": "header", "required": False,
             "schema": {"type": "integer", "minimum": 0},
             "description": "Set by EventSource on reconnect; wins over `after`."},
        ],
        "responses": {
            "200": {"description": "The event stream.",
                    "content": {"text/event-stream": {"schema": {"type": "string"}}}},
            "400": {"description": "Bad position.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
            "401": {"description": "Not authenticated.", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}},
            "404": {"description": "No such execution, or it is not yours.",
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}}},
        },
        "security": [{"knoxApiToken": []}, {"cookieAuth": []}],
    }}
    return result


_COMMON_ERRORS = {
    "400": "Invalid request: `fields` lists each problem.",
    "401": "Not authenticated.",
    "404": "No such object (or not yours), or no such page.",
}
_BODY_ERRORS = {
    "413": "Request body too large.",
    "415": "Unsupported Content-Type.",
}


def add_common_errors(result: dict[str, Any], generator: Any, request: Any,
                      public: bool) -> dict[str, Any]:
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema",
                                                                "/api/v1/health")):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            errors = dict(_COMMON_ERRORS)
            if method in ("post", "put", "patch"):
                errors.update(_BODY_ERRORS)
            for code, description in errors.items():
                responses.setdefault(code, {"description": description, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}})
    return result
