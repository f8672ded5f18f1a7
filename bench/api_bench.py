"""API figures (docs/architecture.md, "Figures"): the history list with 1,000,000 executions in PostgreSQL
(filtered by status and workflow, newest first; the first page and a deep page reached by
cursor), the web app's history page (which counts what matches its filter), and an execution
detail with 500 steps. The same queries in raw SQL are the floor.

    DATABASE_URL=postgres://… .venv/bin/python bench/api_bench.py [--rows 1000000]

Rows are generated inside PostgreSQL (generate_series), so loading takes seconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import timedelta

import common  # sets Django up: before any app import
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from apps.executions import partitions  # noqa: E402
from apps.executions.models import Execution, StepRun  # noqa: E402
from apps.web.views import HISTORY_COUNT_CAP  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402
from bench import plain_history  # noqa: E402
from tests.factories import transform_definition  # noqa: E402

# The plain tables, and 0013 recorded as applied so that bench_user's migrate keeps them.
PLAIN_HISTORY = plain_history.SCRIPT + (
    "from django.db.migrations.recorder import MigrationRecorder\n"
    "MigrationRecorder.Migration.objects.get_or_create(app='executions', "
    "name='0013_partition_history')\n")
STATUSES = ["succeeded", "failed", "cancelled", "succeeded", "succeeded"]


def load(user, workflows: list, rows: int) -> None:  # type: ignore[no-untyped-def]
    compilation_ids = [w.latest_compilation.pk for w in workflows]
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO executions_execution (id, owner_id, workflow_id, compilation_id,
                parent_step_id, code_sha256, status, trigger, environment, inputs, encrypted_secret_inputs,
                current_step, idempotency_key, created_at, started_at, finished_at,
                duration_ms, last_event_seq, last_log_seq, concurrency_key, waiting_reason,
                waiting_on_limit, priority, source)
            SELECT gen_random_uuid(), %s, (%s::int[])[1 + g %% %s], (%s::int[])[1 + g %% %s],
                '', '', (%s::text[])[1 + (g / 7) %% 5], 'api', 'default', '{}', '', '', '',
                now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval,
                now() - (g || ' seconds')::interval + interval '2 seconds', 2000, 0, 0,
                '', '', false, 1, '{}'
            FROM generate_series(1, %s) AS g""",
                       [user.pk, [w.pk for w in workflows], len(workflows), compilation_ids,
                        len(workflows), STATUSES, rows])
        cursor.execute("ANALYZE executions_execution")


def timed(call, repeats: int = 40) -> list[float]:  # type: ignore[no-untyped-def]
    # One call first, not counted: the first read of freshly inserted rows also sets their
    # hint bits (PostgreSQL writes those pages), which no later read pays.
    call()
    samples = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--plain-history", action="store_true",
                        help="a fresh database with unpartitioned events and log lines")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (this measures PostgreSQL).")
    if args.plain_history:  # the tables migration 0013 replaced, to compare with
        call_command("shell", "-c", PLAIN_HISTORY)
    user = common.bench_user()
    # A month of daily bins, as 30 days' retention keeps: queries that do not name a time
    # visit every one of them.
    partitions.ensure_since(timezone.now() - timedelta(days=30))
    workflows = [workflow_services.workflow_create(owner=user, slug=f"w{i}",
                                                   definition=transform_definition(i))
                 for i in range(10)]
    began = time.time()
    load(user, workflows, args.rows)
    loaded_s = time.time() - began
    client = common.token_client(user)
    query = {"status": "failed", "workflow": workflows[3].pk, "page_size": 50}
    first = client.get("/api/v1/executions/", query)
    assert first.status_code == 200, first.content
    deep_url = first.json()["next"]
    for _ in range(200):  # follow cursors 200 pages down: ~10,000 rows in
        following = client.get(deep_url).json()["next"]
        if following is None:
            break
        deep_url = following
    rows: list[tuple[str, str, str]] = []
    for label, call in [
        ("history, status+workflow, first page", lambda: client.get("/api/v1/executions/",
                                                                    query)),
        ("history, status+workflow, page 200", lambda: client.get(deep_url)),
        ("history, unfiltered, first page", lambda: client.get("/api/v1/executions/")),
    ]:
        samples = timed(call)
        rows.append((label, f"p95 {common.percentile(samples, .95):.1f} ms",
                     f"p50 {statistics.median(samples):.1f} ms (target p95 ≤ 25 ms)"))

    def raw_first_page() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM executions_execution WHERE owner_id = %s AND "
                           "status = 'failed' AND workflow_id = %s ORDER BY created_at DESC "
                           "LIMIT 51", [user.pk, workflows[3].pk])
            cursor.fetchall()

    samples = timed(raw_first_page)
    rows.append(("raw SQL of the first page (floor)",
                 f"p95 {common.percentile(samples, .95):.1f} ms",
                 f"p50 {statistics.median(samples):.1f} ms"))
    rows += web_history_rows(user, workflows[3].pk)
    execution = Execution.objects.filter(owner=user).first()
    StepRun.objects.bulk_create([StepRun(execution=execution, step_id=f"s{i}",
                                         step_type="transform", status="succeeded",
                                         output={"value": i}, duration_ms=1.0)
                                 for i in range(500)])
    # 100 samples: a p95 of 20 would be their slowest one
    samples = timed(lambda: client.get(f"/api/v1/executions/{execution.pk}/"), repeats=100)
    rows.append(("execution detail, 500 steps", f"p95 {common.percentile(samples, .95):.1f} ms",
                 f"p50 {statistics.median(samples):.1f} ms"))
    rows += log_rows(client, execution)
    layout = (f"{partitions.sizes()['executions_logline']['partitions']} partitions"
              if partitions.enabled() else "plain tables")
    common.print_table(f"API benchmark ({args.rows:,} executions loaded in {loaded_s:.0f} s; "
                       f"history: {layout})", rows)


