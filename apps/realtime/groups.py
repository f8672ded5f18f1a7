"""Channels group names; the only place they are built (ASCII, `-_.`, < 100 chars)."""


def group_for_execution(execution_id: object) -> str:
    return f"execution.{execution_id}"


def group_for_workflow(workflow_id: object) -> str:
    return f"workflow.{workflow_id}"
