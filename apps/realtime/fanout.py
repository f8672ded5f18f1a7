"""One subscription per group per web process, fanned out to the process' own sockets.

Channels gives every connected socket a channel of its own in the group: an event followed by
a hundred sockets of one process is a hundred queue puts, a hundred consumer tasks woken (each
through `await_many_dispatch`'s `asyncio.wait`), a hundred dispatches, before the first byte
is written. Measured with py-spy on the 1 execution × 100 clients case of
bench/stream_bench.py, that dispatch was about 60 % of daphne's time per delivered event,
writing the frames the other 40 %. Here the process joins the group once; its one listener
hands each message to every member in turn, in the order the group received them, by a plain
call. Cross-process delivery stays channels-redis' (the publish side, apps/realtime/
broadcast.py, is unchanged)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

Member = Callable[[dict[str, Any]], Awaitable[None]]


class _Group:
    def __init__(self) -> None:
        self.members: list[Member] = []
        self.channel = ""
        self.ready = asyncio.Event()  # subscribed: live events reach the members
        self.listener: asyncio.Task[None] | None = None


# By event loop and group: a process serves its sockets from one loop (tests may run several
# loops one after another).
_GROUPS: dict[tuple[asyncio.AbstractEventLoop, str], _Group] = {}


async def join(group: str, member: Member) -> None:
    """Hand every message published on `group` from now on to `member`; returns once the
    subscription is live (a follower subscribes first, then replays storage: no gap)."""
    key = (asyncio.get_running_loop(), group)
    entry = _GROUPS.get(key)
    if entry is None:
        entry = _GROUPS[key] = _Group()
        entry.listener = asyncio.create_task(_listen(group, entry))
    entry.members.append(member)
    await entry.ready.wait()


async def leave(group: str, member: Member) -> None:
    """Stop handing `group`'s messages to `member`; the last member's leaving unsubscribes."""
    key = (asyncio.get_running_loop(), group)
    entry = _GROUPS.get(key)
    if entry is None:
        return
    with contextlib.suppress(ValueError):
        entry.members.remove(member)
    if entry.members:
        return
    del _GROUPS[key]
    if entry.listener is not None:
        entry.listener.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await entry.listener
    if entry.channel:
        with contextlib.suppress(Exception):
            await get_channel_layer().group_discard(group, entry.channel)


async def _listen(group: str, entry: _Group) -> None:
    layer = get_channel_layer()
    try:
        entry.channel = await layer.new_channel()
        await layer.group_add(group, entry.channel)
    finally:
        entry.ready.set()  # subscribed, or not (Redis away): followers replay from storage
    while True:
        try:
            message = await layer.receive(entry.channel)
        except asyncio.CancelledError:
            raise
        except Exception:  # the layer reconnects; storage fills what was missed meanwhile
            logger.warning("receiving %s from the channel layer failed", group, exc_info=True)
            await asyncio.sleep(0.5)
            continue
        for member in list(entry.members):
            try:
                await member(message)
            except Exception:  # one socket's failure is not the others'
                logger.warning("delivering a %s message to a socket failed", group,
                               exc_info=True)
