"""Many sockets of one web process following one execution share one subscription to its
group (apps/realtime/fanout.py): each event is received from Redis once by the process and
reaches every socket once, in order; the last socket to leave unsubscribes."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import redis.asyncio as aioredis
import websockets
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from knox.models import AuthToken

from apps.realtime import broadcast, fanout
from apps.realtime.groups import group_for_execution
from tests.factories import make_execution
from tests.realtime.conftest import record_events

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.asyncio]
SOCKETS = 5


async def _subscribers(group: str) -> int:
    prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
    client = aioredis.Redis.from_url(settings.REDIS_URL)
    try:
        ((_, count),) = await client.pubsub_numsub(f"{prefix}__group__{group}")
        return int(count)
    finally:
        await client.aclose()


async def test_sockets_of_one_process_share_one_subscription(daphne, user):
    # given five sockets of one daphne process following one execution
    execution = await sync_to_async(make_execution)(owner=user)
    token = await sync_to_async(lambda: AuthToken.objects.create(user=user, expiry=None)[1])()
    url = f"{daphne.url.replace('http', 'ws')}/ws/executions/{execution.pk}/"
    group = group_for_execution(execution.pk)
    sockets = [await websockets.connect(url, origin=daphne.url, additional_headers={
        "Authorization": f"Token {token}"}) for _ in range(SOCKETS)]
    try:
        # then the process subscribed to the group once
        assert await _subscribers(group) == 1
        # when a commit publishes three events
        await sync_to_async(record_events)(execution.pk, ("step_queued", {}),
                                           ("step_started", {}), ("step_completed", {}))
        # then each socket receives each event once, in order
        for socket in sockets:
            seqs = [json.loads(await asyncio.wait_for(socket.recv(), 10))["seq"]
                    for _ in range(3)]
            assert seqs == [1, 2, 3]
    finally:
        for socket in sockets:
            await socket.close()
    # and the last one to leave unsubscribed the process
    for _ in range(50):
        if await _subscribers(group) == 0:
            break
        await asyncio.sleep(0.1)
    assert await _subscribers(group) == 0


async def test_the_process_joins_a_group_once_and_hands_each_message_to_every_member(
        monkeypatch):
    # given five members of one group in this process (the real Redis channel layer)
    layer = get_channel_layer()
    made: list[str] = []
    new_channel = layer.new_channel

    async def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(await new_channel(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(layer, "new_channel", counted)
    group = f"execution.fanout-{uuid.uuid4().hex[:8]}"
    got: dict[int, list[int]] = {i: [] for i in range(SOCKETS)}

    def member(i: int):  # type: ignore[no-untyped-def]
        async def deliver(message: dict) -> None:
            got[i].append(message["payload"]["seq"])
        return deliver

    members = [member(i) for i in range(SOCKETS)]
    for deliver in members:
        await fanout.join(group, deliver)
    # when three events are published one by one
    for seq in (1, 2, 3):
        await sync_to_async(broadcast.publish)(group, {"seq": seq})
    for _ in range(100):
        if all(len(seqs) == 3 for seqs in got.values()):
            break
        await asyncio.sleep(0.05)
    # then the process made one channel for the group, and each member got each event once
    assert len(made) == 1
    assert got == {i: [1, 2, 3] for i in range(SOCKETS)}
    # and once every member has left, nothing is delivered and the group is gone
    for deliver in members:
        await fanout.leave(group, deliver)
    await sync_to_async(broadcast.publish)(group, {"seq": 4})
    await asyncio.sleep(0.3)
    assert got == {i: [1, 2, 3] for i in range(SOCKETS)}
    assert not any(name == group for _, name in fanout._GROUPS)  # noqa: SLF001
