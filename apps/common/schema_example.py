"""An example value that a JSON Schema accepts, for lines a person copies: the webhook's curl
line sends it, so the line works as shown for a workflow whose inputs are required.

Required properties get their default, else a value of their type (the first of an enum, the
least number the bounds allow, a string as long as minLength asks, a well-formed value for a
known format); optional properties appear only when they have a default. A schema it cannot
satisfy (a `pattern`, say) still gives a value of the right shape, which the server's answer
then explains.
"""

from __future__ import annotations

import math
from copy import deepcopy
from typing import Any

MAX_DEPTH = 8
FORMATS = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "time": "00:00:00Z",
           "email": "someone@example.com", "uri": "https://example.com/",
           "url": "https://example.com/", "hostname": "example.com", "ipv4": "192.0.2.1",
           "ipv6": "2001:db8::1", "uuid": "00000000-0000-4000-8000-000000000000"}


def example_inputs(schema: Any) -> dict[str, Any]:
    """Inputs for a workflow's `input_schema`: always an object."""
    value = _example(schema if isinstance(schema, dict) else {}, 0)
    return value if isinstance(value, dict) else {}


def _example(spec: Any, depth: int) -> Any:
    if not isinstance(spec, dict) or depth > MAX_DEPTH:
        return None
    for key in ("default", "const"):
        if key in spec:
            return deepcopy(spec[key])
    for key in ("enum", "examples"):
        if isinstance(spec.get(key), list) and spec[key]:
            return deepcopy(spec[key][0])
    kind = _kind(spec)
    if kind == "object":
        return _object(spec, depth)
    if kind == "array":
        count = spec.get("minItems") if isinstance(spec.get("minItems"), int) else 0
        return [_example(spec.get("items") or {}, depth + 1) for _ in range(max(count, 0))]
    if kind in ("integer", "number"):
        return _number(spec, integer=kind == "integer")
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return _string(spec)


def _kind(spec: dict[str, Any]) -> str:
    kind = spec.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if isinstance(kind, str):
        return kind
    if "properties" in spec or "required" in spec:
        return "object"
    return "array" if "items" in spec else "string"


def _object(spec: dict[str, Any], depth: int) -> dict[str, Any]:
    properties = spec.get("properties") if isinstance(spec.get("properties"), dict) else {}
    required = [n for n in spec.get("required") or [] if isinstance(n, str)]
    out = {name: _example(properties.get(name) or {}, depth + 1) for name in required}
    for name, sub in properties.items():
        if name not in out and isinstance(sub, dict) and "default" in sub:
            out[name] = deepcopy(sub["default"])
    return out


def _bound(spec: dict[str, Any], key: str) -> float | None:
    value = spec.get(key)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _number(spec: dict[str, Any], *, integer: bool) -> int | float:
    step = 1 if integer else 0.5
    low, high = _bound(spec, "minimum"), _bound(spec, "maximum")
    if (above := _bound(spec, "exclusiveMinimum")) is not None:
        low = max(low, above + step) if low is not None else above + step
    if (below := _bound(spec, "exclusiveMaximum")) is not None:
        high = min(high, below - step) if high is not None else below - step
    value: float = 0
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    multiple = _bound(spec, "multipleOf")
    if multiple:
        value = math.ceil(value / multiple) * multiple
    return math.ceil(value) if integer else value


def _string(spec: dict[str, Any]) -> str:
    text = FORMATS.get(str(spec.get("format")), "example")
    shortest, longest = spec.get("minLength"), spec.get("maxLength")
    if isinstance(shortest, int) and len(text) < shortest:
        text += "x" * (shortest - len(text))
    if isinstance(longest, int) and len(text) > longest:
        text = text[:max(longest, 0)]
    return text
