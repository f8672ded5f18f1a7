"""Performance and error insights: where an execution's time went (queue wait, run, retries;
the critical path and its bottleneck), how a workflow behaves across its recent runs
(percentiles, failure rates, trends, memory against limits), recommendations that each show
the numbers behind them, and failures grouped into patterns across runs."""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from typing import Any

from django.db import connection

from apps.executions import sql
from apps.executions.engine.artifacts import artifact_for
from apps.executions.errors import normalise_message
from apps.executions.models import Execution, StepAttempt, StepRun
from apps.runtime.selectors import runtime_config_get
from apps.workflows.models import Workflow

RECENT_RUNS = 100
MAX_RUNS = 1000


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile (PostgreSQL's percentile_disc); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))
    return round(ordered[index], 1)


def _ms(later: Any, earlier: Any) -> float | None:
    if later is None or earlier is None:
        return None
    return round((later - earlier).total_seconds() * 1000, 1)


# ---- one execution ------------------------------------------------------------------------

def critical_path(predecessors: dict[str, list[str]], finished: dict[str, Any]) -> list[str]:
    """The chain of steps that bounded the total: from the step that finished last, walk back
    through the predecessor that finished last (the one the step had to wait for)."""
    done = {sid: at for sid, at in finished.items() if at is not None}
    if not done:
        return []
    current: str | None = max(done, key=lambda sid: done[sid])
    path: list[str] = []
    while current is not None:
        path.append(current)
        waited = [p for p in predecessors.get(current, []) if p in done]
        current = max(waited, key=lambda p: done[p]) if waited else None
    return path[::-1]


def execution_metrics(execution: Execution) -> dict[str, Any]:
    module = artifact_for(execution)
    steps = list(execution.steps.order_by("id"))
    attempts: dict[int, list[StepAttempt]] = defaultdict(list)
    for attempt in StepAttempt.objects.filter(step_run__execution=execution).order_by("number"):
        attempts[attempt.step_run_id].append(attempt)
    breakdown = []
    for step in steps:
        rows = attempts.get(step.pk, [])
        last = rows[-1] if rows else None
        breakdown.append({
            "step_id": step.step_id, "status": step.status, "attempts": step.attempts,
            "queue_wait_ms": _ms(rows[0].started_at if rows else None, step.queued_at),
            "run_ms": last.duration_ms if last else None,
            "retry_ms": round(sum(a.duration_ms or 0 for a in rows[:-1]), 1) if rows else 0,
            "total_ms": _ms(step.finished_at, step.queued_at),
            "cpu_seconds": (step.metrics or {}).get("cpu_seconds"),
            "peak_rss_mb": (step.metrics or {}).get("peak_rss_mb"),
            "samples": (step.metrics or {}).get("samples", []),
        })
    path = critical_path({sid: spec.get("predecessors", []) for sid, spec in
                          module.STEPS.items()},
                         {s.step_id: s.finished_at for s in steps
                          if s.status in ("succeeded", "failed")})
    totals = {row["step_id"]: row["total_ms"] or 0 for row in breakdown}
    bottleneck = max(path, key=lambda sid: totals.get(sid, 0)) if path else None
    path_ms = sum(totals.get(sid, 0) for sid in path)
    return {
        "execution_id": str(execution.pk), "status": execution.status,
        "duration_ms": execution.duration_ms, "steps": breakdown,
        "critical_path": path, "critical_path_ms": round(path_ms, 1),
        "bottleneck": {"step_id": bottleneck, "ms": totals.get(bottleneck, 0),
                       "share": round(totals.get(bottleneck, 0) / path_ms, 3)
                       if path_ms else None} if bottleneck else None,
        "error_patterns": _patterns_of(execution, steps),
    }


# ---- one workflow across runs -------------------------------------------------------------

def workflow_trends(*, workflow: Workflow, runs: int = RECENT_RUNS) -> dict[str, Any]:
    runs = max(1, min(runs, MAX_RUNS))
    recent = list(Execution.objects.filter(workflow=workflow, parent__isnull=True)
                  .order_by("-created_at")
                  .values("id", "status", "duration_ms", "created_at", "compilation_id")[:runs])
    finished = [r for r in recent if r["status"] in ("succeeded", "failed", "cancelled")]
    durations = [r["duration_ms"] for r in finished if r["duration_ms"] is not None]
    per_step = (_step_stats_sql(workflow, len(recent)) if connection.vendor == "postgresql"
                else _step_stats(recent))
    module = artifact_for(Execution.objects.get(pk=recent[0]["id"])) if recent else None
    config = runtime_config_get(owner=workflow.owner_id)
    steps = []
    for step_id, entry in sorted(per_step.items()):
        spec = module.STEPS.get(step_id, {}) if module else {}
        newer, older = entry["newer_p50"], entry["older_p50"]
        steps.append({
            "step_id": step_id, "type": spec.get("type"), "runs": entry["runs"],
            "failures": entry["failures"],
            "failure_rate": round(entry["failures"] / entry["runs"], 3) if entry["runs"] else None,
            "retry_rate": round(entry["retried"] / entry["runs"], 3) if entry["runs"] else None,
            "p50_ms": entry["p50_ms"],
            "p95_ms": entry["p95_ms"],
            "trend": round(newer / older, 2) if newer and older else None,
            "peak_rss_mb": entry["peak_rss_mb"],
            "memory_limit_mb": spec.get("memory_limit_mb") or config["default_memory_limit_mb"],
            "timeout_seconds": spec.get("timeout_seconds") or config["default_timeout_seconds"],
        })
    succeeded = sum(1 for r in finished if r["status"] == "succeeded")
    trends = {
        "workflow_id": workflow.pk,
        "runs": len(recent),
        "succeeded": succeeded,
        "failed": sum(1 for r in finished if r["status"] == "failed"),
        "success_rate": round(succeeded / len(finished), 3) if finished else None,
        "duration_ms": {"p50": percentile(durations, 0.5), "p95": percentile(durations, 0.95)},
        "steps": steps,
        "recent": [{"execution_id": str(r["id"]), "status": r["status"],
                    "duration_ms": r["duration_ms"], "created_at": r["created_at"].isoformat()}
                   for r in recent[:50]],
    }
    trends["recommendations"] = recommendations(module, trends) if module else []
    return trends


def _step_stats(recent: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per-step figures over the given runs, computed here (SQLite)."""
    order = {r["id"]: i for i, r in enumerate(recent)}  # 0 = newest
    half = len(recent) / 2
    raw: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"durations": [], "failures": 0, "runs": 0, "peaks": [], "retried": 0,
                 "newer": [], "older": []})
    for step in StepRun.objects.filter(execution_id__in=list(order)).values_list(
            "execution_id", "step_id", "status", "duration_ms", "attempts",
            "metrics__peak_rss_mb"):
        execution_id, step_id, status, duration, attempts, peak = step
        entry = raw[step_id]
        if status in ("succeeded", "failed"):
            entry["runs"] += 1
            entry["retried"] += attempts > 1
        entry["failures"] += status == "failed"
        if duration is not None and status == "succeeded":
            entry["durations"].append(duration)
            entry["newer" if order[execution_id] < half else "older"].append(duration)
        if isinstance(peak, int | float) and not isinstance(peak, bool):
            entry["peaks"].append(peak)
    return {step_id: {
        "runs": e["runs"], "failures": e["failures"], "retried": e["retried"],
        "p50_ms": percentile(e["durations"], .5), "p95_ms": percentile(e["durations"], .95),
        "newer_p50": percentile(e["newer"], .5), "older_p50": percentile(e["older"], .5),
        "peak_rss_mb": max(e["peaks"]) if e["peaks"] else None,
    } for step_id, e in raw.items()}


def _step_stats_sql(workflow: Workflow, runs: int) -> dict[str, dict[str, Any]]:
    """The same figures in one PostgreSQL query (apps/executions/sql.py)."""
    rows = sql.step_stats_rows(workflow.pk, runs)

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {step_id: {
        "runs": runs_, "failures": failures, "retried": retried, "p50_ms": rounded(p50),
        "p95_ms": rounded(p95), "newer_p50": rounded(newer), "older_p50": rounded(older),
        "peak_rss_mb": peak if peak is None or peak % 1 else int(peak),
    } for step_id, runs_, failures, retried, p50, p95, newer, older, peak in rows}


# ---- recommendations ----------------------------------------------------------------------

NEAR_LIMIT = 0.8
FLAKY_RATE = 0.2
MIN_RUNS = 5
DOMINANT_SHARE = 0.5
OVERSIZED = 4.0
_STEP_REFERENCE = re.compile(r"steps\s*(?:\.\s*([A-Za-z0-9_-]+)|\[\s*['\"]([^'\"]+)['\"]\s*\])")


def referenced_steps(spec: dict[str, Any]) -> set[str]:
    """Steps whose outputs a step's inputs or config read (its data dependencies)."""
    text = json.dumps([spec.get("inputs"), spec.get("config")])
    return {a or b for a, b in _STEP_REFERENCE.findall(text)}


def recommendations(module: Any, trends: dict[str, Any]) -> list[dict[str, Any]]:
    """Each rule explains itself with the numbers that made it fire."""
    out: list[dict[str, Any]] = []
    stats = {s["step_id"]: s for s in trends["steps"]}
    total_p50 = sum(s["p50_ms"] or 0 for s in trends["steps"])

    def add(rule: str, step_id: str | None, message: str, **numbers: Any) -> None:
        out.append({"rule": rule, "step_id": step_id, "message": message, "numbers": numbers})

    for step_id, s in stats.items():
        if s["runs"] < MIN_RUNS:
            continue
        spec = module.STEPS.get(step_id, {})  # "oversized" only for limits somebody set
        p95, p50 = s["p95_ms"], s["p50_ms"]
        timeout_ms = float(s["timeout_seconds"]) * 1000
        if p95 and p95 >= NEAR_LIMIT * timeout_ms:
            add("near_timeout", step_id, f"{step_id} takes {p95:.0f} ms at p95, "
                f"{p95 / timeout_ms:.0%} of its {s['timeout_seconds']} s timeout: raise the "
                "timeout or speed the step up.", p95_ms=p95, timeout_ms=timeout_ms)
        elif (p95 and spec.get("timeout_seconds") and timeout_ms >= 10 * OVERSIZED * p95
              and timeout_ms > 60_000):
            add("timeout_oversized", step_id, f"{step_id}'s timeout ({s['timeout_seconds']} s)"
                f" is {timeout_ms / p95:.0f}× its p95 ({p95:.0f} ms): a tighter timeout "
                "stops a hung run sooner.", p95_ms=p95, timeout_ms=timeout_ms)
        peak, limit = s["peak_rss_mb"], s["memory_limit_mb"]
        if peak and limit and peak >= NEAR_LIMIT * limit:
            add("near_memory_limit", step_id, f"{step_id} peaks at {peak:.0f} MB of its "
                f"{limit} MB limit ({peak / limit:.0%}): raise the limit or use less memory.",
                peak_rss_mb=peak, memory_limit_mb=limit)
        elif (peak and spec.get("memory_limit_mb") and limit >= OVERSIZED * peak
              and limit > 256):
            add("memory_oversized", step_id, f"{step_id} peaks at {peak:.0f} MB but may use "
                f"{limit} MB ({limit / peak:.0f}×): a lower limit frees the worker for "
                "others.", peak_rss_mb=peak, memory_limit_mb=limit)
        if s["retry_rate"] is not None and s["retry_rate"] >= FLAKY_RATE:
            add("flaky", step_id, f"{step_id} needed a retry in {s['retry_rate']:.0%} of "
                f"{s['runs']} runs: find the intermittent cause (a slow dependency?).",
                retry_rate=s["retry_rate"], runs=s["runs"])
        if total_p50 and p50 and p50 / total_p50 >= DOMINANT_SHARE and len(stats) > 1:
            add("dominates_critical_path", step_id, f"{step_id} is {p50 / total_p50:.0%} of "
                f"the run time ({p50:.0f} of {total_p50:.0f} ms at p50): the place to optimise.",
                p50_ms=p50, total_p50_ms=total_p50)
    for step_id, spec in module.STEPS.items():
        if spec.get("type") == "http" and not spec.get("timeout_seconds"):
            add("http_without_timeout", step_id, f"{step_id} calls a service with no timeout "
                "of its own: set timeout_seconds so a hung service fails fast.",
                default_timeout_s=stats.get(step_id, {}).get("timeout_seconds"))
        predecessors = spec.get("predecessors", [])
        if len(predecessors) == 1:
            before = predecessors[0]
            if (before not in referenced_steps(spec) and module.STEPS[before].get("type") not in
                    ("condition",) and stats.get(step_id, {}).get("p50_ms")
                    and stats.get(before, {}).get("p50_ms")):
                add("could_run_in_parallel", step_id, f"{step_id} waits for {before} but "
                    f"reads nothing from it: run them side by side to save up to "
                    f"{min(stats[step_id]['p50_ms'], stats[before]['p50_ms']):.0f} ms.",
                    step_p50_ms=stats[step_id]["p50_ms"], predecessor=before,
                    predecessor_p50_ms=stats[before]["p50_ms"])
    return out


# ---- error patterns -----------------------------------------------------------------------

def error_patterns(*, owner: Any, workflow: Workflow | None = None,
                   limit: int = 50) -> list[dict[str, Any]]:
    """Failures across runs grouped by signature: count, first and last seen, runs affected."""
    query = StepRun.objects.filter(execution__owner=owner, status="failed").exclude(
        error_signature="")
    if workflow is not None:
        query = query.filter(execution__workflow=workflow)
    groups: dict[str, dict[str, Any]] = {}
    for step in query.order_by("-finished_at").values(
            "error_signature", "step_id", "error", "finished_at", "execution_id",
            "execution__workflow_id")[:5000]:
        group = groups.get(step["error_signature"])
        error = step["error"] or {}
        if group is None:
            group = groups[step["error_signature"]] = {
                "signature": step["error_signature"], "step_id": step["step_id"],
                "workflow_id": step["execution__workflow_id"], "type": error.get("type"),
                "pattern": normalise_message(str(error.get("message", ""))),
                "example": str(error.get("message", ""))[:500], "count": 0,
                "first_seen": step["finished_at"], "last_seen": step["finished_at"],
                "executions": []}
        group["count"] += 1
        group["first_seen"] = min(filter(None, [group["first_seen"], step["finished_at"]]),
                                  default=None)
        if len(group["executions"]) < 20:
            group["executions"].append(str(step["execution_id"]))
    ordered = sorted(groups.values(), key=lambda g: -g["count"])[:limit]
    for group in ordered:
        for key in ("first_seen", "last_seen"):
            group[key] = group[key].isoformat() if group[key] else None
    return ordered


def _patterns_of(execution: Execution, steps: list[StepRun]) -> list[dict[str, Any]]:
    """For each failed step of this execution: how many other runs failed the same way."""
    out = []
    for step in steps:
        if step.status != "failed" or not step.error_signature:
            continue
        others = StepRun.objects.filter(
            execution__owner_id=execution.owner_id, error_signature=step.error_signature,
            status="failed").exclude(execution=execution).values("execution_id").distinct()
        out.append({"step_id": step.step_id, "signature": step.error_signature,
                    "other_runs": others.count()})
    return out
