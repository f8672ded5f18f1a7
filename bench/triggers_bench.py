"""Trigger figures: how late schedules start (fire time → first step running, with many
schedules firing at once), and webhooks (delivery → first step running; deliveries per
second on one web process, against a bare Django view answering 202 on the same server).

    .venv/bin/python bench/triggers_bench.py [--schedules 100] [--every 10] [--seconds 300]

Starts a worker with beat (the scheduler tick) and one daphne, on the broker at REDIS_URL and
the database at DATABASE_URL (default: a fresh SQLite file)."""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from datetime import datetime

import common  # sets Django up: before any app import
import httpx  # noqa: E402
from django.db.models import Min  # noqa: E402

from apps.executions.models import Execution, StepRun  # noqa: E402
from apps.triggers.models import Schedule  # noqa: E402
from apps.triggers.services.hooks import hook_rotate  # noqa: E402
from apps.triggers.services.schedules import schedule_create  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402

DEFINITION = {"name": "triggered", "nodes": [
    {"id": "t", "type": "transform", "data": {"config": {"value": "{{ inputs }}"}}}],
    "edges": []}


def first_step_started(execution_ids: list) -> dict:
    return dict(StepRun.objects.filter(execution_id__in=execution_ids).values(
        "execution_id").annotate(first=Min("started_at")).values_list("execution_id", "first"))


def schedule_lateness(user, count: int, every: int, seconds: int) -> list[float]:  # type: ignore[no-untyped-def]
    workflow = workflow_services.workflow_create(owner=user, definition=DEFINITION,
                                                 slug="scheduled-bench")
    for i in range(count):
        schedule_create(workflow=workflow, interval_seconds=every, name=f"s{i}")
    time.sleep(seconds)
    Schedule.objects.filter(workflow=workflow).update(enabled=False)
    time.sleep(3)
    runs = list(Execution.objects.filter(workflow=workflow).values_list("pk", "source"))
    started = first_step_started([pk for pk, _ in runs])
    return [(started[pk] - datetime.fromisoformat(source["schedule"]["fire_time"]))
            .total_seconds() * 1000 for pk, source in runs if started.get(pk)]


async def deliveries(url: str, headers: dict, total: int, concurrency: int,
                     body: dict) -> tuple[float, list[tuple[float, str]]]:
    sent: list[tuple[float, str]] = []
    async with httpx.AsyncClient(timeout=30) as client:
        queue = asyncio.Queue()
        for _ in range(total):
            queue.put_nowait(None)

        async def one() -> None:
            while not queue.empty():
                queue.get_nowait()
                at = time.time()
                response = await client.post(url, json=body, headers=headers)
                assert response.status_code == 202, response.text
                sent.append((at, response.json().get("execution_id", "")))

        began = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(concurrency)))
        return total / (time.perf_counter() - began), sent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schedules", type=int, default=100)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--deliveries", type=int, default=500)
    args = parser.parse_args()
    user = common.bench_user(max_concurrent=10_000)
    worker = common.start_worker("config", "worker", ["-B", "-s", str(common.TMP / "beat")])
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.raw_settings"
    daphne, base = common.start_daphne()
    try:
        late = schedule_lateness(user, args.schedules, args.every, args.seconds)
        workflow = workflow_services.workflow_create(owner=user, definition=DEFINITION,
                                                     slug="hooked-bench")
        hook, secret = hook_rotate(workflow=workflow)
        auth = {"Authorization": f"Bearer {secret}"}
        one_rate, sent = asyncio.run(deliveries(f"{base}/hooks/{hook.pk}/", auth, 200, 1,
                                                {"n": 1}))
        time.sleep(3)
        started = {str(pk): at for pk, at in first_step_started([pk for _, pk in sent]).items()}
        to_step = [(started[pk].timestamp() - at) * 1000 for at, pk in sent if started.get(pk)]
        hook_rate, _ = asyncio.run(deliveries(f"{base}/hooks/{hook.pk}/", auth,
                                              args.deliveries, 8, {"n": 2}))
        raw_rate, _ = asyncio.run(deliveries(f"{base}/raw-202/", {}, args.deliveries, 8, {}))
    finally:
        common.stop(daphne, worker)
    p = common.percentile
    common.print_table("Triggers benchmark", [
        (f"schedule fire time → first step ({args.schedules} × every {args.every} s)",
         f"p50 {p(late, .5):.0f} ms", f"p99 {p(late, .99):.0f} ms over {len(late)} runs in "
         f"{args.seconds} s (the tick runs every second)"),
        ("webhook delivery → first step running", f"p50 {p(to_step, .5):.1f} ms",
         f"p99 {p(to_step, .99):.1f} ms over {len(to_step)} deliveries, one at a time"),
        ("webhook deliveries/s, one web process", f"{hook_rate:,.0f} /s",
         f"{args.deliveries} deliveries, 8 concurrent clients; each stores an execution"),
        ("bare Django view answering 202, same process", f"{raw_rate:,.0f} /s",
         "the baseline, same clients"),
        ("webhook deliveries/s, one client", f"{one_rate:,.0f} /s", "sequential"),
    ])


if __name__ == "__main__":
    main()
