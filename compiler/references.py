"""What `{{ … }}` expressions read, checked: inputs that exist, env vars and connections the
owner has, steps that run before, output fields a step can produce, and types that fit.

Step types describe their outputs (`StepType.output_type`, `StepType.field_problem`); the
registry is passed in, so this module knows no step type by name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from compiler import expressions
from compiler.hints import capitalise, did_you_mean, literal_type
from compiler.result import error, warning

if TYPE_CHECKING:
    from compiler.context import CompileContext
    from compiler.ir import Checked, Step


class OutputShape(Protocol):
    """What these checks read of a step type (compiler/steps/base.py StepType has it)."""

    def output_type(self, step: Step, path: tuple[str, ...]) -> tuple[str | None, str]: ...

    def field_problem(self, step: Step,
                      path: tuple[str, ...]) -> tuple[str, list[str], int] | None: ...


class Scan:
    """What every reference check of one definition shares."""

    def __init__(self, out: Checked, ctx: CompileContext, props: dict[str, Any],
                 registry: Mapping[str, OutputShape]) -> None:
        self.out, self.ctx, self.props, self.registry = out, ctx, props, registry
        self.used_inputs: set[str] = set()
        self.masks = out.graph.ancestor_masks(out.topo) if out.graph and out.topo else {}
        self.position = {node: i for i, node in enumerate(out.topo)}


def _compatible(actual: str, expected: str) -> bool:
    return actual == expected or (actual == "integer" and expected == "number")


def check_expected_type(value: Any, expected: str, step: Step, field_name: str, out: Checked,
                        props: dict[str, Any], registry: Mapping[str, OutputShape]) -> None:
    """A type_mismatch when a literal, or a whole-expression reference whose type is known,
    cannot be `expected`."""
    actual: str | None
    source = "the literal value"
    if isinstance(value, str):
        whole = expressions.is_whole_expression(value)
        if whole is None:
            actual = "string"
        else:
            actual, source = expression_type(whole, out, props, registry)
    else:
        actual = literal_type(value)
    if actual and actual != "unknown" and not _compatible(actual, expected):
        out.issues.append(error(
            "type_mismatch", f"{field_name} of node {step.id!r} expects {expected} but "
            f"{source} is {actual}", node_id=step.id, field=field_name,
            suggestion=f"Pass a {expected}, or convert it, e.g. {{{{ … | "
            f"{'float' if expected in ('number', 'integer') else 'string'} }}}}."))


def expression_type(expr: str, out: Checked, props: dict[str, Any],
                    registry: Mapping[str, OutputShape]) -> tuple[str | None, str]:
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
        return registry[step.type].output_type(step, path)
    return None, ""


def _iter_strings(value: Any, field_name: str) -> Iterator[tuple[str, str]]:
    stack = [(value, field_name)]
    while stack:
        current, where = stack.pop()
        if isinstance(current, str):
            yield current, where
        elif isinstance(current, dict):
            stack.extend((v, f"{where}.{k}") for k, v in current.items())
        elif isinstance(current, list):
            stack.extend((v, f"{where}.{i}") for i, v in enumerate(current))


def check_value_expressions(value: Any, step: Step | None, field_name: str,
                            scan: Scan) -> None:
    """Every expression inside `value` parses, and every reference in it can be resolved."""
    node_id = step.id if step else None
    for text, where in _iter_strings(value, field_name):
        if not expressions.contains_expression(text):
            continue
        try:
            analysis = expressions.analyse(text)
        except expressions.ExpressionError as exc:
            scan.out.issues.append(error(
                "syntax_error", f"bad expression {text[:120]!r}: {exc}", node_id=node_id,
                field=where, suggestion="Expressions look like {{ steps.fetch.output.body }} "
                "or {{ inputs.threshold * 2 }}."))
            continue
        for ref in analysis.references:
            _check_reference(ref.path, step, where, scan)


def _check_reference(path: tuple[str, ...], step: Step | None, where: str, scan: Scan) -> None:
    node_id = step.id if step else None
    out, props, ctx = scan.out, scan.props, scan.ctx
    root = path[0]
    if len(path) == 1:
        return  # the whole namespace, e.g. {{ inputs | tojson }}
    name = path[1]
    if root == "inputs":
        scan.used_inputs.add(name)
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
                                    suggestion=capitalise((f"{hint} Or a" if hint else "A")
                                                          + f"dd it under {ctx.settings_hint} "
                                                          "→ Environment variables.")))
    elif root == "steps":
        _check_step_reference(path, step, where, scan)


def _check_step_reference(path: tuple[str, ...], step: Step | None, where: str,
                          scan: Scan) -> None:
    node_id = step.id if step else None
    out, masks, position = scan.out, scan.masks, scan.position
    target_id = path[1]
    target = out.steps.get(target_id)
    if target is None:
        hint = did_you_mean(target_id, list(out.steps))
        out.issues.append(error("syntax_error", f"reference to unknown step {target_id!r}",
                                node_id=node_id, field=where,
                                suggestion=hint or "Reference a step that exists."))
        return
    if step is not None and target_id in position and step.id in masks \
            and not masks[step.id] >> position[target_id] & 1:
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
    rest = path[3:]
    found = scan.registry[target.type].field_problem(target, rest)
    if found:
        problem, options, depth = found
        hint = did_you_mean(rest[depth], options) if options else None
        shown = ".".join(rest[:depth + 1])
        out.issues.append(error("type_mismatch", f"steps.{target_id}.output has no field "
                                f"{shown!r}: {problem}", node_id=node_id, field=where,
                                suggestion=hint or f"Use steps.{target_id}.output directly."))
