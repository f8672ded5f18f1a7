"""Soak with faults (docs/operations.md, "Faults"): for SOAK_SECONDS (default 600) keep 200 executions in
flight on two workers, a beat and daphne, all on a private Redis, while a fault is injected
every 20-40 s at random: a worker SIGKILLed with its pool (restarted 5 s later) or Redis
killed and restarted 3 s later with nothing on disk (queued messages are gone). A sample of
executions is followed over WebSockets by clients that reconnect from their last sequence.
After the last start, everything must drain. Prints one table: executions started, finished,
lost (must be 0), events lost (must be 0), event latency (p50/p99, and p99 around faults)
beside the raw Redis PUBLISH → subscriber floor measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/soak .venv/bin/python bench/soak.py

Needs PostgreSQL (several processes write at once); the database is created if missing.

    … bench/soak.py --hosts 2

runs the same soak across hosts (tests/netns.py; root only): each worker on a host of its
own in a network namespace, daphne on a web host, PostgreSQL, Redis and beat on the services
host (the root namespace). The faults then also include a worker host cut off from Redis and
PostgreSQL for 30 s and healed, a whole host killed (every process in it) and the web host
restarted; followers reach daphne across its link.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from apps.common.stack import free_port, redis_reachable, redis_server_binary  # noqa: E402

_PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
_PARSER.add_argument("--hosts", type=int, default=0,
                     help="worker hosts in network namespaces (default 0: none)")
ARGS = _PARSER.parse_args()
DURATION_S = float(os.environ.get("SOAK_SECONDS", "600"))
PARTITION_S = 30.0
IN_FLIGHT = int(os.environ.get("SOAK_IN_FLIGHT", "200"))
FOLLOWED = int(os.environ.get("SOAK_FOLLOWED", "20"))
FAULT_EVERY_S = (20.0, 40.0)
FAULT_WINDOW_S = 20.0  # events received within this long after a fault count as "during"
DRAIN_S = 600.0


class Redis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [redis_server_binary(), "--port", str(self.port), "--bind", "127.0.0.1", "--save",
             "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while not redis_reachable(self.url):
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        sys.exit("soak.py needs PostgreSQL: set DATABASE_URL=postgres://…/soak")
    import psycopg  # noqa: PLC0415

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database(os.environ.get("DATABASE_URL", ""))
REDIS_DIR = Path(tempfile.mkdtemp(prefix="soak-redis-"))
REDIS = Redis(REDIS_DIR)
REDIS.start()
os.environ["REDIS_URL"] = REDIS.url
os.environ.update({"SWEEP_INTERVAL_S": "2", "HEARTBEAT_TIMEOUT_S": "10",
                   "REQUEUE_AFTER_S": "10", "STREAM_CATCH_UP_S": "1"})

import common  # noqa: E402  sets Django up: before any app import
from django.db.models import Count  # noqa: E402
from knox.models import AuthToken  # noqa: E402
from stream_bench import raw_redis_latency  # noqa: E402

from apps.executions.models import Execution, ExecutionEvent, StepAttempt  # noqa: E402
from apps.executions.services import execution_start  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402
from tests.faults.streams import follow_ws  # noqa: E402

TERMINAL = {"succeeded", "failed", "cancelled"}


def _py(node_id: str, seconds: float, lines: int) -> dict:
    code = (f"import time\ndef run(inputs, ctx):\n    for i in range({lines}):\n"
            f"        print('{node_id}', i)\n        time.sleep({seconds / max(lines, 1)})\n"
            f"    return {lines}\n")
    return {"id": node_id, "type": "python", "data": {"config": {"code": code},
                                                      "timeout_seconds": 30,
                                                      "retry": {"max_attempts": 2}}}


def _transform(node_id: str, value: str) -> dict:
    return {"id": node_id, "type": "transform", "data": {"config": {"value": value}}}


def _edges(pairs: list[tuple[str, str]]) -> list[dict]:
    return [{"id": f"{a}-{b}", "source": a, "target": b} for a, b in pairs]


DEFINITIONS = [
    {"name": "soak-chain", "output": "{{ steps.e.output }}",
     "nodes": [_py("a", 0.3, 5), _transform("b", "{{ steps.a.output * 2 }}"),
               _py("c", 0.4, 3), _transform("d", "{{ steps.c.output }}"), _py("e", 0.2, 2)],
     "edges": _edges([("a", "b"), ("b", "c"), ("c", "d"), ("d", "e")])},
    {"name": "soak-fanout", "output": "{{ steps.join.output }}",
     "nodes": [_transform("start", "go"), _py("x", 0.5, 4), _py("y", 0.3, 2),
               _py("z", 0.2, 1),
               _transform("join", "{{ steps.x.output + steps.y.output + steps.z.output }}")],
     "edges": _edges([("start", "x"), ("start", "y"), ("start", "z"), ("x", "join"),
                      ("y", "join"), ("z", "join")])},
    # Expression-only steps back to back share a transaction (worker/runner.py): a fault in
    # the middle of such a group must undo it whole and run it again.
    {"name": "soak-expressions", "output": "{{ steps.t7.output }}",
     "nodes": [_py("p", 0.2, 2),
               *(_transform(f"t{i}", "{{ steps.%s.output + 1 }}" % (f"t{i - 1}" if i else "p"))
                 for i in range(8))],
     "edges": _edges([("p", "t0"), *((f"t{i}", f"t{i + 1}") for i in range(7))])},
]


class Stack:
    """Two workers (or one per host), one beat, one daphne; workers can be killed and
    restarted, hosts cut off and healed, the web host restarted."""

    def __init__(self, hosts: int = 0) -> None:
        self.network = None
        self.hosts: list = []
        self.web = None
        if hosts:
            from tests.netns import Network  # noqa: PLC0415 - only with --hosts (root)

            database = urlsplit(os.environ["DATABASE_URL"])
            self.network = Network([database.port or 5432, REDIS.port])
            self.hosts = [self.network.host(f"host{i}") for i in range(hosts)]
            self.web = self.network.host("web")
        self.workers: list[subprocess.Popen[bytes] | None] = [None] * max(2, hosts)
        self.beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "warning", "-s",
             str(common.TMP / "beat-schedule")], cwd=common.ROOT, env=dict(os.environ),
            stdout=(common.TMP / "beat.log").open("w"), stderr=subprocess.STDOUT,
            start_new_session=True)
        for index in range(len(self.workers)):
            self.start_worker(index)
        self.daphne, self.url = common.start_daphne(self.web)

    def host_of(self, index: int):  # type: ignore[no-untyped-def]
        return self.hosts[index] if self.hosts else None

    def start_worker(self, index: int) -> None:
        self.workers[index] = common.start_worker("config", f"worker{index}", [
            "-Q", os.environ["CELERY_QUEUE"]], host=self.host_of(index))

    def restart_web(self) -> None:
        common.stop(self.daphne)
        time.sleep(2)
        self.daphne, _ = common.start_daphne(self.web, port=int(self.url.rsplit(":", 1)[1]))

    def kill_worker(self, index: int) -> None:
        proc = self.workers[index]
        assert proc is not None
        if self.hosts:
            self.hosts[index].kill()  # the whole host: every process in its namespace
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def stop(self) -> None:
        for host in self.hosts:
            if host.partitioned:
                host.heal()
        common.stop(self.daphne, self.beat, *[w for w in self.workers if w is not None])
        if self.network is not None:
            self.network.close()


class Followers:
    """WebSocket clients in their own thread and event loop, one per followed execution."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        self.loop = asyncio.new_event_loop()
        self.results: dict[str, list[dict]] = {}
        self.reconnects: Counter[str] = Counter()
        self.active = 0
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    def follow(self, execution_id: str) -> None:
        self.active += 1
        asyncio.run_coroutine_threadsafe(self._follow(execution_id), self.loop)

    async def _follow(self, execution_id: str) -> None:
        received: list[dict] = []
        self.results[execution_id] = received
        try:
            self.reconnects[execution_id] = await follow_ws(
                self.base, execution_id, self.token, received,
                time.monotonic() + DURATION_S + DRAIN_S)
        except AssertionError:
            self.reconnects[execution_id] = -1  # never reached the end
        finally:
            self.active -= 1


