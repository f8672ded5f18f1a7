"""When a step runs or is skipped (docs/workflow-format.md), as a pure function of its predecessors.

Shared by the local runner and the engine so both follow exactly the same rules: a step waits
until every predecessor is finished; an edge is live when its source finished with an output
(succeeded, or failed with on_error "continue") and, for a condition, the edge's handle matches
the condition's result; a step with predecessors but no live incoming edge is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

Decision = Literal["wait", "run", "skip"]
FINISHED = frozenset({"succeeded", "failed", "skipped", "cancelled"})
PRODUCED = frozenset({"succeeded", "continued"})  # "continued": failed with on_error continue


def edge_live(edge: Mapping[str, Any], source_state: str, source_output: Any) -> bool:
    if source_state not in PRODUCED:
        return False
    handle = edge.get("handle")
    if handle is None:
        return True
    return (handle == "true") == bool(source_output)


def decide(incoming: Iterable[Mapping[str, Any]], states: Mapping[str, str],
           outputs: Mapping[str, Any]) -> Decision:
    """`states` maps step ids to their status, with "continued" for failed-but-continue."""
    edges = list(incoming)
    if not edges:
        return "run"
    for edge in edges:
        state = states.get(edge["source"], "pending")
        if state not in FINISHED and state != "continued":
            return "wait"
    if any(edge_live(e, states[e["source"]], outputs.get(e["source"])) for e in edges):
        return "run"
    return "skip"
