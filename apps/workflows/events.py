"""A workflow's events (docs/events.md, the workflow channel): one function per type, the only
place their payloads are built, published on the workflow's group after commit; and the
state a new follower receives first (the latest CompilationResult). apps/realtime delivers
them and builds none."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from apps.realtime import broadcast
from apps.realtime.groups import group_for_workflow
from apps.workflows.models import Compilation, Workflow


def compilation_as_dict(compilation: Compilation) -> dict[str, Any]:
    """The CompilationResult shape (docs/workflow-format.md)."""
    return {
        "id": compilation.pk,
        "workflow_id": compilation.workflow_id,
        "revision": compilation.revision,
        "status": compilation.status,
        "timestamp": compilation.compiled_at.isoformat(),
        "duration_ms": compilation.duration_ms,
        "compiler_version": compilation.compiler_version,
        "artifacts": {
            "generated_code": compilation.generated_code,
            "code_sha256": compilation.code_sha256,
            "source_map": compilation.source_map,
            "dependencies": compilation.dependencies,
        },
        "issues": compilation.issues,
    }


def _publish_on_commit(workflow_id: int, payload: dict[str, Any]) -> None:
    transaction.on_commit(lambda: broadcast.publish(group_for_workflow(workflow_id), payload))


def compilation_started(workflow: Workflow) -> None:
    """A save began compiling this revision."""
    _publish_on_commit(workflow.pk, {"type": "compilation_started", "workflow_id": workflow.pk,
                                     "data": {"revision": workflow.revision}})


def compilation_resolving(compilation: Compilation, *, message: str) -> None:
    """The save's packages take longer to resolve than a save waits: a worker finishes the
    compilation (stored `resolving`, not runnable until then)."""
    _publish_on_commit(compilation.workflow_id, {
        "type": "compilation_started", "workflow_id": compilation.workflow_id,
        "data": {"revision": compilation.revision, "status": compilation.status,
                 "message": message, "compilation_id": compilation.pk}})


def compilation_completed(compilation: Compilation) -> None:
    """Its CompilationResult is stored."""
    _publish_on_commit(compilation.workflow_id, {
        "type": "compilation_completed", "workflow_id": compilation.workflow_id,
        "data": compilation_as_dict(compilation)})


def compilation_state(workflow: Workflow) -> dict[str, Any]:
    """What a new follower of the workflow's channel receives first: its latest result."""
    compilation = workflow.latest_compilation
    return {"type": "compilation_state", "workflow_id": workflow.pk,
            "data": compilation_as_dict(compilation) if compilation else None}


class WorkflowStates:
    """The snapshot source (apps/realtime/consumers.py) of a workflow's channel."""

    def snapshot(self, key: Any, user: Any) -> dict[str, Any] | None:
        """The current state for the workflow's owner; None for anybody else."""
        workflow = Workflow.objects.filter(pk=key, owner_id=user.pk).first()
        return compilation_state(workflow) if workflow is not None else None


WORKFLOW_STATES = WorkflowStates()
