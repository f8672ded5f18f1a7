"""An example value for a JSON Schema (the webhook's curl line): required fields filled with a
value of their type, defaults where given, and the result accepted by the schema."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from apps.common.schema_example import example_inputs

SCHEMAS = [
    {},
    {"type": "object", "properties": {"who": {"type": "string"}}},
    {"type": "object", "required": ["score"], "properties": {
        "score": {"type": "number"},
        "level": {"type": "string", "enum": ["strict", "lenient"], "default": "strict"}}},
    {"type": "object", "required": ["n", "ok", "tags", "when", "mail", "site", "code", "pick",
                                    "box", "count", "ratio", "id", "kind", "nothing"],
     "properties": {
         "n": {"type": "integer", "minimum": 3, "maximum": 9},
         "count": {"type": "integer", "exclusiveMinimum": 0},
         "ratio": {"type": "number", "minimum": 0.5},
         "ok": {"type": "boolean"},
         "tags": {"type": "array", "items": {"type": "string", "minLength": 2}, "minItems": 2},
         "when": {"type": "string", "format": "date-time"},
         "mail": {"type": "string", "format": "email"},
         "site": {"type": "string", "format": "uri"},
         "code": {"type": "string", "minLength": 12, "maxLength": 20},
         "pick": {"enum": [7, 8]},
         "box": {"type": "object", "required": ["inner"],
                 "properties": {"inner": {"type": ["integer", "null"]},
                                "extra": {"type": "string"}}},
         "id": {"type": "string", "format": "uuid"},
         "kind": {"const": "fixed"},
         "nothing": {"type": "null"},
         "optional": {"type": "string"}}},
]


@pytest.mark.parametrize("schema", SCHEMAS)
def test_the_example_is_accepted_by_its_schema(schema):
    example = example_inputs(schema)
    assert isinstance(example, dict)
    checker = Draft202012Validator.FORMAT_CHECKER  # as the server checks inputs
    assert not list(Draft202012Validator(schema, format_checker=checker).iter_errors(example))


def test_required_fields_get_values_of_their_type_and_defaults_are_kept():
    assert example_inputs(SCHEMAS[2]) == {"score": 0, "level": "strict"}
    example = example_inputs(SCHEMAS[3])
    assert example["n"] == 3 and example["count"] == 1 and example["ok"] is False
    assert example["pick"] == 7 and example["kind"] == "fixed" and example["box"] == {
        "inner": 0}
    assert "optional" not in example and "extra" not in example["box"]
    assert len(example["tags"]) == 2


def test_a_schema_it_cannot_satisfy_still_gives_an_object():
    schema = {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d+$"}}}
    assert set(example_inputs(schema)) == {"code"}
