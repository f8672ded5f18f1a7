"""Flow-control figures (docs/flow-control.md), each beside a raw-Celery baseline measured in
the same run:

- priority: a backlog of N low-priority one-step runs (a python step of ~20 ms of sleep),
  then one high-priority run: where it finishes among them; against the same with every run
  at normal priority (first in, first out), and against bare Celery tasks on the same broker
  with and without message priorities;
- admission with concurrency keys: with 1,000 runs queued over 100 keys (each key held by a
  run waiting at an approval: a slot held without a worker), the starts/s and start → first
  step p50 of another workflow, against the same with nothing queued; and a freed key →
  its next run's first step;
- approval round trip: the approve call → the next step started, p50/p99, against bare
  Celery's send → task started.

    .venv/bin/python bench/flow_bench.py [--backlog 200] [--queued 1000] [--approvals 50]
                                         [--probes 200]
"""

from __future__ import annotations

import argparse
import os
import time
import uuid

import common  # sets Django up: before any app import
import redis  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402

from apps.executions.models import Execution, Priority, StepRun  # noqa: E402
from apps.executions.services import execution_start  # noqa: E402
from apps.runtime.services import runtime_setting_set  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402
from bench import raw_celery  # noqa: E402
from bench.engine_bench import wait_all  # noqa: E402

percentile, print_table = common.percentile, common.print_table
NAP_S = 0.02
NAP = f"import time\n\ndef run(inputs, ctx):\n    time.sleep({NAP_S})\n    return 1\n"


def _workflow(user, nodes: list, edges: list | None = None, **extra):  # type: ignore[no-untyped-def]
    return workflow_services.workflow_create(
        owner=user, definition={"name": f"flow-{uuid.uuid4().hex[:6]}", "nodes": nodes,
                                "edges": edges or [], **extra})


def _first_step_started(ids: list) -> dict:
    rows = StepRun.objects.filter(execution_id__in=ids).exclude(started_at=None)
    first: dict = {}
    for execution_id, started in rows.values_list("execution_id", "started_at"):
        if execution_id not in first or started < first[execution_id]:
            first[execution_id] = started
    return first


# ---- priority --------------------------------------------------------------------------------

def engine_position(user, backlog: int, last: Priority, rest: Priority) -> int:  # type: ignore[no-untyped-def]
    workflow = _workflow(user, [{"id": "work", "type": "python",
                                 "data": {"config": {"code": NAP}, "timeout_seconds": 30}}])
    with transaction.atomic():  # the backlog's step messages reach the broker together
        runs = [execution_start(workflow=workflow, owner=user, priority=rest)
                for _ in range(backlog)]
    latest = execution_start(workflow=workflow, owner=user, priority=last)
    ids = [r.pk for r in (*runs, latest)]
    wait_all(ids)
    order = list(Execution.objects.filter(pk__in=ids).order_by("finished_at")
                 .values_list("pk", flat=True))
    return order.index(latest.pk) + 1


def raw_position(backlog: int, prioritised: bool) -> int:
    client = redis.Redis.from_url(settings.REDIS_URL)
    key = f"bench:prio:{uuid.uuid4().hex}"
    low, high = ({"priority": 6}, {"priority": 0}) if prioritised else ({}, {})
    for i in range(backlog):
        raw_celery.nap.apply_async((NAP_S, key, f"low{i}"), **low)
    raw_celery.nap.apply_async((NAP_S, key, "last"), **high)
    deadline = time.monotonic() + 300
    while client.llen(key) < backlog + 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    return [t.decode() for t in client.lrange(key, 0, -1)].index("last") + 1


# ---- admission -------------------------------------------------------------------------------