def main() -> int:
    floor = asyncio.run(raw_redis_latency(1000))
    user = common.bench_user(max_concurrent=IN_FLIGHT)
    workflows = [workflow_services.workflow_create(owner=user, definition=d, name=d["name"])
                 for d in DEFINITIONS]
    token = AuthToken.objects.create(user=user, expiry=None)[1]
    stack = Stack(ARGS.hosts)
    followers = Followers(stack.url, token)
    faults: list[tuple[float, str]] = []
    started: list[str] = []
    rng = random.Random(int(os.environ.get("SOAK_SEED", "7")))
    print(f"soak: {DURATION_S:.0f} s, {IN_FLIGHT} in flight, "
          f"{ARGS.hosts or 'no'} worker hosts, logs in {common.TMP}", flush=True)
    begin = time.monotonic()
    next_fault = begin + rng.uniform(*FAULT_EVERY_S)
    try:
        while time.monotonic() - begin < DURATION_S:
            running = Execution.objects.filter(owner=user).exclude(
                status__in=TERMINAL).count()
            for _ in range(max(0, IN_FLIGHT - running)):
                execution = _start(rng.choice(workflows), user)
                if execution is None:
                    break
                started.append(str(execution.pk))
                if followers.active < FOLLOWED:
                    followers.follow(str(execution.pk))
            if time.monotonic() >= next_fault:
                faults.append((time.time(), _inject(rng, stack)))
                print(f"  {time.monotonic() - begin:6.0f} s  {faults[-1][1]}; "
                      f"{len(started)} started", flush=True)
                next_fault = time.monotonic() + rng.uniform(*FAULT_EVERY_S)
            time.sleep(0.5)
        deadline = time.monotonic() + DRAIN_S
        while Execution.objects.filter(owner=user).exclude(status__in=TERMINAL).exists() \
                and time.monotonic() < deadline:
            time.sleep(1)
        while followers.active and time.monotonic() < deadline:
            time.sleep(0.5)
        wall = time.monotonic() - begin
    finally:
        stack.stop()
        with contextlib.suppress(AssertionError):
            REDIS.kill()
    _report(user, started, followers, faults, floor, wall)
    return 0


