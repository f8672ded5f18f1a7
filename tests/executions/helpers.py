"""Helpers for engine tests: start a workflow and wait for it to finish."""

from __future__ import annotations

from typing import Any

from apps.executions.models import TERMINAL_EXECUTION, Execution
from apps.executions.services import execution_start
from apps.workflows import services as workflow_services
from tests.conftest import wait_until


def start(owner, definition: dict[str, Any], inputs: dict[str, Any] | None = None,  # type: ignore[no-untyped-def]
          slug: str | None = None) -> Execution:
    workflow = workflow_services.workflow_create(owner=owner, definition=definition,
                                                 slug=slug or None,
                                                 name=definition.get("name") or "wf")
    assert workflow.latest_compilation.runnable, workflow.latest_compilation.issues
    return execution_start(workflow=workflow, owner=owner, inputs=inputs or {})


def finished(execution: Execution, timeout: float = 60) -> Execution:
    """The execution once its story is over: ended, and `execution_completed` stored (a
    stopped execution's story ends when its running steps have stopped)."""
    def done() -> Execution | None:
        execution.refresh_from_db()
        over = execution.status in TERMINAL_EXECUTION and execution.finished_at is not None
        return execution if over else None

    return wait_until(done, timeout=timeout)


def steps_by_id(execution: Execution) -> dict[str, Any]:
    return {step.step_id: step for step in execution.steps.all()}


def event_types(execution: Execution) -> list[str]:
    return list(execution.events.order_by("seq").values_list("type", flat=True))


def py_node(node_id: str, code: str, **data: Any) -> dict[str, Any]:
    return {"id": node_id, "type": "python", "position": {"x": 0, "y": 0},
            "data": {"config": {"code": code}, "timeout_seconds": data.pop("timeout_seconds", 10),
                     **data}}
