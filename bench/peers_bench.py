"""The peers' own benchmark, Windmill's published comparison on a 2-vCPU machine: 40
sequential `python` steps each computing fibo(10), and 10 sequential steps each computing
fibo(33), timed from the API call that starts the run to its last event received over SSE,
beside the same fibo work run in plain Python in this process (same run, same machine).

    .venv/bin/python bench/peers_bench.py [--runs 5]

Starts a worker (prefork -c 2) and one daphne on REDIS_URL / DATABASE_URL (default: a fresh
SQLite file)."""

from __future__ import annotations

import argparse
import json
import statistics
import time

import common  # sets Django up: before any app import
import httpx  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from apps.workflows import services as workflow_services  # noqa: E402

FIBO = "def fibo(n):\n    return n if n < 2 else fibo(n - 1) + fibo(n - 2)\n\n\n"
PUBLISHED = {  # seconds, from the peers' published comparison (2 vCPU)
    "40 light": "Hatchet 1.22, Windmill 2.09 (dedicated) / 4.38, Temporal 2.97, Prefect 4.87, "
                "Airflow 116",
    "10 long": "Temporal 7.25, Windmill 7.70 / 8.35, Hatchet 7.79, Prefect 15.5, Airflow 54.7",
}


def fibo(n: int) -> int:
    return n if n < 2 else fibo(n - 1) + fibo(n - 2)


def chain(name: str, steps: int, n: int) -> dict:
    code = FIBO + f"def run(inputs, ctx):\n    return fibo({n})\n"
    nodes = [{"id": f"s{i}", "type": "python", "position": {"x": 0, "y": 80 * i},
              "data": {"timeout_seconds": 120, "config": {"code": code}}}
             for i in range(steps)]
    edges = [{"source": f"s{i}", "target": f"s{i + 1}"} for i in range(steps - 1)]
    return {"name": name, "nodes": nodes, "edges": edges, "output": f"{{{{ steps.s{steps - 1}.output }}}}"}


def run_once(client: httpx.Client, workflow_id: int) -> float:
    """Seconds from the start call to the execution_completed event over SSE."""
    began = time.perf_counter()
    started = client.post(f"/api/v1/workflows/{workflow_id}/executions/", json={"inputs": {}})
    assert started.status_code == 201, started.text
    execution_id = started.json()["execution_id"]
    with client.stream("GET", f"/api/v1/executions/{execution_id}/events/",
                       timeout=300) as stream:
        for line in stream.iter_lines():
            if line.startswith("data: ") and '"execution_completed"' in line:
                event = json.loads(line[6:])
                assert event["data"]["status"] == "succeeded", event
                return time.perf_counter() - began
    raise RuntimeError("the stream ended without execution_completed")


def plain(steps: int, n: int) -> float:
    began = time.perf_counter()
    for _ in range(steps):
        fibo(n)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    user = common.bench_user(max_concurrent=100)
    token = AuthToken.objects.create(user=user, expiry=None)[1]
    light = workflow_services.workflow_create(owner=user, definition=chain("light", 40, 10))
    long = workflow_services.workflow_create(owner=user, definition=chain("long", 10, 33))
    worker = common.start_worker("config", "worker")
    daphne, base = common.start_daphne()
    rows = []
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Token {token}"},
                          timeout=60) as client:
            run_once(client, light.pk)  # warm: sandboxes forked, artifacts loaded
            for label, workflow, steps, n in (("40 light", light, 40, 10),
                                              ("10 long", long, 10, 33)):
                # Each engine run beside a plain run right after it: this machine's speed
                # drifts by several per cent within a minute, so ratios are taken in pairs.
                engine, baselines = [], []
                for _ in range(args.runs):
                    engine.append(run_once(client, workflow.pk))
                    baselines.append(plain(steps, n))
                ratio = statistics.median(e / p for e, p in zip(engine, baselines, strict=True))
                overhead_ms = statistics.median(
                    (e - p) / steps * 1000 for e, p in zip(engine, baselines, strict=True))
                median, baseline = statistics.median(engine), statistics.median(baselines)
                rows.append((f"{label}: this engine, API call → last event",
                             f"{median:.2f} s", f"min {min(engine):.2f} max {max(engine):.2f} "
                             f"over {args.runs} runs; {ratio:.2f}× plain Python, "
                             f"{overhead_ms:.1f} ms a step beyond it (medians of the pairs)"))
                rows.append((f"{label}: the same fibo in plain Python", f"{baseline:.2f} s",
                             "this process, each run right after an engine run"))
                rows.append((f"{label}: published (2 vCPU)", "", PUBLISHED[label]))
    finally:
        common.stop(daphne, worker)
    common.print_table("Peers' benchmark (Windmill's comparison)", rows)


if __name__ == "__main__":
    main()