def probe_starts(user, count: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """`count` starts of a one-step workflow without limits, one at a time and paced (each
    call includes the admission its commit runs): starts/s of the calls alone, and start →
    first step p50 with the worker not saturated."""
    workflow = _workflow(user, [{"id": "t", "type": "transform", "data": {"config": {"value": 1}}}])
    runs, spent = [], 0.0
    for _ in range(count):
        began = time.perf_counter()
        runs.append(execution_start(workflow=workflow, owner=user))
        spent += time.perf_counter() - began
        time.sleep(0.03)
    rate = count / spent
    wait_all([r.pk for r in runs])
    first = _first_step_started([r.pk for r in runs])
    return rate, percentile([(first[r.pk] - r.created_at).total_seconds() * 1000
                             for r in runs], 0.5)


def admission_with_keys(user, queued: int, keys: int, probes: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """`keys` runs hold every key of a workflow limited to 1 per key (an approval step: a
    slot held without a worker) and `queued` more wait behind them; then new starts of
    another workflow are timed, and the held slots handed over one by one."""
    from apps.executions.services import approvals, execution_cancel  # noqa: PLC0415

    workflow = _workflow(user, [{"id": "ask", "type": "approval",
                                 "data": {"config": {"message": "hold"}}}],
                         input_schema={"type": "object", "properties": {"k": {"type": "integer"}}},
                         concurrency={"limit": 1, "key": "{{ inputs.k }}"})
    began = time.perf_counter()
    with transaction.atomic():
        runs = [execution_start(workflow=workflow, owner=user, inputs={"k": i % keys})
                for i in range(keys + queued)]
    fill_rate = len(runs) / (time.perf_counter() - began)
    waiting = Execution.objects.filter(workflow=workflow, status="queued").count()
    holders = runs[:keys]
    deadline = time.monotonic() + 120
    while StepRun.objects.filter(execution__in=holders, status="waiting").count() < keys:
        if time.monotonic() > deadline:
            raise RuntimeError("the key holders did not reach their approval")
        time.sleep(0.05)
    rate, first_p50 = probe_starts(user, probes)
    # Hand over: approving a holder ends its run; the next run of its key is admitted.
    approved_at = {}
    for run in holders:
        approved_at[run.concurrency_key] = time.time()
        approvals.step_approve(execution=run, step_id="ask", user=user, data={})
        time.sleep(0.02)
    time.sleep(2)
    successors = {}
    for pk, key, created in (Execution.objects.filter(workflow=workflow)
                             .exclude(pk__in=[r.pk for r in holders])
                             .exclude(started_at=None).values_list("pk", "concurrency_key",
                                                                   "created_at")):
        if key not in successors or created < successors[key][1]:
            successors[key] = (pk, created)
    first = _first_step_started([pk for pk, _ in successors.values()])
    handover = [(first[pk].timestamp() - approved_at[key]) * 1000
                for key, (pk, _) in successors.items() if pk in first]
    for run in Execution.objects.filter(workflow=workflow, status__in=["queued", "running"]):
        execution_cancel(execution=run)
    return {"fill_s": fill_rate, "queued": float(waiting), "starts_s": rate,
            "first_p50": first_p50, "handover_p50": percentile(handover, 0.5),
            "handovers": float(len(handover))}


# ---- approvals -------------------------------------------------------------------------------

def approval_round_trip(user, count: int) -> list[float]:  # type: ignore[no-untyped-def]
    runtime_setting_set(owner=user, key="max_concurrent_executions", value=10000)
    workflow = _workflow(user, [
        {"id": "ask", "type": "approval", "data": {"config": {"message": "go?"}}},
        {"id": "next", "type": "transform", "data": {"config": {"value": 1}}}],
        [{"source": "ask", "target": "next"}])
    runs = [execution_start(workflow=workflow, owner=user) for _ in range(count)]
    deadline = time.monotonic() + 120
    while StepRun.objects.filter(execution__in=runs, step_id="ask",
                                 status="waiting").count() < count:
        if time.monotonic() > deadline:
            raise RuntimeError("approvals did not start waiting")
        time.sleep(0.05)
    client = common.token_client(user)
    sent: dict = {}
    for run in runs:
        sent[run.pk] = time.time()
        answer = client.post(f"/api/v1/executions/{run.pk}/steps/ask/approve/", {},
                             format="json")
        assert answer.status_code == 200, answer.content
        time.sleep(0.05)  # one at a time: the round trip, not a burst
    wait_all([r.pk for r in runs])
    started = dict(StepRun.objects.filter(execution__in=runs, step_id="next")
                   .values_list("execution_id", "started_at"))
    return [(started[pk].timestamp() - sent[pk]) * 1000 for pk in sent]


def raw_send_to_start(count: int) -> list[float]:
    client = redis.Redis.from_url(settings.REDIS_URL)
    values = []
    for _ in range(count):
        key = f"bench:stamp:{uuid.uuid4().hex}"
        sent = time.time()
        raw_celery.stamp.delay(key)
        while not client.get(key):
            time.sleep(0.001)
        values.append((float(client.get(key)) - sent) * 1000)
        time.sleep(0.05)
    return values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backlog", type=int, default=200)
    parser.add_argument("--queued", type=int, default=1000)
    parser.add_argument("--approvals", type=int, default=50)
    parser.add_argument("--probes", type=int, default=200)
    args = parser.parse_args()
    user = common.bench_user(max_concurrent=10000)
    engine = common.start_worker("config", "engine", ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE])
    raw = common.start_worker("bench.raw_celery", "raw", ["-Q", os.environ["RAW_QUEUE"]])
    try:
        raw_fifo = raw_position(args.backlog, prioritised=False)
        raw_prio = raw_position(args.backlog, prioritised=True)
        fifo = engine_position(user, args.backlog, Priority.NORMAL, Priority.NORMAL)
        prio = engine_position(user, args.backlog, Priority.HIGH, Priority.LOW)
        plain_rate, plain_first = probe_starts(common.bench_user(max_concurrent=10000),
                                               args.probes)
        keyed = admission_with_keys(user, args.queued, 100, args.probes)
        trips = approval_round_trip(user, args.approvals)
        raw_trips = raw_send_to_start(args.approvals)
    finally:
        common.stop(engine, raw)
    n = args.backlog + 1
    rows = [
        (f"high run started last behind {args.backlog} low: finished", f"{prio} of {n}",
         "engine, broker priorities"),
        ("the same, every run normal (first in, first out)", f"{fifo} of {n}", "engine"),
        ("bare Celery, priority 0 behind priority 6", f"{raw_prio} of {n}", "baseline"),
        ("bare Celery, no priorities", f"{raw_fifo} of {n}", "baseline"),
        ("starts/s, nothing queued", f"{plain_rate:,.0f}", f"{args.probes} starts, one at a "
         "time"),
        (f"starts/s, {keyed['queued']:.0f} queued over 100 keys", f"{keyed['starts_s']:,.0f}",
         "another workflow's starts, same owner"),
        ("start → first step p50, nothing queued", f"{plain_first:.1f} ms", ""),
        (f"start → first step p50, {keyed['queued']:.0f} queued over 100 keys",
         f"{keyed['first_p50']:.1f} ms", ""),
        ("keyed starts/s while filling the queue", f"{keyed['fill_s']:,.0f}",
         "one transaction"),
        ("key freed (approve) → its next run's first step p50",
         f"{keyed['handover_p50']:.1f} ms", f"{keyed['handovers']:.0f} hand-overs"),
        ("approve call → next step started p50", f"{percentile(trips, 0.5):.1f} ms",
         f"{len(trips)} approvals, one at a time"),
        ("approve call → next step started p99", f"{percentile(trips, 0.99):.1f} ms", ""),
        ("bare Celery send → task started p50", f"{percentile(raw_trips, 0.5):.1f} ms",
         "baseline"),
        ("bare Celery send → task started p99", f"{percentile(raw_trips, 0.99):.1f} ms",
         "baseline"),
    ]
    print_table("Flow control: priority, admission with keys, approvals", rows)


if __name__ == "__main__":
    main()
