"""Where each step's time goes (bench/engine_bench.py): CPU seconds of the worker's process
tree, of PostgreSQL's and of Redis's server processes over a drain, read with psutil; the
database calls the worker made (bench/counted_app.py), PostgreSQL's transactions and the
bytes it wrote to its WAL; Redis's commands and the bytes it received. Divided by the steps
the drain ran. The machine is otherwise quiet during a bench; what else runs shows up here."""

from __future__ import annotations

import json
from pathlib import Path

import psutil
import redis
from django.conf import settings
from django.db import connection


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()  # children_*: children that ended (sandboxes, backends)
            total += times.user + times.system + times.children_user + times.children_system
        except psutil.Error:
            continue
    return total


def _named(name: str) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["name"]) if (p.info["name"] or "").startswith(name)]


def _tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


class Breakdown:
    """snapshot() before the drain, then rows(steps, pid, count_dir) after it."""

    def __init__(self) -> None:
        self.redis = redis.Redis.from_url(settings.CELERY_BROKER_URL)
        self.pg = connection.vendor == "postgresql"

    def _read(self, pid: int) -> dict[str, float]:
        info = self.redis.info()
        out = {"worker": _cpu(_tree(pid)), "redis": _cpu(_named("redis-server")),
               "postgres": _cpu(_named("postgres")),
               "redis_cmds": float(info["total_commands_processed"]),
               "redis_in": float(info["total_net_input_bytes"])}
        if self.pg:
            with connection.cursor() as cursor:
                cursor.execute("SELECT xact_commit + xact_rollback, pg_current_wal_lsn() - "
                               "'0/0'::pg_lsn FROM pg_stat_database WHERE datname = "
                               "current_database()")
                out["xacts"], out["wal"] = (float(v) for v in cursor.fetchone())
        return out

    def snapshot(self, pid: int) -> None:
        self.before = self._read(pid)
        self.pid = pid

    def finish(self) -> None:
        """Read the counters while the worker is still up (its CPU is gone once it exits)."""
        self.after = self._read(self.pid)

    @classmethod
    def total(cls, drains: list[Breakdown]) -> Breakdown:
        """One breakdown over several drains (their counters summed)."""
        whole = cls()
        whole.before = dict.fromkeys(drains[0].after, 0.0)
        whole.after = {k: sum(d.after[k] - d.before[k] for d in drains) for k in whole.before}
        return whole

    def rows(self, steps: int, count_dir: Path, label: str) -> list[tuple[str, str, str]]:
        d = {k: self.after[k] - self.before[k] for k in self.after}
        counts = [json.loads(f.read_text()) for f in count_dir.glob("*.json")]
        executes = sum(c["executes"] for c in counts)
        statements = sum(c["statements"] for c in counts)
        per = lambda v: v / steps  # noqa: E731
        rows = [
            (f"{label}: CPU per step, worker", f"{per(d['worker']) * 1000:.2f} ms",
             "Celery pool, its children and the step sandboxes"),
            (f"{label}: CPU per step, PostgreSQL", f"{per(d['postgres']) * 1000:.2f} ms",
             "every postgres process" if self.pg else "SQLite: inside the worker"),
            (f"{label}: CPU per step, Redis", f"{per(d['redis']) * 1000:.2f} ms",
             f"{per(d['redis_cmds']):.1f} commands, {per(d['redis_in']):.0f} bytes in"),
        ]
        if counts:
            rows.append((f"{label}: database calls per step", f"{per(executes):.1f}",
                         f"{per(statements):.1f} statements (calls that send several at once "
                         f"count once)"))
        if self.pg:
            rows.append((f"{label}: transactions per step", f"{per(d['xacts']):.2f}",
                         f"{per(d['wal']) / 1024:.1f} KiB written to the WAL per step"))
        return rows
