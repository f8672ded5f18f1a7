"""Live-update figures (docs/architecture.md, "Figures"): event latency from the moment a worker publishes to a
WebSocket client receiving it, p50/p99, with 1 and with 50 executions emitting and 100
clients connected; the raw Redis PUBLISH → subscriber latency in the same run as the floor;
log throughput from one real step to one client.

    .venv/bin/python bench/stream_bench.py [--clients 100] [--lines 50000]

Starts daphne and an engine worker against DATABASE_URL (default: a fresh SQLite file).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import threading
import time
import uuid

import common  # sets Django up: before any app import

stop = common.stop

import redis.asyncio as aioredis  # noqa: E402
import websockets  # noqa: E402
from django.conf import settings  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from apps.executions import events  # noqa: E402
from apps.executions.engine.unit import Unit  # noqa: E402
from apps.executions.models import Execution, StepRun  # noqa: E402
from apps.executions.services import execution_start  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402


async def raw_redis_latency(samples: int = 2000) -> list[float]:
    client = aioredis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub()
    channel = f"bench:{uuid.uuid4().hex}"
    await pubsub.subscribe(channel)
    await asyncio.sleep(0.2)
    latencies: list[float] = []

    async def reader() -> None:
        async for message in pubsub.listen():
            if message["type"] == "message":
                latencies.append((time.time() - float(message["data"])) * 1000)
                if len(latencies) >= samples:
                    return

    task = asyncio.create_task(reader())
    for _ in range(samples):
        await client.publish(channel, repr(time.time()))
        await asyncio.sleep(0.001)
    await asyncio.wait_for(task, 30)
    await pubsub.aclose()
    await client.aclose()
    return latencies


def emitter(execution_ids: list, per_execution: int, rate_hz: float) -> None:
    """What a worker does: store and publish events (through the catalogue's metrics())."""
    for _ in range(per_execution):
        began = time.monotonic()
        for execution_id in execution_ids:
            with Unit() as unit:  # one commit each, as a running step's live metrics are
                events.metrics(unit, execution_id, "bench", samples=[{"sent_at": time.time()}])
        time.sleep(max(0.0, 1 / rate_hz - (time.monotonic() - began)))


async def ws_latency(base: str, token: str, execution_ids: list, clients: int,
                     per_execution: int, rate_hz: float) -> list[float]:
    latencies: list[float] = []
    ready = asyncio.Event()
    connected = 0

    async def client(execution_id: str) -> None:
        nonlocal connected
        url = f"{base.replace('http', 'ws')}/ws/executions/{execution_id}/"
        async with websockets.connect(url, origin=base, additional_headers={
                "Authorization": f"Token {token}"}, max_queue=None) as socket:
            connected += 1
            if connected == clients:
                ready.set()
            received = 0
            while received < per_execution:
                event = json.loads(await socket.recv())
                sample = (event["data"].get("samples") or [{}])[0]
                if "sent_at" in sample:
                    latencies.append((time.time() - sample["sent_at"]) * 1000)
                    received += 1

    tasks = [asyncio.create_task(client(str(execution_ids[i % len(execution_ids)])))
             for i in range(clients)]
    await asyncio.wait_for(ready.wait(), 60)
    await asyncio.sleep(1)  # subscriptions live
    thread = threading.Thread(target=emitter, args=(execution_ids, per_execution, rate_hz))
    thread.start()
    await asyncio.wait_for(asyncio.gather(*tasks), 300)
    thread.join()
    return latencies


async def log_throughput(base: str, token: str, workflow, user, lines: int) -> tuple[
        float, int]:
    execution = await asyncio.to_thread(execution_start, workflow=workflow, owner=user,
                                        inputs={})
    url = f"{base.replace('http', 'ws')}/ws/executions/{execution.pk}/"
    got: list[int] = []
    first = last = 0.0
    async with websockets.connect(url, origin=base, additional_headers={
            "Authorization": f"Token {token}"}, max_queue=None) as socket:
        try:
            async for message in socket:
                event = json.loads(message)
                if event["type"] == "logs":
                    if not got:
                        first = time.monotonic()
                    got.extend(int(line["message"]) for line in event["data"]["lines"])
                    last = time.monotonic()
        except websockets.ConnectionClosed:
            pass
    lost = lines - len(set(got))
    return len(got) / max(last - first, 1e-6), lost


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--lines", type=int, default=50_000)
    args = parser.parse_args()
    user = common.bench_user(max_concurrent=1000)
    token = AuthToken.objects.create(user=user, expiry=None)[1]
    wf = workflow_services.workflow_create(owner=user, slug="chatty", definition={
        "name": "chatty", "nodes": [{"id": "p", "type": "python", "data": {
            "timeout_seconds": 120, "config": {"code": (
                f"def run(inputs, ctx):\n    for i in range({args.lines}):\n"
                "        print(i)\n    return 1\n")}}}], "edges": []})
    rows: list[tuple[str, str, str]] = []
    daphne, base = common.start_daphne()
    worker = common.start_worker("config", "engine", ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE])
    try:
        floor = asyncio.run(raw_redis_latency())
        rows.append(("raw Redis PUBLISH → subscriber (floor)",
                     f"p50 {common.percentile(floor, .5):.2f} ms",
                     f"p99 {common.percentile(floor, .99):.2f} ms, {len(floor)} messages"))
        for running in (1, 50):
            ids = []
            for _ in range(running):
                execution = Execution.objects.create(
                    owner=user, workflow=wf, compilation=wf.latest_compilation,
                    status="running")
                StepRun.objects.create(execution=execution, step_id="p", step_type="python")
                ids.append(execution.pk)
            per_execution = 200 if running == 1 else 100  # 20,000 and 10,000 deliveries
            latencies = asyncio.run(ws_latency(base, token, ids, args.clients, per_execution,
                                               rate_hz=10))
            rows.append((f"event → WebSocket, {running} executions, {args.clients} clients",
                         f"p50 {common.percentile(latencies, .5):.1f} ms",
                         f"p99 {common.percentile(latencies, .99):.1f} ms over "
                         f"{len(latencies)} deliveries (target p99 ≤ 25 ms)"))
        rate, lost = asyncio.run(log_throughput(base, token, wf, user, args.lines))
        rows.append((f"log lines, one step → one client ({args.lines})",
                     f"{rate:,.0f} lines/s", f"lost {lost} (target ≥ 25,000 lines/s, none "
                                             "lost)"))
    finally:
        stop(worker, daphne)
    common.print_table("Live updates benchmark", rows)


if __name__ == "__main__":
    main()
