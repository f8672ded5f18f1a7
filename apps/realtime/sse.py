"""Server-Sent Events for API clients: GET /api/v1/executions/{id}/events/.

An async view, so an open stream holds no thread: it subscribes to the execution's group,
replays what the client missed (from `Last-Event-ID` or `?after=`), then relays live events,
each as `id: <seq>` / `event: <type>` / `data: <ProgressEvent JSON>`. Comment lines keep idle
connections alive; after execution_completed an `end` event is sent and the stream closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse

from apps.api.errors import error_body
from apps.realtime.auth import user_for_token
from apps.realtime.groups import group_for_execution
from apps.realtime.stream import EventCursor, owned_execution


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


async def _relay(layer: Any, channel: str, queue: asyncio.Queue) -> None:
    # The layer drops a channel whose receive() is cancelled, so one task keeps receiving
    # and the stream waits on its own queue (with heartbeat timeouts) instead.
    while True:
        queue.put_nowait(await layer.receive(channel))


async def _stream(cursor: EventCursor) -> AsyncIterator[str]:
    layer = get_channel_layer()
    group = group_for_execution(cursor.execution_id)
    channel = await layer.new_channel()
    await layer.group_add(group, channel)  # live first, then the replay: no gap between
    queue: asyncio.Queue = asyncio.Queue()
    relay = asyncio.create_task(_relay(layer, channel, queue))
    try:
        yield f"retry: {settings.SSE_RETRY_MS}\n\n"
        for event in await cursor.catch_up():
            yield _frame(event)
        while not cursor.finished:
            try:
                message = await asyncio.wait_for(queue.get(), timeout=settings.STREAM_CATCH_UP_S)
            except TimeoutError:
                events = await cursor.catch_up()  # whatever pub/sub did not bring
                for event in events:
                    yield _frame(event)
                if not events:
                    yield ": keep-alive\n\n"
                continue
            payloads = message.get("payloads") or [message.get("payload") or {}]  # a batch
            for payload in payloads:
                for event in await cursor.live(payload):
                    yield _frame(event)
        yield f"event: end\ndata: {json.dumps({'last_event_id': cursor.last})}\n\n"
    finally:
        relay.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await relay
        with contextlib.suppress(Exception):
            await layer.group_discard(group, channel)
