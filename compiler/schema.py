"""The workflow definition's JSON Schema (compiler/workflow.schema.json) and fast validation.

The published schema dispatches on the node type with if/then; validating that way costs most
of a compile at 1,000 nodes. So at import we derive, from the same file, one validator for the
document shell and one per step type with every $ref inlined, and validate each node with the
validator of its own type. A node first goes through fastjsonschema's compiled validator; only
an invalid node is re-validated with jsonschema, which reports every error with its path.
The rules are the schema's; only the dispatch is ours.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).with_name("workflow.schema.json")
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
Draft202012Validator.check_schema(SCHEMA)
STEP_TYPES = ("python", "http", "transform", "condition", "delay", "workflow")
_DEFS = SCHEMA["$defs"]


def _inline(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            return _inline(_DEFS[ref.removeprefix("#/$defs/")])
        return {key: _inline(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline(item) for item in node]
    return node


def _node_schema(step_type: str | None) -> dict[str, Any]:
    schema = copy.deepcopy(_DEFS["node"])
    schema.pop("allOf")
    if step_type is not None:
        data = copy.deepcopy(_DEFS["common_data"])
        data["required"] = ["config"]
        data["properties"]["config"] = {"$ref": f"#/$defs/{step_type}_config"}
        schema["properties"]["data"] = data
    return _inline(schema)


def _document_schema() -> dict[str, Any]:
    schema = {key: value for key, value in SCHEMA.items() if key != "$defs"}
    schema = copy.deepcopy(schema)
    schema["properties"]["nodes"] = {"type": "array", "items": {"type": "object"}}
    return _inline(schema)


VALIDATOR = Draft202012Validator(SCHEMA)  # the published rules, for API clients and docs
_DOCUMENT = Draft202012Validator(_document_schema())
_BASE_NODE = Draft202012Validator(_node_schema(None))
_BY_TYPE = {step_type: Draft202012Validator(_node_schema(step_type)) for step_type in STEP_TYPES}
_FAST_BY_TYPE = {
    step_type: fastjsonschema.compile({**_node_schema(step_type),
                                       "$schema": "http://json-schema.org/draft-07/schema#"})
    for step_type in STEP_TYPES
}


def _fast_valid(step_type: Any, node: dict[str, Any]) -> bool:
    check = _FAST_BY_TYPE.get(step_type) if isinstance(step_type, str) else None
    if check is None:
        return False
    try:
        check(node)
    except (fastjsonschema.JsonSchemaException, RecursionError, TypeError, ValueError):
        return False
    return True


def iter_errors(definition: dict[str, Any]) -> Iterator[ValidationError]:
    """The schema's errors with absolute paths, node by node."""
    yield from _DOCUMENT.iter_errors(definition)
    nodes = definition.get("nodes")
    if not isinstance(nodes, list):
        return
    for index, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue  # the document validator reported it
        step_type = node.get("type")
        if _fast_valid(step_type, node):
            continue
        validator = _BY_TYPE.get(step_type, _BASE_NODE) if isinstance(step_type, str) \
            else _BASE_NODE
        for error in validator.iter_errors(node):
            error.path.extendleft(reversed(["nodes", index]))
            yield error
