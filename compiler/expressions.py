"""`{{ }}` expressions: parsed, analysed and evaluated in Jinja2's immutable sandbox.

Used at compile time to find references and reject unsafe or malformed expressions, and at run
time (by the artifact's steps) to evaluate them. A value that is one whole expression keeps its
type; an expression inside a longer string is interpolated as text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOTS = ("inputs", "steps", "env")
ALLOWED_FILTERS = frozenset(
    {"length", "default", "tojson", "lower", "upper", "trim", "round", "int", "float", "string",
     "join", "first", "last", "abs", "min", "max", "sum", "list", "sort", "unique", "replace"}
)
_WHOLE = re.compile(r"^\s*\{\{(?P<expr>.*)\}\}\s*$", re.DOTALL)
# `{{ steps.fetch.output.body }}`, the commonest expression by far: a dotted path alone,
# analysed without Jinja's parser (which would find the same single reference). Segments
# starting with "_" and anything else take the parser's road, with its checks and errors.
_PLAIN_PATH = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)\s*\}\}")
MAX_EXPRESSION_LENGTH = 10_000


def _tojson(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _make_env() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS if name in env.filters}
    env.filters["tojson"] = _tojson
    env.globals = {}
    env.tests = {name: env.tests[name] for name in ("defined", "undefined", "none", "number",
                                                     "string", "mapping", "sequence")}
    return env


ENV = _make_env()


class ExpressionError(ValueError):
    """An expression that cannot be parsed, is unsafe, or failed to evaluate."""


@dataclass
class Reference:
    """A dotted path read by an expression, e.g. ("steps", "fetch", "output", "body")."""

    path: tuple[str, ...]

    @property
    def root(self) -> str:
        return self.path[0]


@dataclass
class Analysis:
    references: list[Reference] = field(default_factory=list)
    filters: set[str] = field(default_factory=set)


def is_whole_expression(text: str) -> str | None:
    """The inner expression when `text` is exactly one `{{ … }}`, else None."""
    match = _WHOLE.match(text)
    if not match or "{{" in match.group("expr") or "}}" in match.group("expr"):
        return None
    return match.group("expr")


def contains_expression(text: str) -> bool:
    return "{{" in text or "{%" in text


@lru_cache(maxsize=4096)
def _parse(text: str) -> nodes.Template:
    return ENV.parse(text)


def analyse(text: str) -> Analysis:
    """Parse a string that may hold `{{ }}` parts; raise ExpressionError when it is unusable."""
    if len(text) > MAX_EXPRESSION_LENGTH and contains_expression(text):
        raise ExpressionError(f"expression text is longer than {MAX_EXPRESSION_LENGTH} characters")
    plain = _PLAIN_PATH.fullmatch(text)
    if plain is not None and plain.group(1).split(".", 1)[0] in ROOTS:
        return Analysis(references=[Reference(tuple(plain.group(1).split(".")))])
    try:
        tree = _parse(text)
    except TemplateSyntaxError as exc:
        raise ExpressionError(f"{exc.message} (line {exc.lineno} of the expression)") from None
    except RecursionError:
        raise ExpressionError("expression is nested too deeply") from None
    analysis = Analysis()
    for node in tree.body:
        if not isinstance(node, nodes.Output):
            raise ExpressionError("only {{ … }} expressions are allowed, not {% … %} statements")
    _walk(tree, analysis)
    return analysis


def _walk(node: nodes.Node, analysis: Analysis) -> None:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, nodes.Call):
            raise ExpressionError("calling functions or methods is not allowed in expressions")
        if isinstance(current, nodes.Getattr) and current.attr.startswith("_"):
            raise ExpressionError(f"attribute {current.attr!r} is not accessible")
        key = current.arg if isinstance(current, nodes.Getitem) else None
        if isinstance(key, nodes.Const) and isinstance(key.value, str) \
                and key.value.startswith("_"):
            raise ExpressionError(f"key {key.value!r} is not accessible")
        if isinstance(current, nodes.Filter):
            if current.name not in ALLOWED_FILTERS:
                raise ExpressionError(
                    f"unknown filter {current.name!r}; available: "
                    + ", ".join(sorted(ALLOWED_FILTERS))
                )
            analysis.filters.add(current.name)
        if isinstance(current, nodes.Test) and current.name not in ENV.tests:
            raise ExpressionError(
                f"unknown test {current.name!r}; available: " + ", ".join(sorted(ENV.tests))
            )
        if isinstance(current, nodes.Name):
            if current.name not in ROOTS:
                raise ExpressionError(
                    f"unknown name {current.name!r}; expressions read inputs, steps and env"
                )
            analysis.references.append(Reference((current.name,)))
            continue
        if isinstance(current, nodes.Getattr | nodes.Getitem):
            path = _dotted_path(current)
            if path is not None:
                analysis.references.append(Reference(path))
                # Still walk non-constant subscripts inside the chain.
                stack.extend(_dynamic_subscripts(current))
                continue
        stack.extend(current.iter_child_nodes())


def _dotted_path(node: nodes.Node) -> tuple[str, ...] | None:
    parts: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem):
            arg = node.arg
            if isinstance(arg, nodes.Const) and isinstance(arg.value, str | int):
                parts.append(str(arg.value))
            else:
                parts.clear()  # dynamic key: the path is known only up to here
            node = node.node
        elif isinstance(node, nodes.Name):
            if node.name not in ROOTS:
                return None
            return (node.name, *reversed(parts))
        else:
            return None


def _dynamic_subscripts(node: nodes.Node) -> list[nodes.Node]:
    found: list[nodes.Node] = []
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            found.append(node.arg)
        node = node.node
    return found


# ---- evaluation (run time) -------------------------------------------------------------

@lru_cache(maxsize=4096)
def _compiled_expression(expr: str) -> Any:
    return ENV.compile_expression(expr, undefined_to_none=False)


@lru_cache(maxsize=4096)
def _compiled_template(text: str) -> Any:
    return ENV.from_string(text)


def evaluate(text: str, scope: dict[str, Any]) -> Any:
    """Evaluate a string: a whole expression keeps its type, a mixed string renders as text."""
    try:
        whole = is_whole_expression(text)
        if whole is not None:
            value = _compiled_expression(whole.strip())(**scope)
            return _plain(value)
        if not contains_expression(text):
            return text
        return _compiled_template(text).render(**scope)
    except ExpressionError:
        raise
    except Exception as exc:  # Jinja raises many types: UndefinedError, SecurityError, TypeError…
        raise ExpressionError(f"{text.strip()!r} failed: {exc}") from None


def _plain(value: Any) -> Any:
    if isinstance(value, StrictUndefined):
        str(value)  # raises UndefinedError with Jinja's message
    return value


def render(value: Any, scope: dict[str, Any]) -> Any:
    """Render every string inside any JSON value."""
    if isinstance(value, str):
        return evaluate(value, scope)
    if isinstance(value, list):
        return [render(item, scope) for item in value]
    if isinstance(value, dict):
        return {key: render(item, scope) for key, item in value.items()}
    return value
