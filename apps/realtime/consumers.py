"""WebSocket endpoints: a numbered event stream with replay from `after` (an execution's), and
a channel that starts with a snapshot (a workflow's compilations). Each is given its source by
its route (config/routing.py): this module knows no app. Refusals close with a code and never
reveal whether somebody else's object exists: 4401 anonymous, 4404 not found or not yours,
4400 bad query."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from apps.realtime import fanout
from apps.realtime.stream import EventCursor, owned

CLOSE_BAD_REQUEST = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_FINISHED = 4000  # normal end: the execution finished and everything was sent


class _OwnedGroupConsumer(AsyncJsonWebsocketConsumer):
    group = ""

    def __init__(self, *, source: Any, group_for: Callable[[Any], str], **kwargs: Any) -> None:
        """Given by the route (as_asgi(source=…, group_for=…)): where the events come from,
        and the name of the group they are published on."""
        super().__init__(**kwargs)
        self.source, self.group_for = source, group_for

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels closes stale database connections before every message with a hop to a
        thread (about half the cost of delivering an event to one client). These consumers
        reach the database only through database_sync_to_async, which does that itself, so
        a live event fanned out to a hundred clients skips a hundred thread hops."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _refuse(self, code: int) -> None:
        # Accept then close so the client sees our code (a refused handshake is always 1006).
        await self.accept()
        await self.close(code=code)

    async def _join(self, group: str) -> None:
        """Follow the group through the process' one subscription to it (fanout.py)."""
        self.group = group
        await fanout.join(group, self._deliver)

    async def _deliver(self, message: dict[str, Any]) -> None:
        await self.dispatch(message)

    async def disconnect(self, code: int) -> None:
        if self.group:
            await fanout.leave(self.group, self._deliver)


class SequencedStreamConsumer(_OwnedGroupConsumer):
    """Sends a numbered stream's events (an execution's ProgressEvents) in sequence order,
    each exactly once, then closes after its final event. `?after=<seq>` resumes after what
    the client already has."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self._refuse(CLOSE_UNAUTHENTICATED)
        key = self.scope["url_route"]["kwargs"]["key"]
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        try:
            after = int((query.get("after") or ["0"])[0])
        except ValueError:
            return await self._refuse(CLOSE_BAD_REQUEST)
        if not await owned(self.source, key, user):
            return await self._refuse(CLOSE_NOT_FOUND)
        self.cursor = EventCursor(self.source, key, after)
        self.lock = asyncio.Lock()
        self.last_live = 0.0
        await self._join(self.group_for(key))  # live first, then the replay
        await self.accept()
        await self._send_all(await self.cursor.catch_up())
        self.ticker = asyncio.create_task(self._tick())
        return None

    async def realtime_event(self, message: dict[str, Any]) -> None:
        self.last_live = time.monotonic()
        async with self.lock:
            await self._live(message["payload"], message.get("text"))

    async def realtime_events(self, message: dict[str, Any]) -> None:
        """A batch: the events one commit published for this execution, in order."""
        self.last_live = time.monotonic()
        async with self.lock:
            for payload, text in zip(message["payloads"], message["texts"], strict=True):
                if self.cursor.finished:  # closed after the final event
                    break
                await self._live(payload, text)

    async def _live(self, payload: dict[str, Any], text: str | None) -> None:
        events = await self.cursor.live(payload)
        in_order = len(events) == 1 and events[0] is payload
        await self._send_all(events, text=text if in_order else None)

    async def _tick(self) -> None:
        """Every few seconds, read what the database has that pub/sub did not bring (Redis
        restarted, a frame dropped): nothing is lost while a stream is open. Not while live
        events keep coming: a gap among them is filled on arrival, and a dropped last one is
        found by the first tick after they stop (a hundred followers of a busy execution
        would otherwise query for nothing)."""
        while True:
            await asyncio.sleep(settings.STREAM_CATCH_UP_S)
            if time.monotonic() - self.last_live < settings.STREAM_CATCH_UP_S:
                continue
            async with self.lock:
                await self._send_all(await self.cursor.catch_up())

    async def _send_all(self, events: list[dict[str, Any]], text: str | None = None) -> None:
        """`text`: the publisher's JSON of the one live event, sent as is."""
        if text is not None:
            await self.send(text_data=text)
        else:
            for event in events:
                await self.send_json(event)
        if self.cursor.finished:
            await self.close(code=CLOSE_FINISHED)

    async def disconnect(self, code: int) -> None:
        ticker = getattr(self, "ticker", None)
        if ticker is not None and ticker is not asyncio.current_task():
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
        await super().disconnect(code)


class SnapshotStreamConsumer(_OwnedGroupConsumer):
    """The channel's current state on connect (a workflow's latest CompilationResult, from its
    source's `snapshot(key, user)`: None refuses), then its live events as published."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return await self._refuse(CLOSE_UNAUTHENTICATED)
        key = self.scope["url_route"]["kwargs"]["key"]
        await self._join(self.group_for(key))  # live first, then the state: nothing between
        state = await database_sync_to_async(self.source.snapshot)(key, user)
        if state is None:
            await fanout.leave(self.group, self._deliver)
            self.group = ""
            return await self._refuse(CLOSE_NOT_FOUND)
        await self.accept()
        await self.send_json(state)
        return None

    async def realtime_event(self, message: dict[str, Any]) -> None:
        if "text" in message:
            await self.send(text_data=message["text"])
        else:
            await self.send_json(message["payload"])

    async def realtime_events(self, message: dict[str, Any]) -> None:
        for text in message["texts"]:
            await self.send(text_data=text)
