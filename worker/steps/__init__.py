"""The step types the worker runs, keyed by `node.type`: one module each, one line here.
The same names are registered on the compiler side (compiler/steps/__init__.py)."""

from __future__ import annotations

from worker.steps import approval, condition, delay, http, python, transform, workflow
from worker.steps.base import Deferred, StepError, StepRunner

RUNNERS: dict[str, StepRunner] = {
    "python": python.RUNNER,
    "http": http.RUNNER,
    "transform": transform.RUNNER,
    "condition": condition.RUNNER,
    "delay": delay.RUNNER,
    "workflow": workflow.RUNNER,
    "approval": approval.RUNNER,
}

__all__ = ["RUNNERS", "Deferred", "StepError", "StepRunner"]
