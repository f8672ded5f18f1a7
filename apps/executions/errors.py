"""Runtime error types with the seed's user message and a recovery action for each."""

from __future__ import annotations

from typing import Any

CATALOGUE: dict[str, tuple[str, str]] = {
    "step_timeout": ("Step execution exceeded time limit",
                     "Retry the step with a longer timeout."),
    "connection_failure": ("Integration connection lost",
                           "Check the URL and the service, or refresh the connection."),
    "input_validation": ("Invalid input data provided",
                         "Fix the fields listed and run again."),
    "resource_limit": ("Execution resource limit exceeded",
                       "Optimise the step, or retry it with more memory."),
    "worker_lost": ("The worker running this step stopped",
                    "It was retried automatically; retry the step if it keeps failing."),
    "code_error": ("The step's code raised an error",
                   "Fix the code at the line shown, then retry the step."),
    "expression_error": ("An expression could not be evaluated",
                         "Check the {{ }} expression against the upstream outputs."),
    "output_error": ("The step's output is not JSON",
                     "Return only dicts, lists, strings, numbers, booleans and None."),
    "workflow_error": ("The sub-workflow failed", "Open the child execution to see why."),
    "sandbox_error": ("The sandbox could not run the step",
                      "Retry the step; tell the operators if it persists."),
    "cancelled": ("The execution was stopped", "Re-run it when ready."),
}


def describe(error: dict[str, Any], *, node_id: str | None = None) -> dict[str, Any]:
    """Complete an error dict with its user message, suggestion and node."""
    kind = error.get("type") or "code_error"
    title, action = CATALOGUE.get(kind, CATALOGUE["code_error"])
    out = dict(error)
    out["type"] = kind
    out.setdefault("title", title)
    out.setdefault("suggestion", action)
    if node_id:
        out.setdefault("node_id", node_id)
    frames = out.get("frames") or []
    if frames and "line" not in out:
        out["line"] = frames[-1].get("line")
    return out
