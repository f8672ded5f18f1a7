"""Engine figures against a raw Celery baseline measured in the same run (docs/architecture.md, "Figures").

    .venv/bin/python bench/engine_bench.py [--concurrent 1000] [--rounds 3]

Starts its own workers (prefork -c 2: the engine's, and a bare Celery app's) on the broker at
REDIS_URL and the database at DATABASE_URL (default: a fresh SQLite file), then prints a table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
import uuid
from pathlib import Path

import common  # sets Django up: before any app import

print_table, start_worker, stop = common.print_table, common.start_worker, common.stop

import psutil  # noqa: E402
import redis  # noqa: E402
from celery import chain  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from apps.executions.engine.scope import owner_snapshot  # noqa: E402
from apps.executions.models import TERMINAL_EXECUTION, Execution, StepRun  # noqa: E402
from apps.executions.services import attempts, execution_start  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402
from bench import raw_celery  # noqa: E402
from bench.breakdown import Breakdown  # noqa: E402
from bench.roundtrips import counting  # noqa: E402
from config.celery_app import app as celery_app  # noqa: E402
from worker.sandbox import Sandbox  # noqa: E402


def tree_rss_mb(proc: subprocess.Popen[bytes]) -> float:
    root = psutil.Process(proc.pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)]) / 1_048_576


def wait_all(ids: list, timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while Execution.objects.filter(pk__in=ids).exclude(
            status__in=list(TERMINAL_EXECUTION)).exists():
        if time.monotonic() > deadline:
            raise RuntimeError("executions did not finish in time")
        time.sleep(0.05)


def transform_chain(n: int) -> dict:
    nodes = [{"id": f"s{i}", "type": "transform",
              "data": {"config": {"value": i}}} for i in range(n)]
    edges = [{"source": f"s{i}", "target": f"s{i + 1}"} for i in range(n - 1)]
    return {"name": f"chain{n}", "nodes": nodes, "edges": edges}


def raw_hop_ms(hops: int) -> float:
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"bench:{uuid.uuid4().hex}"
    started = time.time()
    chain(*[raw_celery.hop.si(i, hops - 1, key) for i in range(hops)]).apply_async()
    while not client.get(key):
        time.sleep(0.005)
    return (float(client.get(key)) - started) / hops * 1000


def raw_rate(count: int) -> tuple[float, Breakdown]:
    """Tasks/s of a bare Celery worker draining `count` queued no-op tasks, and where its
    CPU went."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"bench:{uuid.uuid4().hex}"
    for _ in range(count):
        raw_celery.tick.delay(key)
    worker, name = common.start_idle_worker("bench.raw_celery", "raw-rate")
    where = Breakdown()
    try:
        where.snapshot(worker.pid)
        common.consume(raw_celery.app, name, os.environ["RAW_QUEUE"])
        deadline = time.monotonic() + 600
        while int(client.get(key) or 0) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        where.finish()
        first, last = float(client.get(f"{key}:first")), float(client.get(f"{key}:last"))
    finally:
        stop(worker)
    return count / (last - first), where


