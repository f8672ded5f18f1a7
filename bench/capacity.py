"""A capacity model (docs/scaling.md, "The capacity model"): what a step of a stated mix costs on
this machine, what throughput that predicts for P worker processes and for N worker hosts,
which resource saturates first, and what 10 million executions a day of the mix need.

The mix: executions of STEPS python steps in a chain, each step logging LINES_PER_STEP lines
(5 steps and 20 lines an execution by default). Three drains, each of EXECUTIONS executions
queued while no worker runs, then drained by a fresh worker (as bench/engine_bench.py does):

1. calibration, one pool process (-c 1), after a warm-up drain: the costs per step: CPU of
   the worker, of PostgreSQL, of Redis (psutil), of the whole machine, database calls and
   transactions, Redis commands, and the serial time a step holds a pool process (1 / steps/s
   with one process);
2. and 3. one and two pool processes, measured and set beside the model's prediction (mean
   value analysis, `predict`; it must be within 15 %).

Bytes stored per execution, step, event and log line are read from PostgreSQL's table sizes
after the drains, and Redis's bytes per queued step message from its memory while a probe
queue holds 2,000 of them. A raw Celery drain of no-op tasks runs in the same run, for scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/capacity .venv/bin/python bench/capacity.py

Needs PostgreSQL (its CPU and table sizes are part of the model).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import uuid

import common  # sets Django up: before any app import
import psutil  # noqa: E402
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from apps.executions.models import (  # noqa: E402
    Execution,
    ExecutionEvent,
    LogLine,
    StepAttempt,
    StepRun,
)
from apps.executions.services import execution_start  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402
from bench.breakdown import Breakdown  # noqa: E402
from bench.engine_bench import raw_rate, wait_all  # noqa: E402
from config.celery_app import app as celery_app  # noqa: E402
from worker import names  # noqa: E402

STEPS = 5
LINES_PER_STEP = 4
DAY = 86_400
TARGET_PER_DAY = 10_000_000
PEAK = 3.0  # peak hour over the day's mean, for sizing
HOST_VCPU = 8  # a worker host, and the database host, as in Hatchet's published figure
DB_TARGET = 0.7  # run the database at most this busy (head room for vacuum, bursts)
HATCHET = (2000, 0.83, 8)  # runs/s at database CPU on vCPU (Hatchet's published benchmark)


def mix() -> dict:
    code = ("def run(inputs, ctx):\n"
            f"    for i in range({LINES_PER_STEP}):\n"
            "        print('record', i, 'processed')\n"
            "    return (inputs or {}).get('n', 0) + 1\n")
    nodes = [{"id": f"s{i}", "type": "python", "data": {
        "timeout_seconds": 30, "config": {"code": code}}} for i in range(STEPS)]
    edges = [{"source": f"s{i}", "target": f"s{i + 1}"} for i in range(STEPS - 1)]
    return {"name": "capacity-mix", "nodes": nodes, "edges": edges}


def drain(user, workflow, executions: int, processes: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Queue `executions`, drain them with a fresh worker of `processes` pool processes."""
    ids = [execution_start(workflow=workflow, owner=user, inputs={}).pk
           for _ in range(executions)]
    counted = common.TMP / f"counts-{uuid.uuid4().hex[:6]}"
    os.environ["COUNT_DIR"] = str(counted)
    worker, name = common.start_idle_worker("bench.counted_app", f"capacity-{processes}",
                                            concurrency=processes)
    where = Breakdown()
    try:
        where.snapshot(worker.pid)
        machine = _busy()
        common.consume(celery_app, name, settings.CELERY_TASK_DEFAULT_QUEUE)
        wait_all(ids)
        machine = _busy() - machine
        where.finish()
    finally:
        common.stop(worker)
    statuses = set(Execution.objects.filter(pk__in=ids).values_list("status", flat=True))
    if statuses != {"succeeded"}:
        sys.exit(f"the mix did not succeed: {statuses}")
    span = StepRun.objects.filter(execution_id__in=ids).aggregate(
        first=Min("started_at"), last=Max("finished_at"))
    steps = executions * STEPS
    seconds = (span["last"] - span["first"]).total_seconds()
    d = {k: where.after[k] - where.before[k] for k in where.after}
    calls = sum(json.loads(f.read_text())["executes"] for f in counted.glob("*.json"))
    return {"rate": steps / seconds, "steps": steps, "seconds": seconds,
            "machine_cpu": machine / steps, "busy": machine / seconds / (os.cpu_count() or 1),
            "worker_cpu": d["worker"] / steps, "pg_cpu": d["postgres"] / steps,
            "redis_cpu": d["redis"] / steps, "redis_cmds": d["redis_cmds"] / steps,
            "xacts": d["xacts"] / steps, "wal": d["wal"] / steps, "calls": calls / steps}


