"""Retention figures (docs/scaling.md, "Partitioned history"): 1,000,000 finished executions
(one step each, EVENTS events and LINES log lines each, spread over ten days) past their
retention, and 100,000 recent ones it keeps, on two PostgreSQL databases filled alike: one
with the history partitioned by day (migration 0013), one with the plain tables it replaced
(migrated only to 0012). The same `purge_old_executions()` runs on each: on the first it drops
the ten days' bins and deletes the rest, on the second it deletes every row. Prints time, peak
memory of the process and of the database's table files afterwards.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/x .venv/bin/python bench/retention_bench.py \
        [--executions 1000000] [--events 10] [--lines 10]

Two databases, <name>_drop and <name>_delete, are made beside the one named (and dropped at
the end). Rows are generated inside PostgreSQL: loading takes minutes, not hours.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import plain_history  # noqa: E402

KEPT = 100_000
DAYS = 10  # the old executions are 4 to 13 days old; retention keeps 3 days

def _clone(cursor, table: str, overrides: dict[str, str], source: str, where: str,  # type: ignore[no-untyped-def]
           params: list) -> None:
    """INSERT copies of a template row, each column copied but those in `overrides` (SQL
    expressions over `source`); the identity column is left to its sequence."""
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                   "AND NOT (column_name = 'id' AND is_identity = 'YES') "
                   "ORDER BY ordinal_position", [table])
    columns = [c for (c,) in cursor.fetchall()]
    values = ", ".join(overrides.get(c, f't."{c}"') for c in columns)
    names = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM "  # noqa: S608
                   f"(SELECT * FROM {table} WHERE {where}) t, {source}", params)


def fill(executions: int, events: int, lines: int) -> dict[str, float]:
    import common  # noqa: F401, PLC0415 - Django set up for the case's database
    from django.db import connection  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from apps.executions import partitions  # noqa: PLC0415
    from apps.runtime.services import runtime_setting_set  # noqa: PLC0415
    from tests.factories import make_execution, make_user  # noqa: PLC0415

    began = time.perf_counter()
    owner = make_user()
    runtime_setting_set(owner=owner, key="retention_days", value=3)
    template = make_execution(owner=owner, status="succeeded")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE ages AS SELECT g, CASE WHEN g <= %s THEN "
                       "now() - make_interval(days => 4) - (g * interval '1 day' * %s / %s) "
                       "ELSE now() - ((g - %s) * interval '1 day' * 2 / %s) END AS at, "
                       "gen_random_uuid() AS id FROM generate_series(1, %s) g",
                       [executions, DAYS, executions, executions, KEPT, executions + KEPT])
        _clone(cursor, "executions_execution", {"id": "a.id", "created_at": "a.at",
                                                "finished_at": "a.at"},
               "ages a", "id = %s", [template.pk])
        _clone(cursor, "executions_steprun", {"execution_id": "a.id"}, "ages a",
               "execution_id = %s", [template.pk])
        # The bins these days would have had by now (made ahead, day by day, in real life).
        partitions.ensure_since(timezone.now() - timedelta(days=4 + DAYS + 1))
        cursor.execute("INSERT INTO executions_executionevent (execution_id, seq, type, step_id, "
                       "data, timestamp) SELECT a.id, s, 'step_completed', 't', "
                       "jsonb_build_object('output', repeat('x', 40)), "
                       "a.at + make_interval(secs => s) FROM ages a, generate_series(1, %s) s",
                       [events])
        cursor.execute("INSERT INTO executions_logline (execution_id, seq, step_id, attempt, "
                       "level, message, timestamp) SELECT a.id, s, 't', 1, 'info', "
                       "'processed record ' || s || ' of 456 in 12 ms', "
                       "a.at + make_interval(secs => s) FROM ages a, generate_series(1, %s) s",
                       [lines])
        cursor.execute("VACUUM ANALYZE")  # as a day of real writes would have been by now
    return {"fill_s": time.perf_counter() - began}


def purge() -> dict[str, float]:
    import common  # noqa: F401, PLC0415
    import psutil  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from apps.executions.models import Execution  # noqa: PLC0415
    from apps.executions.services.retention import purge_old_executions  # noqa: PLC0415

    def history_bytes() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                           "WHERE c.relkind = 'r' AND (c.relname LIKE 'executions_logline%%' OR "
                           "c.relname LIKE 'executions_executionevent%%')")
            return int(cursor.fetchone()[0])

    process = psutil.Process()
    peak = [process.memory_info().rss]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], process.memory_info().rss)

    before_bytes = history_bytes()
    start_rss = process.memory_info().rss
    threading.Thread(target=sample, daemon=True).start()
    began = time.perf_counter()
    report = purge_old_executions()
    elapsed = time.perf_counter() - began
    done.set()
    return {"purge_s": elapsed, "executions": report["executions"],
            "partitions_dropped": report["partitions_dropped"],
            "partitions_s": report["partitions_ms"] / 1000,
            "peak_rss_mb": peak[0] / 2**20, "rss_growth_mb": (peak[0] - start_rss) / 2**20,
            "history_mb_before": before_bytes / 2**20, "history_mb_after": history_bytes() / 2**20,
            "kept": Execution.objects.count()}


def _case(url: str, step: str, args: argparse.Namespace) -> dict[str, float]:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, __file__, "--case", step, "--executions",
                           str(args.executions), "--events", str(args.events), "--lines",
                           str(args.lines)], env=env, cwd=ROOT, capture_output=True, text=True,
                          check=False)
    if done.returncode:
        sys.exit(f"{step} on {url} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--executions", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--lines", type=int, default=10)
    parser.add_argument("--case", choices=["fill", "purge"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        result = fill(args.executions, args.events, args.lines) if args.case == "fill" \
            else purge()
        print(json.dumps(result))
        return 0
    import psycopg  # noqa: PLC0415

    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        sys.exit("retention_bench.py needs PostgreSQL: DATABASE_URL=postgres://…/name")
    parts = urlsplit(base)
    name = parts.path.lstrip("/") or "retention"
    admin = parts._replace(path="/postgres").geturl()
    results = {}
    for kind in ("drop", "delete"):
        db = f"{name}_{kind}"
        url = parts._replace(path=f"/{db}").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
        env = {**os.environ, "DATABASE_URL": url}
        script = plain_history.SCRIPT if kind == "delete" else \
            "from django.core.management import call_command\ncall_command('migrate', verbosity=0)\n"
        subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env,
                       check=True)
        print(f"{kind}: filling {args.executions:,} + {KEPT:,} executions …", flush=True)
        results[kind] = {**_case(url, "fill", args), **_case(url, "purge", args)}
        print(f"{kind}: {results[kind]}", flush=True)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    drop, delete = results["drop"], results["delete"]
    rows_per = args.events + args.lines
    print(f"\nRetention of {args.executions:,} executions ({rows_per} history rows each, "
          f"{args.executions * rows_per:,} rows; {KEPT:,} recent kept), PostgreSQL, "
          f"{os.cpu_count()} cores")
    print(f"{'measure':<36}{'partitioned (drop)':>20}{'plain (delete)':>18}")
    for label, key, unit in (("executions deleted", "executions", ""),
                             ("bins dropped (events + lines)", "partitions_dropped", ""),
                             ("retention run", "purge_s", " s"),
                             ("  of which finding and dropping bins", "partitions_s", " s"),
                             ("peak memory of the process", "peak_rss_mb", " MB"),
                             ("memory growth during the run", "rss_growth_mb", " MB"),
                             ("history tables before", "history_mb_before", " MB"),
                             ("history tables after (no VACUUM)", "history_mb_after", " MB"),
                             ("executions kept", "kept", ""),
                             ("fill (not retention)", "fill_s", " s")):
        shown = [f"{v:,.1f}{unit}" if isinstance(v, float) else f"{v:,}{unit}"
                 for v in (drop[key], delete[key])]
        print(f"{label:<36}{shown[0]:>20}{shown[1]:>18}")
    print(f"{'speed-up':<36}{delete['purge_s'] / drop['purge_s']:>19.1f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
