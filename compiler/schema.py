"""The workflow definition's JSON Schema, loaded once from compiler/workflow.schema.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).with_name("workflow.schema.json")
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
Draft202012Validator.check_schema(SCHEMA)
VALIDATOR = Draft202012Validator(SCHEMA)
STEP_TYPES = ("python", "http", "transform", "condition", "delay", "workflow")
