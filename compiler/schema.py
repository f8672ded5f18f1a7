"""The workflow definition's JSON Schema and its fast validation.

`compiler/workflow.schema.json` holds the document, the node shell, the options every step
has and the edges; each registered step type brings the schema of its `config`
(compiler/steps/). `published_schema()` puts them together the way API clients and docs read
it: `node.type` one of the registered types, and `if type == X then config is X's`.

Validating that published schema's if/then dispatch costs most of a compile at 1,000 nodes,
so each node is validated by the validator of its own type instead: the document shell once,
then per node a validator with every $ref inlined, fastjsonschema's compiled one first and
jsonschema (which reports every error with its path) only for an invalid node. The rules are
the schema's; only the dispatch is ours.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from compiler.steps import REGISTRY, StepType

BASE_PATH = Path(__file__).with_name("workflow.schema.json")
_BASE: dict[str, Any] = json.loads(BASE_PATH.read_text())


def published_schema() -> dict[str, Any]:
    """The whole definition schema: the base plus every registered step type."""
    schema = copy.deepcopy(_BASE)
    schema.pop("$comment", None)
    defs = schema["$defs"]
    node = defs["node"]
    node["properties"]["type"] = {"enum": list(REGISTRY)}
    node["allOf"] = []
    for name, step_type in REGISTRY.items():
        defs[f"{name}_config"] = copy.deepcopy(step_type.config_schema)
        node["allOf"].append({
            "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"properties": {"data": {"required": ["config"], "properties": {
                "config": {"$ref": f"#/$defs/{name}_config"}}}}}})
    return schema


Draft202012Validator.check_schema(published_schema())


def _inline(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(_BASE["$defs"][ref.removeprefix("#/$defs/")])
        return {key: _inline(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item) for item in node]
    return node


def _node_schema(step_type: StepType | None) -> dict[str, Any]:
    schema = _inline(copy.deepcopy(_BASE["$defs"]["node"]))
    schema["properties"]["type"] = {"enum": list(REGISTRY)}
    if step_type is not None:
        data = schema["properties"]["data"]
        data["required"] = ["config"]
        data["properties"]["config"] = copy.deepcopy(step_type.config_schema)
    return schema


def _document_schema() -> dict[str, Any]:
    schema = copy.deepcopy({key: value for key, value in _BASE.items()
                            if key not in ("$defs", "$comment")})
    schema["properties"]["nodes"] = {"type": "array", "items": {"type": "object"}}
    return _inline(schema)


@dataclass(frozen=True)
class _NodeValidators:
    full: Draft202012Validator  # every error, with paths
    fast: Any  # fastjsonschema's compiled function: raises on the first error


_DOCUMENT = Draft202012Validator(_document_schema())
# The same, compiled: a valid document (the usual case) passes in one call instead of a walk
# of every edge through jsonschema (most of a 10,000-node compile); only an invalid one is
# walked again, for its errors with their paths.
_DOCUMENT_FAST = fastjsonschema.compile({**_document_schema(),
                                         "$schema": "http://json-schema.org/draft-07/schema#"})
_VALIDATORS: dict[tuple[str, int], _NodeValidators] = {}


def _validators(step_type: Any) -> _NodeValidators | None:
    """The validators of a registered type (built on first use, so a type registered later
    is validated too); None for an unknown type."""
    found = REGISTRY.get(step_type) if isinstance(step_type, str) else None
    if found is None:
        return None
    key = (step_type, id(found))
    if key not in _VALIDATORS:
        schema = _node_schema(found)
        _VALIDATORS[key] = _NodeValidators(
            Draft202012Validator(schema),
            fastjsonschema.compile({**schema,
                                    "$schema": "http://json-schema.org/draft-07/schema#"}))
    return _VALIDATORS[key]


_BASE_NODE: dict[tuple[str, ...], Draft202012Validator] = {}


def base_node_validator() -> Draft202012Validator:
    """For a node whose type is unknown: reports the type and the shell's other errors."""
    key = tuple(REGISTRY)
    if key not in _BASE_NODE:
        _BASE_NODE[key] = Draft202012Validator(_node_schema(None))
    return _BASE_NODE[key]


def fast_valid(step_type: Any, node: dict[str, Any]) -> bool:
    validators = _validators(step_type)
    if validators is None:
        return False
    try:
        validators.fast(node)
    except (fastjsonschema.JsonSchemaException, RecursionError, TypeError, ValueError):
        return False
    return True


def node_validator(step_type: Any) -> Draft202012Validator:
    validators = _validators(step_type)
    return validators.full if validators is not None else base_node_validator()


def iter_errors(definition: dict[str, Any]) -> Iterator[ValidationError]:
    """The schema's errors with absolute paths, node by node."""
    try:
        _DOCUMENT_FAST(definition)
    except (fastjsonschema.JsonSchemaException, RecursionError, TypeError, ValueError):
        yield from _DOCUMENT.iter_errors(definition)
    nodes = definition.get("nodes")
    if not isinstance(nodes, list):
        return
    for index, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue  # the document validator reported it
        step_type = node.get("type")
        if fast_valid(step_type, node):
            continue
        for error in node_validator(step_type).iter_errors(node):
            error.path.extendleft(reversed(["nodes", index]))
            yield error
