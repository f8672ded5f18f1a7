"""Every check of DESIGN.md §3 over a parsed definition, each failure an Issue.

The checks never raise on bad input: a value of the wrong shape is reported and skipped.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from compiler import expressions, pycode, schema
from compiler.context import CompileContext
from compiler.graph import Graph
from compiler.result import Issue, error, warning
from compiler.schema import STEP_TYPES

MAX_DEPTH = 64
MAX_NODES = 20_000
MAX_SCHEMA_ISSUES = 100
HTTP_OUTPUT_FIELDS = ("status", "headers", "body")


def did_you_mean(word: str, candidates: list[str] | tuple[str, ...] | set[str]) -> str | None:
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def json_depth_exceeds(value: Any, limit: int) -> bool:
    """Iterative depth probe, so hostile nesting cannot overflow the stack."""
    stack = [(value, 1)]
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return False


@dataclass
class Step:
    """A node that passed the structural checks, in the form later checks and codegen need."""

    id: str
    type: str
    index: int
    data: dict[str, Any]
    config: dict[str, Any]
    inputs: dict[str, Any]
    code_report: pycode.CodeReport | None = None


@dataclass
class Checked:
    """What the checks learned; codegen uses it when there are no errors."""

    issues: list[Issue] = field(default_factory=list)
    steps: dict[str, Step] = field(default_factory=dict)
    graph: Graph | None = None
    topo: list[str] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    modules: set[str] = field(default_factory=set)
    env_vars: set[str] = field(default_factory=set)
    connections: set[str] = field(default_factory=set)
    subworkflows: set[str] = field(default_factory=set)
    secret_inputs: set[str] = field(default_factory=set)

    @property
    def has_errors(self) -> bool:
        return any(issue.type == "error" for issue in self.issues)


def check_definition(definition: Any, ctx: CompileContext) -> Checked:
    out = Checked()
    if not isinstance(definition, dict):
        out.issues.append(error("syntax_error", f"a workflow is a JSON object, not "
                                f"{type(definition).__name__}",
                                suggestion='Start from {"nodes": [], "edges": []}.'))
        return out
    if json_depth_exceeds(definition, MAX_DEPTH):
        out.issues.append(error("syntax_error", f"the definition is nested deeper than "
                                f"{MAX_DEPTH} levels",
                                suggestion="Flatten the nested values; deep data belongs in "
                                "inputs."))
        return out
    nodes = definition.get("nodes")
    if isinstance(nodes, list) and len(nodes) > MAX_NODES:
        out.issues.append(error("syntax_error", f"{len(nodes)} nodes is more than the limit of "
                                f"{MAX_NODES}", field="nodes",
                                suggestion="Split the workflow into sub-workflows."))
        return out
    _check_schema(definition, out)
    _collect_steps(definition, out)
    _check_graph(definition, out)
    schema_props = _input_properties(definition)
    out.secret_inputs = {name for name, spec in schema_props.items()
                         if isinstance(spec, dict) and spec.get("format") == "password"}
    used_inputs: set[str] = set()
    masks = out.graph.ancestor_masks(out.topo) if out.graph and out.topo else {}
    position = {node: i for i, node in enumerate(out.topo)}
    for step in out.steps.values():
        _check_step(step, out, ctx, schema_props, used_inputs, masks, position)
    if "output" in definition:
        _check_value_expressions(definition["output"], None, "output", out, ctx, schema_props,
                                 used_inputs, None, position)
    for name in sorted(set(schema_props) - used_inputs):
        out.issues.append(warning("unused_input", f"input {name!r} is declared but no step "
                                  "uses it", field=f"input_schema.properties.{name}",
                                  suggestion=f"Reference it as {{{{ inputs.{name} }}}} or "
                                  "remove it from input_schema."))
    return out


# ---- structure -------------------------------------------------------------------------

def _check_schema(definition: dict[str, Any], out: Checked) -> None:
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
        hint = did_you_mean(str(value), STEP_TYPES) if isinstance(value, str) else None
        return (f"unknown step type {value!r} at {where}",
                hint or f"Use one of: {', '.join(STEP_TYPES)}.")
    if err.validator == "required":
        return f"{err.message} at {where}", "Add the missing key."
    if err.validator == "type":
        return (f"{where} must be {err.validator_value}, not {type(err.instance).__name__}",
                f"Change {where} to a {err.validator_value}.")
    if err.validator == "additionalProperties":
        return f"{err.message} at {where}", "Remove the unknown keys."
    message = err.message if len(err.message) < 300 else err.message[:300] + "…"
    return f"{message} at {where}", None


def _collect_steps(definition: dict[str, Any], out: Checked) -> None:
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
        if node.get("type") not in STEP_TYPES:
            continue
        out.steps[node_id] = Step(node_id, node["type"], index, data, config, inputs)


def _check_graph(definition: dict[str, Any], out: Checked) -> None:
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
        if out.steps[source].type == "condition":
            if handle not in (None, "true", "false"):
                out.issues.append(error(
                    "syntax_error", f"edge {label!r} leaves condition {source!r} from handle "
                    f"{handle!r}", node_id=source, field=f"edges.{index}.sourceHandle",
                    suggestion='A condition has two handles: "true" and "false".'))
                continue
            if handle is None:
                out.issues.append(warning(
                    "unconditional_branch", f"edge {label!r} from condition {source!r} has no "
                    "handle, so it runs whichever way the condition goes", node_id=source,
                    field=f"edges.{index}.sourceHandle",
                    suggestion='Connect it to the "true" or "false" handle.'))
        graph.preds[target].append(source)
        graph.succs[source].append(target)
        out.edges.append({"source": source, "target": target,
                          "handle": handle if out.steps[source].type == "condition" else None})
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


def _input_properties(definition: dict[str, Any]) -> dict[str, Any]:
    schema = definition.get("input_schema")
    if isinstance(schema, dict) and isinstance(schema.get("properties"), dict):
        return schema["properties"]
    return {}


# ---- per step --------------------------------------------------------------------------

def _check_step(step: Step, out: Checked, ctx: CompileContext, props: dict[str, Any],
                used_inputs: set[str], masks: dict[str, int], position: dict[str, int]) -> None:
    where = f"nodes.{step.index}.data"
    timeout = step.data.get("timeout_seconds")
    if isinstance(timeout, int | float) and not isinstance(timeout, bool) \
            and timeout > ctx.timeout_ceiling_s:
        out.issues.append(error(
            "syntax_error", f"timeout_seconds {timeout} is above the platform ceiling of "
            f"{ctx.timeout_ceiling_s:g} s", node_id=step.id, field=f"{where}.timeout_seconds",
            suggestion=f"Use at most {ctx.timeout_ceiling_s:g}, or split the work into steps."))
    if step.type == "python":
        _check_python(step, out, ctx, where)
    elif step.type == "http":
        _check_http(step, out, ctx, where)
    elif step.type == "workflow":
        _check_subworkflow(step, out, ctx, props, where)
    elif step.type == "delay":
        _check_expected_type(step.config.get("seconds"), "number", step, f"{where}.config.seconds",
                             out, props)
    elif step.type == "condition" and isinstance(step.config.get("expression"), str) \
            and not expressions.contains_expression(step.config["expression"]):
        out.issues.append(error(
            "syntax_error", "a condition expression must be a {{ … }} expression",
            node_id=step.id, field=f"{where}.config.expression",
            suggestion=f"Write it as {{{{ {step.config['expression']} }}}}."))
    config = {k: v for k, v in step.config.items() if not (step.type == "python" and k == "code")}
    _check_value_expressions(config, step, f"{where}.config", out, ctx, props, used_inputs,
                             masks, position)
    _check_value_expressions(step.inputs, step, f"{where}.inputs", out, ctx, props, used_inputs,
                             masks, position)


def _check_python(step: Step, out: Checked, ctx: CompileContext, where: str) -> None:
    code = step.config.get("code")
    if not isinstance(code, str):
        return
    report = pycode.analyse_code(code)
    step.code_report = report
    field_name = f"{where}.config.code"
    if report.syntax_error:
        message, line = report.syntax_error
        out.issues.append(error("syntax_error", f"Python syntax error in node {step.id!r}: "
                                f"{message}", node_id=step.id, field=field_name, line=line,
                                suggestion="Fix the code at that line."))
        return
    if report.run_problem:
        message, line = report.run_problem
        out.issues.append(error("syntax_error", f"node {step.id!r}: {message}", node_id=step.id,
                                field=field_name, line=line,
                                suggestion="Define it as:\ndef run(inputs, ctx):\n    return …"))
    for module, line in report.imports:
        out.modules.add(module.split(".", 1)[0])
        if not ctx.module_available(module):
            hint = did_you_mean(module, pycode.known_module_names())
            out.issues.append(error(
                "import_resolution", f"node {step.id!r} imports {module!r}, which is not "
                "installed on the workers", node_id=step.id, field=field_name, line=line,
                suggestion=hint or f"Install {module.split('.')[0]!r} in the worker image, or "
                "call the service from an http step."))


def _check_http(step: Step, out: Checked, ctx: CompileContext, where: str) -> None:
    if "timeout_seconds" not in step.data:
        out.issues.append(warning(
            "missing_timeout", f"http step {step.id!r} sets no timeout_seconds and gets the "
            "default from the runtime settings", node_id=step.id, field=f"{where}.timeout_seconds",
            suggestion="Set timeout_seconds to what the remote service needs, e.g. 30."))
    url = step.config.get("url")
    if isinstance(url, str) and not expressions.contains_expression(url) \
            and not url.lower().startswith(("http://", "https://")):
        out.issues.append(error("syntax_error", f"url {url!r} is not an http(s) URL",
                                node_id=step.id, field=f"{where}.config.url",
                                suggestion="Start the URL with https:// or http://."))
    _check_expected_type(url, "string", step, f"{where}.config.url", out, {})
    connection = step.config.get("connection")
    if isinstance(connection, str) and connection:
        out.connections.add(connection)
        if ctx.connections is not None and connection not in ctx.connections:
            hint = did_you_mean(connection, ctx.connections)
            out.issues.append(error(
                "missing_dependency", f"connection {connection!r} does not exist",
                node_id=step.id, field=f"{where}.config.connection",
                suggestion=_capitalise((f"{hint} Or c" if hint else "C")
                                       + f"reate it under {ctx.settings_hint} → Connections.")))


def _check_subworkflow(step: Step, out: Checked, ctx: CompileContext, props: dict[str, Any],
                       where: str) -> None:
    slug = step.config.get("workflow")
    if not isinstance(slug, str) or not slug:
        return
    out.subworkflows.add(slug)
    if ctx.workflows is None:
        return
    field_name = f"{where}.config.workflow"
    if slug == ctx.self_slug:
        out.issues.append(error("import_resolution", f"node {step.id!r} calls its own workflow "
                                f"{slug!r}", node_id=step.id, field=field_name,
                                suggestion="A workflow cannot call itself; use another workflow."))
        return
    child = ctx.workflows.get(slug)
    if child is None:
        hint = did_you_mean(slug, list(ctx.workflows))
        out.issues.append(error("import_resolution", f"sub-workflow {slug!r} does not exist",
                                node_id=step.id, field=field_name,
                                suggestion=hint or "Save that workflow first, or fix the slug."))
        return
    cycle = _subworkflow_cycle(slug, ctx)
    if cycle:
        out.issues.append(error("import_resolution", "sub-workflow cycle: " + " → ".join(cycle),
                                node_id=step.id, field=field_name,
                                suggestion="Break the cycle: one of these workflows must stop "
                                "calling the next."))
    child_props = child.input_schema.get("properties") if isinstance(
        child.input_schema.get("properties"), dict) else {}
    given = step.config.get("inputs") if isinstance(step.config.get("inputs"), dict) else {}
    required = child.input_schema.get("required") if isinstance(
        child.input_schema.get("required"), list) else []
    for name in required:
        spec = child_props.get(name)
        if name not in given and not (isinstance(spec, dict) and "default" in spec):
            out.issues.append(error("type_mismatch", f"sub-workflow {slug!r} requires input "
                                    f"{name!r}, which node {step.id!r} does not pass",
                                    node_id=step.id, field=f"{where}.config.inputs",
                                    suggestion=f"Add {name!r} to config.inputs."))
    for name, value in given.items():
        spec = child_props.get(name)
        if not isinstance(spec, dict):
            if child_props:
                hint = did_you_mean(name, list(child_props))
                out.issues.append(warning("unused_input", f"sub-workflow {slug!r} declares no "
                                          f"input {name!r}", node_id=step.id,
                                          field=f"{where}.config.inputs.{name}",
                                          suggestion=hint or "Remove it."))
            continue
        if isinstance(spec.get("type"), str):
            _check_expected_type(value, spec["type"], step, f"{where}.config.inputs.{name}", out,
                                 props)


def _subworkflow_cycle(start: str, ctx: CompileContext) -> list[str] | None:
    assert ctx.workflows is not None  # noqa: S101 - caller checked
    origin = ctx.self_slug
    stack: list[tuple[str, list[str]]] = [(start, [origin or "this workflow", start])]
    seen: set[str] = set()
    while stack:
        slug, path = stack.pop()
        if slug in seen:
            continue
        seen.add(slug)
        child = ctx.workflows.get(slug)
        for callee in child.calls if child else ():
            if origin is not None and callee == origin:
                return [*path, callee]
            stack.append((callee, [*path, callee]))
    return None


# ---- expressions and types -------------------------------------------------------------

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string",
               list: "array", dict: "object", type(None): "null"}


def _literal_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), "unknown")


def _compatible(actual: str, expected: str) -> bool:
    return actual == expected or (actual == "integer" and expected == "number")


def _check_expected_type(value: Any, expected: str, step: Step, field_name: str, out: Checked,
                         props: dict[str, Any]) -> None:
    actual: str | None
    source = "the literal value"
    if isinstance(value, str):
        whole = expressions.is_whole_expression(value)
        if whole is None:
            actual = "string"
        else:
            actual, source = _expression_type(whole, out, props)
    else:
        actual = _literal_type(value)
    if actual and actual != "unknown" and not _compatible(actual, expected):
        out.issues.append(error(
            "type_mismatch", f"{field_name} of node {step.id!r} expects {expected} but "
            f"{source} is {actual}", node_id=step.id, field=field_name,
            suggestion=f"Pass a {expected}, or convert it, e.g. {{{{ … | "
            f"{'float' if expected in ('number', 'integer') else 'string'} }}}}."))


def _expression_type(expr: str, out: Checked, props: dict[str, Any]) -> tuple[str | None, str]:
    """The static type of a bare reference expression, when it can be known."""
    try:
        analysis = expressions.analyse("{{" + expr + "}}")
    except expressions.ExpressionError:
        return None, ""
    text = expr.strip()
    if len(analysis.references) != 1 or analysis.filters or \
            ".".join(analysis.references[0].path) != text.replace(" ", ""):
        return None, ""
    path = analysis.references[0].path
    if path[0] == "inputs" and len(path) == 2:
        spec = props.get(path[1])
        if isinstance(spec, dict) and isinstance(spec.get("type"), str):
            return spec["type"], f"input {path[1]!r}"
    if path[0] == "steps" and len(path) >= 3 and path[2] == "output":
        step = out.steps.get(path[1])
        if step is None:
            return None, ""
        if step.type == "condition" and len(path) == 3:
            return "boolean", f"the output of condition {step.id!r}"
        if step.type == "delay" and len(path) == 3:
            return "null", f"the output of delay {step.id!r}"
        if step.type == "http" and len(path) == 4:
            kind = {"status": "integer", "headers": "object"}.get(path[3])
            if kind:
                return kind, f"{'.'.join(path)}"
    return None, ""


def _iter_strings(value: Any, field_name: str):  # noqa: ANN202 - internal generator
    stack = [(value, field_name)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, str):
            yield current, where
        elif isinstance(current, dict):
            stack.extend((v, f"{where}.{k}") for k, v in current.items())
        elif isinstance(current, list):
            stack.extend((v, f"{where}.{i}") for i, v in enumerate(current))


def _check_value_expressions(value: Any, step: Step | None, field_name: str, out: Checked,
                             ctx: CompileContext, props: dict[str, Any], used_inputs: set[str],
                             masks: dict[str, int] | None, position: dict[str, int]) -> None:
    node_id = step.id if step else None
    for text, where in _iter_strings(value, field_name):
        if not expressions.contains_expression(text):
            continue
        try:
            analysis = expressions.analyse(text)
        except expressions.ExpressionError as exc:
            out.issues.append(error("syntax_error", f"bad expression {text[:120]!r}: {exc}",
                                    node_id=node_id, field=where,
                                    suggestion="Expressions look like {{ steps.fetch.output.body "
                                    "}} or {{ inputs.threshold * 2 }}."))
            continue
        for ref in analysis.references:
            _check_reference(ref.path, step, where, out, ctx, props, used_inputs, masks, position)


def _check_reference(path: tuple[str, ...], step: Step | None, where: str, out: Checked,
                     ctx: CompileContext, props: dict[str, Any], used_inputs: set[str],
                     masks: dict[str, int] | None, position: dict[str, int]) -> None:
    node_id = step.id if step else None
    root = path[0]
    if len(path) == 1:
        return  # the whole namespace, e.g. {{ inputs | tojson }}
    name = path[1]
    if root == "inputs":
        used_inputs.add(name)
        if props and name not in props:
            hint = did_you_mean(name, list(props))
            out.issues.append(error("type_mismatch", f"input {name!r} is not declared in "
                                    "input_schema", node_id=node_id, field=where,
                                    suggestion=hint or f"Declare {name!r} under "
                                    "input_schema.properties."))
        elif not props:
            out.issues.append(warning("undeclared_input", f"input {name!r} is used but the "
                                      "workflow has no input_schema", node_id=node_id,
                                      field=where, suggestion="Declare the inputs so runs are "
                                      "validated and the run form can be generated."))
    elif root == "env":
        out.env_vars.add(name)
        if ctx.env_vars is not None and name not in ctx.env_vars:
            hint = did_you_mean(name, ctx.env_vars)
            out.issues.append(error("missing_dependency", f"environment variable {name!r} is "
                                    "not defined", node_id=node_id, field=where,
                                    suggestion=_capitalise((f"{hint} Or a" if hint else "A")
                                                           + f"dd it under {ctx.settings_hint} "
                                                           "→ Environment variables.")))
    elif root == "steps":
        _check_step_reference(path, step, where, out, masks, position)


def _check_step_reference(path: tuple[str, ...], step: Step | None, where: str, out: Checked,
                          masks: dict[str, int] | None, position: dict[str, int]) -> None:
    node_id = step.id if step else None
    target_id = path[1]
    target = out.steps.get(target_id)
    if target is None:
        hint = did_you_mean(target_id, list(out.steps))
        out.issues.append(error("syntax_error", f"reference to unknown step {target_id!r}",
                                node_id=node_id, field=where,
                                suggestion=hint or "Reference a step that exists."))
        return
    if step is not None and masks is not None and target_id in position \
            and step.id in masks and not masks[step.id] >> position[target_id] & 1:
        out.issues.append(error(
            "syntax_error", f"step {step.id!r} reads {target_id!r}, which does not run before it",
            node_id=node_id, field=where,
            suggestion=f"Add an edge (or a path of edges) from {target_id!r} to {step.id!r}."))
        return
    if len(path) < 3:
        return
    if path[2] != "output":
        out.issues.append(error("type_mismatch", f"steps.{target_id} has no field {path[2]!r}",
                                node_id=node_id, field=where,
                                suggestion=f"Use steps.{target_id}.output."))
        return
    if len(path) < 4:
        return
    field_name = path[3]
    problem: str | None = None
    options: list[str] = []
    if target.type == "http":
        if field_name not in HTTP_OUTPUT_FIELDS:
            problem, options = "an http step's output has status, headers and body", \
                list(HTTP_OUTPUT_FIELDS)
    elif target.type == "condition":
        problem = "a condition's output is a boolean"
    elif target.type == "delay":
        problem = "a delay's output is null"
    elif target.type == "transform":
        value = target.config.get("value")
        if isinstance(value, dict) and field_name not in value:
            problem, options = f"transform {target_id!r} produces keys {sorted(value)}", \
                sorted(value)
        elif isinstance(value, list) and not field_name.isdigit():
            problem = f"transform {target_id!r} produces a list"
        elif value is not None and not isinstance(value, dict | list | str):
            problem = f"transform {target_id!r} produces a {_literal_type(value)}"
    if problem:
        hint = did_you_mean(field_name, options) if options else None
        out.issues.append(error("type_mismatch", f"steps.{target_id}.output has no field "
                                f"{field_name!r}: {problem}", node_id=node_id, field=where,
                                suggestion=hint or f"Use steps.{target_id}.output directly."))


__all__ = ["Checked", "check_definition"]
