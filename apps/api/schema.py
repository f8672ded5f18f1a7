"""OpenAPI additions for what is not a DRF view: the SSE stream of an execution."""

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
