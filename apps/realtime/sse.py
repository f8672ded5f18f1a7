"""Server-Sent Events: a numbered stream (an execution's, for GET
/api/v1/executions/{id}/events/, whose view in apps/api checks who asks) as an async response,
so an open stream holds no thread: it subscribes to the stream's group, replays what the
client missed (from its position), then relays live events, each as `id: <seq>` /
`event: <type>` / `data: <payload JSON>`. Comment lines keep idle connections alive; after the
stream's final event an `end` event is sent and the stream closes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse

from apps.realtime.stream import EventCursor


def _frame(event: dict[str, Any]) -> str:
    return f"id: {event['seq']}\nevent: {event['type']}\ndata: {json.dumps(event)}\n\n"


def position(request: HttpRequest) -> int | None:
    """Where the client is: `Last-Event-ID` (a reconnecting EventSource) or `?after=`; None
    when it is not a sequence number."""
    raw = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def event_stream(cursor: EventCursor, group: str) -> StreamingHttpResponse:
    """The stream from the cursor's position, live from `group`, as text/event-stream."""
    response = StreamingHttpResponse(_stream(cursor, group), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies must not hold frames back
    return response


async def _relay(layer: Any, channel: str, queue: asyncio.Queue) -> None:
    # The layer drops a channel whose receive() is cancelled, so one task keeps receiving
    # and the stream waits on its own queue (with heartbeat timeouts) instead.
    while True:
        queue.put_nowait(await layer.receive(channel))


async def _stream(cursor: EventCursor, group: str) -> AsyncIterator[str]:
    layer = get_channel_layer()
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
