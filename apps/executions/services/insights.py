"""Performance across runs: per-step timing percentiles, failure counts and memory, computed
from the last runs of a workflow (recent behaviour matters more than all-time averages)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from apps.executions.models import Execution, StepRun
from apps.workflows.models import Workflow

RECENT_RUNS = 100


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return round(ordered[index], 1)


def workflow_trends(*, workflow: Workflow, runs: int = RECENT_RUNS) -> dict[str, Any]:
    recent = list(Execution.objects.filter(workflow=workflow, parent__isnull=True)
                  .order_by("-created_at")
                  .values("id", "status", "duration_ms", "created_at")[:runs])
    finished = [r for r in recent if r["status"] in ("succeeded", "failed", "cancelled")]
    durations = [r["duration_ms"] for r in finished if r["duration_ms"] is not None]
    per_step: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"durations": [], "failures": 0, "runs": 0, "peaks": []})
    for step in StepRun.objects.filter(execution_id__in=[r["id"] for r in recent]).values(
            "step_id", "status", "duration_ms", "metrics"):
        entry = per_step[step["step_id"]]
        if step["status"] in ("succeeded", "failed"):
            entry["runs"] += 1
        if step["status"] == "failed":
            entry["failures"] += 1
        if step["duration_ms"] is not None and step["status"] == "succeeded":
            entry["durations"].append(step["duration_ms"])
        peak = (step["metrics"] or {}).get("peak_rss_mb")
        if isinstance(peak, int | float):
            entry["peaks"].append(peak)
    succeeded = sum(1 for r in finished if r["status"] == "succeeded")
    return {
        "workflow_id": workflow.pk,
        "runs": len(recent),
        "succeeded": succeeded,
        "failed": sum(1 for r in finished if r["status"] == "failed"),
        "success_rate": round(succeeded / len(finished), 3) if finished else None,
        "duration_ms": {"p50": percentile(durations, 0.5), "p95": percentile(durations, 0.95)},
        "steps": [
            {"step_id": step_id, "runs": entry["runs"], "failures": entry["failures"],
             "p50_ms": percentile(entry["durations"], 0.5),
             "p95_ms": percentile(entry["durations"], 0.95),
             "peak_rss_mb": max(entry["peaks"]) if entry["peaks"] else None}
            for step_id, entry in sorted(per_step.items())
        ],
        "recent": [{"execution_id": str(r["id"]), "status": r["status"],
                    "duration_ms": r["duration_ms"], "created_at": r["created_at"].isoformat()}
                   for r in recent[:20]],
    }
