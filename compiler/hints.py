"""Wording helpers every check shares: "did you mean" and sentence case."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string",
               list: "array", dict: "object", type(None): "null"}


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean {match[0]!r}?" if match else None


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def literal_type(value: object) -> str:
    """The JSON Schema type name of a literal value ("unknown" for anything else)."""
    return _JSON_TYPES.get(type(value), "unknown")