def _busy() -> float:
    """CPU seconds the whole machine has been busy (everything but idle and I/O wait)."""
    times = psutil.cpu_times()
    return sum(times) - times.idle - getattr(times, "iowait", 0.0)


def predict(costs: dict[str, float], processes: int, cores: float) -> tuple[float, str]:
    """Steps/s of `processes` pool processes on this machine, by mean value analysis of a
    closed network: each process cycles through the machine's CPU (`cores` servers, the
    machine's CPU a step as demand; Seidmann's approximation turns the m servers into one
    server of demand D/m and a delay of D(m-1)/m) and a delay for what is not CPU (the serial
    time a step holds a process, less its CPU). Exact for one process by construction."""
    demand = costs["machine_cpu"]
    think = max(0.0, costs["serial_s"] - demand)
    queued, rate = 0.0, 0.0
    for n in range(1, processes + 1):
        waiting = demand / cores * (1 + queued)
        rate = n / (waiting + demand * (cores - 1) / cores + think)
        queued = rate * waiting
    bound = "this machine's CPU" if rate * demand > 0.8 * cores else "pool processes"
    return rate, bound


def stored_bytes() -> dict[str, float]:
    """Bytes per row (table, its indexes and TOAST) of the tables a step writes."""
    out = {}
    with connection.cursor() as cursor:
        for label, model in (("execution", Execution), ("step", StepRun),
                             ("attempt", StepAttempt), ("event", ExecutionEvent),
                             ("log line", LogLine)):
            table = model._meta.db_table
            cursor.execute(f"ANALYZE {table}")
            cursor.execute(  # a partitioned table's size is its partitions'
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "WHERE c.relkind = 'r' AND (c.relname = %s OR c.oid IN (SELECT inhrelid FROM "
                "pg_inherits WHERE inhparent = %s::regclass))", [table, table])
            size = cursor.fetchone()[0]
            out[label] = float(size) / max(1, model.objects.count())
            out[f"{label}s"] = model.objects.count()
    return out


