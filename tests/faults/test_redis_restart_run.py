"""Redis (broker and pub/sub) stopped and restarted in the middle of an execution: a private
Redis started by the test carries a worker's queue and daphne's channel layer. The execution
finishes, the stored story has no gap, and a client connected throughout gets every event."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from asgiref.sync import sync_to_async
from knox.models import AuthToken

from apps.executions.models import Execution, ExecutionEvent, LogLine, StepRun
from tests.executions.helpers import py_node
from tests.faults.streams import follow_ws
from tests.workers import DaphneProcess, PrivateRedis, WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow, pytest.mark.asyncio]


def _ticks(count: int) -> str:
    return (f"import time\ndef run(inputs, ctx):\n    for i in range({count}):\n"
            f"        print(f'tick {{i}}')\n        time.sleep(0.1)\n    return {count}\n")


def _step_status(execution_id: str, step_id: str) -> str:
    return StepRun.objects.get(execution_id=execution_id, step_id=step_id).status


async def test_execution_and_stream_survive_a_redis_restart(user, worker, tmp_path):
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {"REDIS_URL": redis.url}
    await sync_to_async(worker.stop)()  # only the private stack may pick this execution up
    private_worker = WorkerProcess(tmp_path, name="wr", beat=True, env=env)
    daphne = DaphneProcess(tmp_path, env=env)
    try:
        await sync_to_async(private_worker.start)()
        await sync_to_async(daphne.start)()
        token = await sync_to_async(
            lambda: AuthToken.objects.create(user=user, expiry=None)[1])()
        async with httpx.AsyncClient(base_url=daphne.url,
                                     headers={"Authorization": f"Token {token}"}) as api:
            definition = {"name": "redis-restart", "output": "{{ steps.b.output }}",
                          "nodes": [py_node("a", _ticks(30)), py_node("b", _ticks(20))],
                          "edges": [{"id": "e", "source": "a", "target": "b"}]}
            workflow = (await api.post("/api/v1/workflows/",
                                       json={"definition": definition})).json()
            started = await api.post(f"/api/v1/workflows/{workflow['id']}/executions/",
                                     json={"inputs": {}})
            execution_id = started.json()["execution_id"]

        received: list[dict] = []
        follower = asyncio.create_task(
            follow_ws(daphne.url, execution_id, token, received, time.monotonic() + 150))
        while not any(e["type"] == "logs" for e in received):
            await asyncio.sleep(0.1)
        await sync_to_async(redis.kill)()  # queue, unacked messages and subscriptions gone
        deadline = time.monotonic() + 30
        while await sync_to_async(_step_status)(execution_id, "a") == "running":
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        await asyncio.sleep(1)  # a finished while Redis was down: b's message could not go
        await sync_to_async(redis.start)()
        await asyncio.wait_for(follower, 150)
    finally:
        await sync_to_async(daphne.stop)()
        await sync_to_async(private_worker.stop)()
        await sync_to_async(worker.start)()
        if redis.proc is not None and redis.proc.poll() is None:
            redis.kill()

    execution = await sync_to_async(Execution.objects.get)(pk=execution_id)
    assert execution.status == "succeeded" and execution.output == 20
    stored = await sync_to_async(lambda: list(
        ExecutionEvent.objects.filter(execution_id=execution_id).order_by("seq")
        .values_list("seq", flat=True)))()
    assert stored == list(range(1, len(stored) + 1))
    assert [e["seq"] for e in received] == stored
    assert received[-1]["type"] == "execution_completed"
    lines = [line["message"] for e in received if e["type"] == "logs"
             for line in e["data"]["lines"]]
    assert lines == [f"tick {i}" for i in range(30)] + [f"tick {i}" for i in range(20)]
    assert await sync_to_async(LogLine.objects.filter(execution_id=execution_id).count)() == 50