def _start(workflow, user):  # type: ignore[no-untyped-def]
    """Start one execution; while Redis is down the start still commits (the sweeper sends
    it later), but a failing start is counted as not started, never as lost."""
    try:
        return execution_start(workflow=workflow, owner=user, inputs={})
    except Exception as exc:  # noqa: BLE001 - a soak reports, it does not stop
        print(f"  start refused: {type(exc).__name__}: {exc}", flush=True)
        return None


def _inject(rng: random.Random, stack: Stack) -> str:
    if stack.hosts:
        roll = rng.random()
        if roll < 0.3:
            index = rng.randrange(len(stack.hosts))
            host = stack.hosts[index]
            if not host.partitioned:
                host.partition()
                threading.Timer(PARTITION_S, host.heal).start()
                return f"{host.name} cut off from Redis and PostgreSQL for {PARTITION_S:.0f} s"
        if roll > 0.8:
            stack.restart_web()
            return "web host restarted (daphne down 2 s)"
    if rng.random() < 0.5:
        index = rng.randrange(len(stack.workers))
        stack.kill_worker(index)
        threading.Timer(5, stack.start_worker, [index]).start()
        killed = f"host{index} killed" if stack.hosts else f"worker{index} SIGKILLed"
        return f"{killed} (restart in 5 s)"
    REDIS.kill()
    time.sleep(3)
    REDIS.start()
    return "Redis killed, restarted empty after 3 s"


