"""Server-Sent Events: a numbered stream (an execution's, for GET
/api/v1/executions/{id}/events/, whose view in apps/api checks who asks) as an async response,
so an open stream holds no thread: it subscribes to the stream's group, replays what the
client missed (from its position), then relays live events, each as `id: <seq>` /
`event: <type>` / `data: <payload JSON>`. Comment lines keep idle connections alive; after the
stream's final event an `end` event is sent and the stream closes.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse

from apps.realtime.stream import EventCursor, follow


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


async def _stream(cursor: EventCursor, group: str) -> AsyncIterator[str]:
    yield f"retry: {settings.SSE_RETRY_MS}\n\n"
    async with contextlib.aclosing(follow(cursor, group)) as events:  # unsubscribes on hang-up
        async for event in events:
            yield ": keep-alive\n\n" if event is None else _frame(event)
    yield f"event: end\ndata: {json.dumps({'last_event_id': cursor.last})}\n\n"
