"""Insight figures (docs/architecture.md, "Figures"): workflow metrics of a 20-step workflow with 10,000 runs in
PostgreSQL (p95 of the API call, over the default 100 and the maximum 1,000 recent runs), and
retention of 1,000,000 old executions (time, peak memory). Raw SQL of the same reads is the
floor.

    DATABASE_URL=postgres://… .venv/bin/python bench/insights_bench.py [--old 1000000]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

import common  # sets Django up: before any app import
from django.db import connection  # noqa: E402

from apps.executions.services.retention import purge_old_executions  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402

STEPS = 20


def chain(n: int) -> dict:
    nodes = [{"id": f"s{i}", "type": "transform", "data": {"config": {"value": i}}}
             for i in range(n)]
    return {"name": "twenty", "nodes": nodes,
            "edges": [{"source": f"s{i}", "target": f"s{i + 1}"} for i in range(n - 1)]}


def load_runs(user, workflow, runs: int, days_ago: int) -> None:  # type: ignore[no-untyped-def]
    """`runs` finished executions, each with STEPS step rows, generated inside PostgreSQL."""
    compilation = workflow.latest_compilation
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO executions_execution (id, owner_id, workflow_id, compilation_id,
                parent_step_id, code_sha256, status, trigger, environment, inputs,
                encrypted_secret_inputs, current_step, idempotency_key, created_at,
                started_at, finished_at, duration_ms, last_event_seq, last_log_seq)
            SELECT gen_random_uuid(), %s, %s, %s, '', %s,
                CASE WHEN g %% 10 = 0 THEN 'failed' ELSE 'succeeded' END, 'api', 'default',
                '{}', '', '', '', now() - make_interval(days => %s, secs => g),
                now() - make_interval(days => %s, secs => g),
                now() - make_interval(days => %s, secs => g) + interval '1 second', 1000, 0, 0
            FROM generate_series(1, %s) AS g""",
                       [user.pk, workflow.pk, compilation.pk, compilation.code_sha256, days_ago,
                        days_ago, days_ago, runs])
        if days_ago == 0:
            cursor.execute("""
                INSERT INTO executions_steprun (execution_id, step_id, step_type, status,
                    attempts, output_truncated, metrics, debug, overrides, queued_at,
                    started_at, finished_at, duration_ms, lease_token, lease_owner,
                    lost_count, error_signature)
                SELECT e.id, 's' || s, 'transform', 'succeeded', 1 + (s = 3 AND random() < .3)::int,
                    false, jsonb_build_object('peak_rss_mb', 40 + s), '{}', '{}', e.started_at,
                    e.started_at, e.finished_at, 5 + s * random() * 10, '', '', 0, ''
                FROM executions_execution e, generate_series(0, %s) AS s
                WHERE e.workflow_id = %s""", [STEPS - 1, workflow.pk])
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--old", type=int, default=1_000_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (this measures PostgreSQL).")
    user = common.bench_user()
    workflow = workflow_services.workflow_create(owner=user, definition=chain(STEPS),
                                                 slug="twenty")
    load_runs(user, workflow, args.runs, days_ago=0)
    client = common.token_client(user)
    rows: list[tuple[str, str, str]] = []
    for runs in (100, 1000):
        url = f"/api/v1/workflows/{workflow.pk}/metrics/?runs={runs}"
        assert client.get(url).status_code == 200
        samples = []
        for _ in range(20):
            began = time.perf_counter()
            client.get(url)
            samples.append((time.perf_counter() - began) * 1000)
        rows.append((f"workflow metrics, last {runs} of {args.runs:,} runs × {STEPS} steps",
                     f"p95 {common.percentile(samples, .95):.0f} ms",
                     f"p50 {statistics.median(samples):.0f} ms (target p95 ≤ 200 ms)"))
    with connection.cursor() as cursor:
        began = time.perf_counter()
        cursor.execute("SELECT step_id, percentile_cont(0.95) WITHIN GROUP (ORDER BY "
                       "duration_ms) FROM executions_steprun WHERE execution_id IN (SELECT id "
                       "FROM executions_execution WHERE workflow_id = %s ORDER BY created_at "
                       "DESC LIMIT 1000) GROUP BY step_id", [workflow.pk])
        cursor.fetchall()
        rows.append(("raw SQL p95 per step over 1,000 runs (floor)",
                     f"{(time.perf_counter() - began) * 1000:.0f} ms", "one query"))
    old_workflow = workflow_services.workflow_create(owner=user, definition=chain(2),
                                                     slug="old")
    began = time.time()
    load_runs(user, old_workflow, args.old, days_ago=400)
    loaded = time.time() - began
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.time()
    report = purge_old_executions(batch=2000)
    elapsed = time.time() - began
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append((f"retention of {args.old:,} old executions",
                 f"{elapsed:.0f} s", f"{report['executions'] / elapsed:,.0f} rows/s in "
                 f"{report['batches']} batches; peak RSS {rss_before:.0f} → {rss_after:.0f} MB "
                 f"(loaded in {loaded:.0f} s)"))
    common.print_table("Insights benchmark", rows)


if __name__ == "__main__":
    main()
