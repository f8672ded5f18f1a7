"""Runtime error types with the seed's user message and a recovery action for each."""

from __future__ import annotations

import hashlib
import re
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
    "packages_unavailable": ("The step's packages could not be installed on this worker",
                             "Retry the step (the package index may have been unreachable); "
                             "tell the operators if it persists."),
    "approval_rejected": ("The approver rejected this step",
                          "Address the reason given, then re-run, or skip the step with a "
                          "substitute output."),
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


# Failures that differ only in ids, numbers and paths share a signature (error patterns).
_VOLATILE = [
    (re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?"
                r"[0-9a-fA-F]{12}"), "<id>"),
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<hex>"),
    (re.compile(r"\b[0-9a-fA-F]{16,}\b"), "<id>"),
    (re.compile(r"(?:[A-Za-z]:)?(?:/[\w.@~+-]+){2,}/?"), "<path>"),
    (re.compile(r"https?://\S+"), "<url>"),
    (re.compile(r"\b\d+(?:\.\d+)?\b"), "<n>"),
]


def normalise_message(message: str) -> str:
    """The message with what differs between occurrences (ids, numbers, paths) replaced."""
    text = message[:500]
    for pattern, stand_in in _VOLATILE:
        text = pattern.sub(stand_in, text)
    return re.sub(r"\s+", " ", text).strip()


def error_signature(step_id: str, error: dict[str, Any]) -> str:
    basis = f"{step_id}\x00{error.get('type')}\x00{normalise_message(str(error.get('message')))}"
    return hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()[:20]
