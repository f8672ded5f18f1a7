"""Gap-free, duplicate-free delivery of one numbered event stream (an execution's) to one
client.

The client's position is the last sequence number it has. We subscribe to the live group
first, then send every stored event after the position, then live ones: a live event already
sent by the replay is dropped, and one that arrives ahead of the position (a frame lost while
Redis restarted, or published out of order by two processes) makes us read the missing ones
from storage first. Sequence numbers are given out under the stream's row lock, so every
number below a published one is committed and readable: the fill always succeeds.

The events come from the stream's `EventSource`, given by the app that owns them (the
WebSocket routes in config/routing.py, the SSE view in apps/api): this module knows no app,
and delivers events it does not build.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

REPLAY_CHUNK = 500


class EventSource(Protocol):
    """What a numbered stream needs from the app that owns its events."""

    final_event: str  # the type after which the stream is over

    def owned(self, key: Any, user: Any) -> bool:
        """Whether `user` may follow stream `key` (False for another owner's or a bad key)."""

    def stored_after(self, key: Any, after: int, upto: int | None,
                     limit: int) -> list[dict[str, Any]]:
        """Stored events numbered after `after` (and before `upto`), in order, as payloads."""


async def owned(source: EventSource, key: Any, user: Any) -> bool:
    """Whether this user may follow the stream: never an anonymous one."""
    if not getattr(user, "is_authenticated", False):
        return False
    return await database_sync_to_async(source.owned)(key, user)


class EventCursor:
    """One client's position in one stream's event sequence."""

    def __init__(self, source: EventSource, key: Any, after: int = 0) -> None:
        self.source = source
        self.key = key
        self.last = max(0, after)
        self.finished = False

    def _take(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        out = []
        for event in events:
            if event["seq"] <= self.last:
                continue
            self.last = event["seq"]
            out.append(event)
            # Finished when the newest event is the final one: a step retried after the
            # end re-opens the execution, and its later events follow that final event.
            self.finished = event["type"] == self.source.final_event
        return out

    async def catch_up(self, upto: int | None = None) -> list[dict[str, Any]]:
        """Every stored event after the position (and before `upto`), in order."""
        out: list[dict[str, Any]] = []
        while True:
            chunk = await database_sync_to_async(self.source.stored_after)(
                self.key, self.last, upto, REPLAY_CHUNK)
            if not chunk:
                break
            out.extend(self._take(chunk))
            if len(chunk) < REPLAY_CHUNK:
                break
        return out

    async def live(self, event: dict[str, Any]) -> list[dict[str, Any]]:
        """What to send for a live event: nothing if already sent, else any missing events
        read from storage, then it."""
        seq = event.get("seq")
        if not isinstance(seq, int) or seq <= self.last:
            return []
        out = await self.catch_up(upto=seq) if seq > self.last + 1 else []
        return out + self._take([event])


async def _relay(layer: Any, channel: str, queue: asyncio.Queue) -> None:
    # The layer drops a channel whose receive() is cancelled, so one task keeps receiving
    # and the follower waits on its own queue (with heartbeat timeouts) instead.
    while True:
        queue.put_nowait(await layer.receive(channel))


async def follow(cursor: EventCursor, group: str) -> AsyncIterator[dict[str, Any] | None]:
    """Every event after the cursor's position, stored then live from `group`, each once and
    in order, until the stream's final event. None when nothing came for STREAM_CATCH_UP_S
    (storage was re-read meanwhile), so the caller can keep its connection alive. Used by the
    SSE stream (apps/realtime/sse.py) and the MCP tool calls (apps/mcp_server/)."""
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group, channel)  # live first, then the replay: no gap between
    queue: asyncio.Queue = asyncio.Queue()
    relay = asyncio.create_task(_relay(layer, channel, queue))
    try:
        for event in await cursor.catch_up():
            yield event
        while not cursor.finished:
            try:
                message = await asyncio.wait_for(queue.get(), timeout=settings.STREAM_CATCH_UP_S)
            except TimeoutError:
                events = await cursor.catch_up()  # whatever pub/sub did not bring
                for event in events:
                    yield event
                if not events:
                    yield None
                continue
            payloads = message.get("payloads") or [message.get("payload") or {}]  # a batch
            for payload in payloads:
                for event in await cursor.live(payload):
                    yield event
    finally:
        relay.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await relay
        with contextlib.suppress(Exception):
            await layer.group_discard(group, channel)
