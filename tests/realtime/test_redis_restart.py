"""Redis restarted mid-stream: the pub/sub bridge reconnects by itself and the client gets
what was published while Redis was down from the stored events, in order, once."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from apps.realtime import broadcast
from config.asgi import application
from tests.factories import make_execution
from tests.realtime.conftest import ORIGIN, emit, token_header
from tests.workers import PrivateRedis

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio, pytest.mark.slow]


@pytest.fixture
def private_redis(tmp_path):  # type: ignore[no-untyped-def]
    server = PrivateRedis(tmp_path)
    server.start()
    layers = {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                          "CONFIG": {"hosts": [server.url]}}}
    with override_settings(CHANNEL_LAYERS=layers, STREAM_CATCH_UP_S=60):
        channel_layers.backends.clear()
        broadcast.reset_client()
        yield server
    channel_layers.backends.clear()
    broadcast.reset_client()
    if server.proc and server.proc.poll() is None:
        server.kill()


async def test_stream_survives_a_redis_restart(user, private_redis):
    execution = await sync_to_async(make_execution)(owner=user)
    header = await sync_to_async(token_header)(user)
    communicator = WebsocketCommunicator(application, f"/ws/executions/{execution.pk}/",
                                         headers=[ORIGIN, header])
    assert (await communicator.connect(timeout=10))[0]
    await asyncio.sleep(0.3)
    await emit(execution.pk, "execution_started")
    assert (await communicator.receive_json_from(10))["seq"] == 1

    await sync_to_async(private_redis.kill)()
    await emit(execution.pk, "step_started")  # stored; the publish fails and is logged
    await emit(execution.pk, "metrics")
    await sync_to_async(private_redis.start)()
    await asyncio.sleep(2.5)  # the layer's receive loop retries every second
    # The next live event comes through the reconnected subscription; the two published
    # while Redis was down are read from storage first (the catch-up timer is 60 s here).
    await emit(execution.pk, "step_completed")
    received = [await communicator.receive_json_from(10) for _ in range(3)]
    assert [e["seq"] for e in received] == [2, 3, 4]
    await emit(execution.pk, "execution_completed", status="succeeded")
    final = json.loads((await communicator.receive_output(10))["text"])
    assert final["seq"] == 5
    assert (await communicator.receive_output(10)) == {"type": "websocket.close", "code": 4000}
