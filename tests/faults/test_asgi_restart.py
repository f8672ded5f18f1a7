"""The ASGI server restarted while clients follow an execution (docs/operations.md, "Faults"): each client
reconnects from the last sequence it has and ends with every event exactly once, in order."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from asgiref.sync import sync_to_async
from knox.models import AuthToken

from apps.executions.models import ExecutionEvent, LogLine
from tests.executions.helpers import py_node
from tests.faults.streams import follow_sse, follow_ws

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.asyncio]

TICKS = ("import time\ndef run(inputs, ctx):\n    for i in range(80):\n"
         "        print(f'tick {i}')\n        time.sleep(0.1)\n    return 80\n")


async def test_clients_reconnect_across_an_asgi_restart_and_miss_nothing(user, worker, daphne):
    token = await sync_to_async(lambda: AuthToken.objects.create(user=user, expiry=None)[1])()
    headers = {"Authorization": f"Token {token}"}
    async with httpx.AsyncClient(base_url=daphne.url, headers=headers) as api:
        workflow = (await api.post("/api/v1/workflows/", json={"definition": {
            "name": "asgi-restart", "nodes": [py_node("work", TICKS)], "edges": []}})).json()
        started = await api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                                 json={"inputs": {}})
        execution_id = started.json()["execution_id"]

    deadline = time.monotonic() + 120
    streams: list[list[dict]] = [[], [], []]
    followers = [
        asyncio.create_task(follow_ws(daphne.url, execution_id, token, streams[0], deadline)),
        asyncio.create_task(follow_ws(daphne.url, execution_id, token, streams[1], deadline)),
        asyncio.create_task(follow_sse(daphne.url, execution_id, token, streams[2], deadline)),
    ]
    while not all(any(e["type"] == "logs" for e in stream) for stream in streams):
        assert time.monotonic() < deadline, [len(s) for s in streams]
        await asyncio.sleep(0.1)
    await sync_to_async(daphne.stop)()  # SIGTERM: every open connection drops
    await asyncio.sleep(1)  # events keep being stored while nobody listens
    await sync_to_async(daphne.start)()
    reconnects = await asyncio.gather(*followers)

    stored = await sync_to_async(lambda: list(
        ExecutionEvent.objects.filter(execution_id=execution_id).order_by("seq")
        .values_list("seq", flat=True)))()
    assert stored == list(range(1, len(stored) + 1))
    for stream, times in zip(streams, reconnects, strict=True):
        assert times >= 1  # each really lost its connection
        assert [e["seq"] for e in stream] == stored
        assert stream[-1]["type"] == "execution_completed"
        lines = [line["message"] for e in stream if e["type"] == "logs"
                 for line in e["data"]["lines"]]
        assert lines == [f"tick {i}" for i in range(80)]
    assert await sync_to_async(LogLine.objects.filter(execution_id=execution_id).count)() == 80
