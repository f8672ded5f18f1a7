"""The step types the compiler knows, keyed by `node.type`: one module each, one line here.

A step type's worker side is registered under the same name in `worker/steps/__init__.py`;
docs/architecture.md ("Adding a step type") walks through both with an example."""

from __future__ import annotations

from compiler.steps import approval, condition, delay, http, python, transform, workflow
from compiler.steps.base import StepCheck, StepType

REGISTRY: dict[str, StepType] = {
    "python": python.TYPE,
    "http": http.TYPE,
    "transform": transform.TYPE,
    "condition": condition.TYPE,
    "delay": delay.TYPE,
    "workflow": workflow.TYPE,
    "approval": approval.TYPE,
}

__all__ = ["REGISTRY", "StepCheck", "StepType"]