def web_history_rows(user, workflow_id: int) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """The history page of the web app, which also says how many executions match its
    filter (counted up to views.HISTORY_COUNT_CAP), and that count alone: what it adds."""
    page = Client(HTTP_HOST="127.0.0.1")
    page.force_login(user)
    everything = Execution.objects.filter(owner=user, parent__isnull=True).order_by()
    rows = []
    for label, url, matching in [
        ("status+workflow", f"/executions/?status=failed&workflow={workflow_id}",
         everything.filter(status="failed", workflow_id=workflow_id)),
        ("unfiltered", "/executions/", everything),
    ]:
        assert page.get(url).status_code == 200
        samples = timed(lambda url=url: page.get(url))
        rows.append((f"web history page, {label}", f"p95 {common.percentile(samples, .95):.1f} ms",
                     f"p50 {statistics.median(samples):.1f} ms (with its count)"))
        samples = timed(lambda matching=matching: matching[:HISTORY_COUNT_CAP + 1].count())
        rows.append((f"  its count alone (up to {HISTORY_COUNT_CAP + 1:,})",
                     f"p95 {common.percentile(samples, .95):.1f} ms",
                     f"p50 {statistics.median(samples):.1f} ms"))
    return rows


def log_rows(client, execution) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """An execution's log pages (10,000 lines over 5 steps) and its raw SQL floor."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO executions_logline (execution_id, seq, step_id, attempt, "
                       "level, message, timestamp) SELECT %s, g, 's' || (g %% 5), 1, "
                       "CASE WHEN g %% 50 = 0 THEN 'error' ELSE 'info' END, 'line ' || g, "
                       "now() FROM generate_series(1, 10000) g", [execution.pk])
        cursor.execute("ANALYZE executions_logline")
    url = f"/api/v1/executions/{execution.pk}/logs/"
    rows = []
    for label, params in (("logs, first page", {}), ("logs, one step's", {"step": "s3"}),
                          ("logs, errors only", {"level": "error"}),
                          ("logs, after seq 9,000", {"after": 9000})):
        assert client.get(url, params).status_code == 200
        samples = timed(lambda params=params: client.get(url, params), repeats=30)
        rows.append((label, f"p95 {common.percentile(samples, .95):.1f} ms",
                     f"p50 {statistics.median(samples):.1f} ms"))

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM executions_logline WHERE execution_id = %s "
                           "ORDER BY seq LIMIT 101", [execution.pk])
            cursor.fetchall()

    samples = timed(raw)
    rows.append(("raw SQL of the first log page (floor)",
                 f"p95 {common.percentile(samples, .95):.1f} ms",
                 f"p50 {statistics.median(samples):.1f} ms"))
    return rows


if __name__ == "__main__":
    main()
