"""Plain builders for test rows: make_<model>(**overrides)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth import get_user_model

from apps.workflows import services
from apps.workflows.models import Workflow


def make_user(**overrides: Any):  # noqa: ANN201 - the project's user model
    fields = {"username": f"user-{uuid.uuid4().hex[:8]}", "password": "pw-for-tests-1"}
    fields.update(overrides)
    return get_user_model().objects.create_user(**fields)


def transform_definition(value: Any = "hello", **extra: Any) -> dict[str, Any]:
    return {
        "name": "T",
        "nodes": [{"id": "t", "type": "transform", "position": {"x": 0, "y": 0},
                   "data": {"config": {"value": value}}}],
        "edges": [],
        "output": "{{ steps.t.output }}",
        **extra,
    }


def make_workflow(*, owner, definition: dict[str, Any] | None = None,  # type: ignore[no-untyped-def]
                  slug: str | None = None, name: str = "Workflow") -> Workflow:
    return services.workflow_create(owner=owner, definition=definition or transform_definition(),
                                    name=name, slug=slug or f"wf-{uuid.uuid4().hex[:8]}")


def make_execution(*, owner, status: str = "running"):  # type: ignore[no-untyped-def]
    """An execution row of a one-step workflow, without queueing anything."""
    from apps.executions.models import Execution, StepRun

    workflow = make_workflow(owner=owner)
    execution = Execution.objects.create(owner=owner, workflow=workflow,
                                         compilation=workflow.latest_compilation,
                                         status=status)
    StepRun.objects.create(execution=execution, step_id="t", step_type="transform")
    return execution