def python_claim_and_commit(user, runs: int = 40) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """A python step's claim and commit through the worker's doors, in this process (no
    worker runs meanwhile: nothing else takes the steps): database calls, network round
    trips and time of each, for a step that queues a successor and for one that ends the
    execution. The step's own code is not run: what is left is the engine's part."""
    code = "def run(i, c):\n    return 1\n"
    node = {"type": "python", "data": {"timeout_seconds": 10, "config": {"code": code}}}
    wf = workflow_services.workflow_create(owner=user, slug="py2", definition={
        "name": "py2", "nodes": [{"id": "a", **node}, {"id": "b", **node}],
        "edges": [{"source": "a", "target": "b"}], "output": "{{ steps.b.output }}"})
    seen: dict[str, list[tuple[int, int, float]]] = {}
    for _ in range(runs):
        execution = execution_start(workflow=wf, owner=user, inputs={})
        owner_snapshot(execution)  # a warm worker has its owner's settings
        for step_id in ("a", "b"):
            ref = attempts.StepRef(str(execution.pk), step_id, "python", execution.code_sha256)
            began = time.perf_counter()
            with counting(connection) as claimed:
                claim = attempts.attempt_claim(ref, worker="bench:1")
            middle = time.perf_counter()
            with counting(connection) as committed:
                attempts.attempt_commit(claim, attempts.Outcome("succeeded", output=1))
            ended = time.perf_counter()
            seen.setdefault(f"{step_id}:claim", []).append(
                (claimed.calls, claimed.waits or 0, (middle - began) * 1000))
            seen.setdefault(f"{step_id}:commit", []).append(
                (committed.calls, committed.waits or 0, (ended - middle) * 1000))

    def cell(key: str) -> str:
        calls, waits, ms = (statistics.median(v[i] for v in seen[key]) for i in range(3))
        wire = f", {waits:.0f} on the wire" if connection.vendor == "postgresql" else ""
        return f"{calls:.0f} calls{wire}, {ms:.2f} ms"

    return [("python step: claim / commit, queueing a successor",
             f"{cell('a:claim')} / {cell('a:commit')}",
             f"median of {runs}, in-process (target: 2 calls each; on the wire psycopg's "
             f"BEGIN is one more)"),
            ("python step: claim / commit, ending the execution",
             f"{cell('b:claim')} / {cell('b:commit')}",
             "the commit also renders the output, closes the execution and asks whether a "
             "queued run can take the slot, in the same calls")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chain", type=int, default=200)
    parser.add_argument("--concurrent", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    user = common.bench_user(max_concurrent=10000)
    rows: list[tuple[str, str, str]] = []
    engine = start_worker("config", "engine", ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE])
    raw = start_worker("bench.raw_celery", "raw", ["-Q", os.environ["RAW_QUEUE"]])
    try:
        raw_ms = statistics.median(raw_hop_ms(args.chain) for _ in range(3))
        wf = workflow_services.workflow_create(owner=user, definition=transform_chain(args.chain),
                                               slug="chain")
        per_step = []
        for _ in range(3):
            execution = execution_start(workflow=wf, owner=user, inputs={})
            wait_all([execution.pk])
            execution.refresh_from_db()
            per_step.append((execution.finished_at - execution.started_at).total_seconds()
                            * 1000 / args.chain)
        engine_ms = statistics.median(per_step)
        rows.append((f"step hop, chain of {args.chain} transforms", f"{engine_ms:.2f} ms",
                     f"raw Celery hop {raw_ms:.2f} ms → {engine_ms / raw_ms:.1f}× (target ≤ 1.5×)"))

        sandbox = Sandbox(network=False)
        noop = {"code": "def run(i, c):\n    return 1\n", "step_id": "b", "limits": {}}
        sandbox.run(noop, timeout_s=10, on_log=lambda *a: None)
        samples = []
        for _ in range(50):
            began = time.perf_counter()
            sandbox.run(noop, timeout_s=10, on_log=lambda *a: None)
            samples.append((time.perf_counter() - began) * 1000)
        sandbox.close()
        rows.append(("isolated python step, sandbox round trip", f"{statistics.median(samples):.1f} ms",
                     f"p95 {sorted(samples)[47]:.1f} ms (back to back: each waits for the last one's clean-up)"))
        py = workflow_services.workflow_create(owner=user, slug="py", definition={
            "name": "py", "nodes": [{"id": "p", "type": "python", "data": {
                "timeout_seconds": 10, "config": {"code": "def run(i, c):\n    return 1\n"}}}],
            "edges": []})
        latencies, step_ms = [], []
        for _ in range(20):
            began = time.time()
            execution = execution_start(workflow=py, owner=user, inputs={})
            wait_all([execution.pk])
            step = StepRun.objects.get(execution=execution)
            latencies.append((step.started_at.timestamp() - began) * 1000)
            step_ms.append(step.duration_ms)
        rows.append(("python step, claim → result committed", f"{statistics.median(step_ms):.1f} ms",
                     "a step that returns at once: all of it is overhead (target ≤ 15 ms over "
                     "the step's own run time)"))
        rows.append(("start call → first step running", f"{statistics.median(latencies):.1f} ms",
                     f"p95 {sorted(latencies)[18]:.1f} ms (target ≤ 25 ms)"))

        five = workflow_services.workflow_create(owner=user, slug="five",
                                                 definition=transform_chain(5))
        rss_before = tree_rss_mb(engine)
        began = time.time()
        ids = [execution_start(workflow=five, owner=user, inputs={}).pk
               for _ in range(args.concurrent)]
        wait_all(ids)
        wall = time.time() - began
        steps = args.concurrent * 5
        statuses = set(Execution.objects.filter(pk__in=ids).values_list("status", flat=True))
        rows.append((f"{args.concurrent} concurrent 5-step executions",
                     f"{steps / wall:.0f} steps/s",
                     f"wall {wall:.1f} s (this process starting them meanwhile), statuses "
                     f"{sorted(statuses)}, worker RSS {rss_before:.0f} → "
                     f"{tree_rss_mb(engine):.0f} MB"))

        # The worker alone: the same executions started while no worker runs (their first
        # steps wait in the broker), then a fresh worker drains them. Steps/s from the first
        # step claimed to the last committed, read from the stored rows. Alternated with the
        # raw Celery drain, --rounds times: the machine's speed moves between drains, so each
        # round's ratio compares two drains a few seconds apart, and the median is reported.
        stop(engine, raw)
        counted = common.TMP / "counts"
        os.environ["COUNT_DIR"] = str(counted)
        rounds, engine_where, raw_where, start_rates = [], [], [], []
        for _ in range(args.rounds):
            raw_tps, where = raw_rate(steps)
            raw_where.append(where)
            began = time.perf_counter()
            ids = [execution_start(workflow=five, owner=user, inputs={}).pk
                   for _ in range(args.concurrent)]
            start_rates.append(args.concurrent / (time.perf_counter() - began))
            engine, name = common.start_idle_worker("bench.counted_app", "engine")
            rss_before = tree_rss_mb(engine)
            where = Breakdown()
            where.snapshot(engine.pid)
            common.consume(celery_app, name, settings.CELERY_TASK_DEFAULT_QUEUE)
            wait_all(ids)
            where.finish()
            engine_where.append(where)
            span = StepRun.objects.filter(execution_id__in=ids).aggregate(
                first=Min("started_at"), last=Max("finished_at"))
            seconds = (span["last"] - span["first"]).total_seconds()
            statuses = set(Execution.objects.filter(pk__in=ids).values_list("status",
                                                                            flat=True))
            rss_after = tree_rss_mb(engine)
            stop(engine)
            rounds.append((steps / seconds, raw_tps, statuses, rss_before, rss_after))
        ratios = sorted(engine_tps / raw_tps for engine_tps, raw_tps, *_ in rounds)
        median = ratios[len(ratios) // 2]
        engine_tps, raw_tps, statuses, rss_before, rss_after = next(
            r for r in rounds if r[0] / r[1] == median)
        rows.append(("worker throughput, 5-step executions", f"{engine_tps:.0f} steps/s",
                     f"{steps} steps, the median round of {args.rounds}, statuses "
                     f"{sorted(statuses)}, RSS {rss_before:.0f} → {rss_after:.0f} MB"))
        rows.append(("raw Celery throughput, no-op tasks", f"{raw_tps:.0f} tasks/s",
                     f"{steps} tasks queued first, then drained by a fresh -c 2 worker "
                     f"→ engine at {median:.0%} (target ≥ 60 %)"))
        rows.append(("engine / raw Celery, each round", f"{median:.0%}",
                     ", ".join(f"{e:.0f}/{r:.0f} ({e / r:.0%})" for e, r, *_ in rounds)))
        rows += Breakdown.total(engine_where).rows(steps * args.rounds, counted, "engine")
        rows += Breakdown.total(raw_where).rows(steps * args.rounds, Path("/nonexistent"),
                                                "raw Celery")
        start_rate = statistics.median(start_rates)
        rows.append(("execution starts, one client", f"{start_rate:.0f} /s",
                     "validated, stored with its steps and events, first step queued"))
        rows += python_claim_and_commit(user)
    finally:
        stop(engine, raw)
    print_table("Engine benchmark", rows)


if __name__ == "__main__":
    main()