def _report(user, started, followers, faults, floor, wall) -> None:  # type: ignore[no-untyped-def]
    statuses = Counter(Execution.objects.filter(owner=user).values_list("status", flat=True))
    lost = sum(n for status, n in statuses.items() if status not in TERMINAL)
    gaps = 0
    stored_by_execution: dict[str, list[int]] = {}
    for execution_id in started:
        seqs = list(ExecutionEvent.objects.filter(execution_id=execution_id).order_by("seq")
                    .values_list("seq", flat=True))
        stored_by_execution[execution_id] = seqs
        gaps += seqs != list(range(1, len(seqs) + 1))
    events_lost = duplicates = unfinished = 0
    latencies: list[float] = []
    during: list[float] = []
    fault_times = [at for at, _ in faults]
    for execution_id, received in followers.results.items():
        stored = stored_by_execution.get(execution_id, [])
        got = [e["seq"] for e in received]
        duplicates += len(got) - len(set(got))
        events_lost += len(set(stored) - set(got))
        unfinished += followers.reconnects[execution_id] < 0
        for event in received:
            sent = datetime.fromisoformat(event["timestamp"]).timestamp()
            latency = (event["_received"] - sent) * 1000
            latencies.append(latency)
            if any(0 <= event["_received"] - at <= FAULT_WINDOW_S for at in fault_times):
                during.append(latency)
    twice = (ExecutionEvent.objects.filter(execution__owner=user, type="step_completed")
             .values("execution_id", "step_id").annotate(n=Count("id")).filter(n__gt=1).count())
    worker_lost = StepAttempt.objects.filter(step_run__execution__owner=user,
                                             error__type="worker_lost").count()
    kinds = Counter(("Redis restarts" if "Redis killed" in what else
                     "worker kills" if "killed" in what or "SIGKILL" in what else
                     "partitions" if "cut off" in what else
                     "web restarts") for _, what in faults)
    pct = common.percentile
    rows = [
        ("raw Redis PUBLISH→subscriber p50/p99",
         f"{pct(floor, .5):.2f}/{pct(floor, .99):.2f}", "ms, floor, same run"),
        ("wall time", f"{wall:.0f} s", f"soak {DURATION_S:.0f} s + drain"),
        ("worker hosts", str(ARGS.hosts or "-"), "network namespaces, one link each"
         if ARGS.hosts else "all on loopback"),
        ("faults injected", str(len(faults)), ", ".join(f"{n} {k}" for k, n in
                                                         sorted(kinds.items()))),
        ("executions started", str(len(started)), f"{IN_FLIGHT} kept in flight"),
        ("finished", str(sum(statuses[s] for s in TERMINAL)),
         ", ".join(f"{s} {statuses[s]}" for s in sorted(TERMINAL))),
        ("lost (not finished)", str(lost), "must be 0"),
        ("stored stories with a gap", str(gaps), "must be 0"),
        ("steps whose result was committed twice", str(twice), "must be 0"),
        ("attempts ended worker_lost", str(worker_lost), "each retried or failed, recorded"),
        ("followed executions", str(len(followers.results)),
         f"{sum(max(0, n) for n in followers.reconnects.values())} reconnects"),
        ("events received", str(len(latencies)), "by the followers"),
        ("events lost / duplicated", f"{events_lost}/{duplicates}", "must be 0/0"),
        ("followers that did not finish", str(unfinished), "must be 0"),
        ("event latency p50/p99",
         f"{pct(latencies, .5):.1f}/{pct(latencies, .99):.1f}" if latencies else "-", "ms"),
        ("p99 within 20 s after a fault",
         f"{pct(during, .99):.0f}" if during else "-",
         f"ms, {len(during)} events (replayed from storage after outages)"),
    ]
    common.print_table("Soak with faults", rows)


if __name__ == "__main__":
    sys.exit(main())
