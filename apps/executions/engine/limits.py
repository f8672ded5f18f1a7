"""A step's limits as the engine and the worker apply them: a retry's override first, then the
step's own setting, then the owner's default. One place, so the broker message's time limit,
the sandbox's and the runner's agree."""

from __future__ import annotations

from typing import Any

from apps.executions.models import StepRun


def step_timeout_s(step: StepRun, spec: dict[str, Any], config: dict[str, Any]) -> float:
    """The step's time limit in seconds."""
    explicit = step.overrides.get("timeout_seconds") or spec.get("timeout_seconds")
    return float(explicit or config["default_timeout_seconds"])


def memory_limit_mb(step: StepRun, spec: dict[str, Any], config: dict[str, Any]) -> int:
    """The step's memory limit in MB."""
    return int(step.overrides.get("memory_limit_mb") or spec.get("memory_limit_mb")
               or config["default_memory_limit_mb"])