def message_bytes(count: int = 2000) -> float:
    """Redis memory per queued step message: a probe queue nobody consumes holds `count`."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = f"capacity-probe-{uuid.uuid4().hex[:6]}"
    before = client.info("memory")["used_memory"]
    for _ in range(count):
        celery_app.send_task(names.RUN_STEP, args=[str(uuid.uuid4()), "s0", "python",
                                                   "a" * 64], queue=queue, priority=3,
                             soft_time_limit=40, time_limit=70)
    after = client.info("memory")["used_memory"]
    for key in client.scan_iter(f"{queue}*"):
        client.delete(key)
    return (after - before) / count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--executions", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("capacity.py needs PostgreSQL: DATABASE_URL=postgres://…/capacity")
    user = common.bench_user(max_concurrent=10_000)
    workflow = workflow_services.workflow_create(owner=user, definition=mix(), slug="mix")
    cores = float(os.cpu_count() or 1)
    print(f"capacity: {args.executions} executions of {STEPS} python steps per drain, "
          f"logs in {common.TMP}", flush=True)
    drain(user, workflow, max(20, args.executions // 4), 2)  # warm: caches, artifacts, pages
    calibration = drain(user, workflow, args.executions, 1)
    costs = {**calibration, "serial_s": 1 / calibration["rate"]}
    measured = {p: drain(user, workflow, args.executions, p) for p in (1, 2)}
    raw_tps, _ = raw_rate(2000)
    stored = stored_bytes()
    per_message = message_bytes()

    rows: list[tuple[str, str, str]] = [
        ("mix", f"{STEPS} steps", f"python, {LINES_PER_STEP * STEPS} log lines an execution"),
        ("raw Celery no-op drain", f"{raw_tps:.0f} tasks/s", "-c 2, same run, for scale"),
        ("serial time a step holds a process", f"{costs['serial_s'] * 1000:.1f} ms",
         "calibration drain, one pool process"),
        ("CPU per step: worker", f"{costs['worker_cpu'] * 1000:.2f} ms",
         "pool, its children, the sandboxes"),
        ("CPU per step: PostgreSQL", f"{costs['pg_cpu'] * 1000:.2f} ms",
         f"{costs['calls']:.1f} calls, {costs['xacts']:.2f} transactions, "
         f"{costs['wal'] / 1024:.1f} KiB WAL"),
        ("CPU per step: Redis", f"{costs['redis_cpu'] * 1000:.2f} ms",
         f"{costs['redis_cmds']:.1f} commands"),
    ]
    for label in ("execution", "step", "attempt", "event", "log line"):
        rows.append((f"stored per {label}", f"{stored[label]:.0f} B",
                     f"{stored[label + 's']:,} rows, table + indexes"))
    rows.append(("machine CPU per step, all processes", f"{costs['machine_cpu'] * 1000:.2f} ms",
                 f"calibration; the machine {calibration['busy']:.0%} busy"))
    rows.append(("Redis per queued step message", f"{per_message:.0f} B",
                 "2,000 in a probe queue"))
    worst = 0.0
    for processes, run in measured.items():
        predicted, bound = predict(costs, processes, cores)
        error = predicted / run["rate"] - 1
        worst = max(worst, abs(error))
        rows.append((f"{processes} pool process(es): predicted / measured",
                     f"{predicted:.0f} / {run['rate']:.0f}",
                     f"steps/s, {error:+.0%} (bound: {bound}; must be within ±15 %); "
                     f"machine {run['busy']:.0%} busy, {run['machine_cpu'] * 1000:.1f} ms CPU "
                     "a step"))
    common.print_table("Capacity: costs on this machine, and the model checked", rows)

    # Past this machine: worker hosts of HOST_VCPU cores (prefork -c HOST_VCPU), a database
    # host of HOST_VCPU cores run at most DB_TARGET busy, one Redis core.
    per_host = min(HOST_VCPU / costs["serial_s"], HOST_VCPU / costs["worker_cpu"])
    limits = {"database CPU": HOST_VCPU * DB_TARGET / costs["pg_cpu"],
              "Redis (one core)": 1 / costs["redis_cpu"]}
    rows = []
    for hosts in (1, 2, 4, 8, 16, 32):
        rate = min(hosts * per_host, *limits.values())
        bound = "worker hosts" if rate == hosts * per_host else \
            min(limits, key=lambda k: limits[k])
        rows.append((f"{hosts} worker host(s)", f"{rate:,.0f} steps/s",
                     f"{rate / STEPS:,.0f} executions/s, bound by {bound}"))
    common.print_table(f"Predicted throughput: worker hosts of {HOST_VCPU} vCPU, database on "
                       f"{HOST_VCPU} vCPU at ≤ {DB_TARGET:.0%}", rows)

    mean = TARGET_PER_DAY * STEPS / DAY
    peak = mean * PEAK
    history_bytes = (stored["event"] * stored["events"] / max(1, stored["executions"])
                     + stored["log line"] * LINES_PER_STEP * STEPS)
    execution_bytes = stored["execution"] + STEPS * (stored["step"] + stored["attempt"]) \
        + history_bytes
    db_cores = peak * costs["pg_cpu"] / DB_TARGET
    hosts = math.ceil(peak / per_host)
    hatchet_runs, hatchet_util, hatchet_vcpu = HATCHET
    rows = [
        ("steps/s, mean over the day", f"{mean:,.0f}", f"{TARGET_PER_DAY:,} × {STEPS} steps"),
        ("steps/s at the peak hour", f"{peak:,.0f}", f"{PEAK:.0f}× the mean"),
        ("worker hosts", f"{hosts}", f"{HOST_VCPU} vCPU each, {per_host:,.0f} steps/s a host"),
        ("database CPU", f"{db_cores:.1f} cores",
         f"at ≤ {DB_TARGET:.0%} busy; {costs['pg_cpu'] * 1000:.2f} ms a step"),
        ("database storage per day", f"{TARGET_PER_DAY * execution_bytes / 1e9:,.0f} GB",
         f"{execution_bytes / 1024:.1f} KiB an execution (events and lines are "
         f"{history_bytes / execution_bytes:.0%})"),
        ("WAL per day", f"{TARGET_PER_DAY * STEPS * costs['wal'] / 1e9:,.0f} GB",
         "what replicas and backups must carry"),
        ("Redis memory, a minute of backlog", f"{peak * 60 * per_message / 2**20:,.0f} MB",
         f"{per_message:.0f} B a queued step; pub/sub holds nothing"),
        ("Redis CPU at the peak", f"{peak * costs['redis_cpu']:.2f} cores",
         "one core is all Redis uses"),
        ("database CPU per execution", f"{costs['pg_cpu'] * STEPS * 1000:.1f} ms",
         f"Hatchet: {hatchet_vcpu * hatchet_util / hatchet_runs * 1000:.1f} ms a run "
         f"({hatchet_runs:,} runs/s at {hatchet_util:.0%} of {hatchet_vcpu} vCPU)"),
    ]
    common.print_table(f"{TARGET_PER_DAY:,} executions a day of the mix", rows)
    print(f"\nmodel error, worst of the two checks: {worst:.0%}")
    return 0 if worst <= 0.15 else 1


if __name__ == "__main__":
    sys.exit(main())
