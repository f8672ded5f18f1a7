"""Server-Sent Events for API clients: GET /api/v1/executions/{id}/events/.

An async view, so an open stream holds no thread: it subscribes to the execution's group,
replays what the client missed (from `Last-Event-ID` or `?after=`), then relays live events,
each as `id: <seq>` / `event: <type>` / `data: <ProgressEvent JSON>`. Comment lines keep idle
connections alive; after execution_completed an `end` event is sent and the stream closes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse

from apps.api.errors import error_body
from apps.realtime.auth import user_for_token
from apps.realtime.stream import EventCursor, follow, owned_execution


def _frame(event: dict[str, Any]) -> str:
    return f"id: {event['seq']}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n"


def _position(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


async def execution_events(request: HttpRequest, pk: Any) -> HttpResponse:
    if request.method != "GET":
        return JsonResponse(error_body("method_not_allowed", "Use GET."), status=405)
    user = await request.auser()
    if not user.is_authenticated and request.headers.get("Authorization"):
        user = await database_sync_to_async(user_for_token)(request.headers["Authorization"])
    if not user.is_authenticated:
        response = JsonResponse(error_body("not_authenticated",
                                           "Authentication credentials were not provided."),
                                status=401)
        response["WWW-Authenticate"] = "Token"
        return response
    after = _position(request)
    if after is None:
        return JsonResponse(error_body("invalid", "Last-Event-ID / after must be a sequence "
                                                  "number.", fields={"after": "A whole number "
                                                                              ">= 0."}),
                            status=400)
    if await owned_execution(pk, user) is None:
        return JsonResponse(error_body("not_found", "Not found: it does not exist or it is "
                                                    "not yours."), status=404)
    response = StreamingHttpResponse(_stream(EventCursor(pk, after)),
                                     content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies must not hold frames back
    return response


async def _stream(cursor: EventCursor) -> AsyncIterator[str]:
    yield f"retry: {settings.SSE_RETRY_MS}\n\n"
    async with contextlib.aclosing(follow(cursor)) as events:  # unsubscribes on hang-up
        async for event in events:
            yield ": keep-alive\n\n" if event is None else _frame(event)
    yield f"event: end\ndata: {json.dumps({'last_event_id': cursor.last})}\n\n"
