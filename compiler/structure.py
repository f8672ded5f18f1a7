"""The definition's structure: schema errors in plain words, the steps it declares, and the
graph their edges make (dangling edges, branch handles, cycles, order, unreachable nodes)."""

from __future__ import annotations

from typing import Any

from compiler import schema
from compiler.graph import Graph
from compiler.hints import did_you_mean
from compiler.ir import Checked, Step
from compiler.result import error, warning
from compiler.steps import REGISTRY

MAX_SCHEMA_ISSUES = 100
_COUNT = {1: "one", 2: "two", 3: "three"}


def check_schema(definition: dict[str, Any], out: Checked) -> None:
    nodes = definition.get("nodes") if isinstance(definition.get("nodes"), list) else []
    count = 0
    for err in schema.iter_errors(definition):
        if err.validator in ("allOf", "if"):
            continue
        count += 1
        if count > MAX_SCHEMA_ISSUES:
            out.issues.append(error("syntax_error", "more problems were found; fix these first"))
            break
        path = list(err.absolute_path)
        node_id = None
        if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
            node = nodes[path[1]] if path[1] < len(nodes) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                node_id = node["id"]
        field_name = ".".join(str(p) for p in path) or None
        detail, suggestion = _describe_schema_error(err, path)
        out.issues.append(error("syntax_error", detail, node_id=node_id, field=field_name,
                                suggestion=suggestion))


def _describe_schema_error(err: Any, path: list[Any]) -> tuple[str, str | None]:
    where = "/".join(str(p) for p in path) or "the document"
    if err.validator == "enum" and path and path[-1] == "type" and path[0] == "nodes":
        value = err.instance
        hint = did_you_mean(str(value), REGISTRY) if isinstance(value, str) else None
        return (f"unknown step type {value!r} at {where}",
                hint or f"Use one of: {', '.join(REGISTRY)}.")
    if err.validator == "required":
        return f"{err.message} at {where}", "Add the missing key."
    if err.validator == "type":
        return (f"{where} must be {err.validator_value}, not {type(err.instance).__name__}",
                f"Change {where} to a {err.validator_value}.")
    if err.validator == "additionalProperties":
        return f"{err.message} at {where}", "Remove the unknown keys."
    message = err.message if len(err.message) < 300 else err.message[:300] + "…"
    return f"{message} at {where}", None


def collect_steps(definition: dict[str, Any], out: Checked) -> None:
    nodes = definition.get("nodes")
    if not isinstance(nodes, list):
        return
    seen: dict[str, int] = {}
    for index, node in enumerate(nodes):
        if not isinstance(node, dict) or not isinstance(node.get("id"), str) or not node["id"]:
            continue
        node_id = node["id"]
        if node_id in seen:
            out.issues.append(error(
                "syntax_error",
                f"duplicate node id {node_id!r} (nodes {seen[node_id]} and {index})",
                node_id=node_id, field=f"nodes.{index}.id",
                suggestion=f"Rename one of them, e.g. {node_id + '_2'!r}.",
            ))
            continue
        seen[node_id] = index
        data = node.get("data") if isinstance(node.get("data"), dict) else {}
        config = data.get("config") if isinstance(data.get("config"), dict) else {}
        inputs = data.get("inputs") if isinstance(data.get("inputs"), dict) else {}
        if not isinstance(node.get("type"), str) or node["type"] not in REGISTRY:
            continue
        out.steps[node_id] = Step(node_id, node["type"], index, data, config, inputs)


def check_graph(definition: dict[str, Any], out: Checked) -> None:
    raw_nodes = definition.get("nodes") if isinstance(definition.get("nodes"), list) else []
    all_ids = [n["id"] for n in raw_nodes if isinstance(n, dict) and isinstance(n.get("id"), str)]
    known = set(all_ids)
    graph = Graph(order=list(out.steps))
    graph.preds = {node: [] for node in graph.order}
    graph.succs = {node: [] for node in graph.order}
    edges = definition.get("edges") if isinstance(definition.get("edges"), list) else []
    for index, edge in enumerate(edges):
        if not isinstance(edge, dict):
            continue
        source, target = edge.get("source"), edge.get("target")
        if not isinstance(source, str) or not isinstance(target, str):
            continue
        label = edge.get("id") or f"#{index}"
        bad = False
        for end, value in (("source", source), ("target", target)):
            if value not in known:
                hint = did_you_mean(value, all_ids)
                out.issues.append(error(
                    "syntax_error", f"edge {label!r} {end} points to missing node {value!r}",
                    field=f"edges.{index}.{end}",
                    suggestion=hint or "Connect the edge to an existing node or delete it.",
                ))
                bad = True
        if bad or source not in out.steps or target not in out.steps:
            continue
        if source == target:
            out.issues.append(error("syntax_error", f"cycle: {source} → {source}",
                                    node_id=source, field=f"edges.{index}",
                                    suggestion="A step cannot follow itself; remove the edge."))
            continue
        handle = edge.get("sourceHandle")
        branches = REGISTRY[out.steps[source].type].branches
        if branches and not _branch_edge_ok(out, source, label, index, handle, branches):
            continue
        graph.preds[target].append(source)
        graph.succs[source].append(target)
        out.edges.append({"source": source, "target": target,
                          "handle": handle if branches else None})
    out.graph = graph
    cycle = graph.find_cycle()
    if cycle:
        out.issues.append(error(
            "syntax_error", "cycle: " + " → ".join(cycle), node_id=cycle[0],
            suggestion=f"Remove the edge {cycle[-2]} → {cycle[-1]} or another edge on the cycle; "
            "workflows are acyclic.",
        ))
        return
    out.topo = graph.topological()
    if len(out.steps) > 1:
        for node in graph.order:
            if not graph.preds[node] and not graph.succs[node]:
                out.issues.append(warning(
                    "unreachable_node", f"node {node!r} is not connected to any other node; it "
                    "runs on its own at the start", node_id=node,
                    suggestion="Connect it with an edge, or delete it if it is left over."))


def _branch_edge_ok(out: Checked, source: str, label: str, index: int, handle: Any,
                    branches: tuple[str, ...]) -> bool:
    """An edge leaving a branching step: from one of its handles (else an error and the
    edge is dropped), or from none (a warning: it runs either way)."""
    kind = out.steps[source].type
    if handle is not None and handle not in branches:
        names = " and ".join(f'"{b}"' for b in branches)
        out.issues.append(error(
            "syntax_error", f"edge {label!r} leaves {kind} {source!r} from handle {handle!r}",
            node_id=source, field=f"edges.{index}.sourceHandle",
            suggestion=f"A {kind} has {_COUNT.get(len(branches), len(branches))} handles: "
                       f"{names}."))
        return False
    if handle is None:
        names = " or ".join(f'"{b}"' for b in branches)
        out.issues.append(warning(
            "unconditional_branch", f"edge {label!r} from {kind} {source!r} has no handle, so "
            f"it runs whichever way the {kind} goes", node_id=source,
            field=f"edges.{index}.sourceHandle",
            suggestion=f"Connect it to the {names} handle."))
    return True
