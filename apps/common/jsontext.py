"""JSON text the database can hold. Python's decoder raises RecursionError (not ValueError) on
deeply nested input; NUL characters and unpaired surrogates are legal JSON escapes ("\\u0000",
"\\ud800") that PostgreSQL refuses in text and jsonb columns. Requests are refused with the
place named (instead of failing on save); what user code produces is escaped instead, since
a step's output must be kept, not refused."""

from __future__ import annotations

import json
from typing import Any

TOO_DEEP = ("the document is nested too deeply; flatten it (a workflow definition needs "
            "only a few levels)")
UNSTORABLE = ("the text at {where} contains a NUL character or an unpaired surrogate "
              "(\\u0000, \\ud800-\\udfff), which cannot be stored; remove it or encode the "
              "data (e.g. base64)")


def loads_storable(text: str) -> Any:
    """json.loads that raises ValueError with a plain message for what cannot be stored."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise ValueError(TOO_DEEP) from None
    check_storable(data)
    return data


def check_storable(data: Any) -> None:
    """ValueError naming the first string the database cannot hold, if any."""
    where = unstorable_text(data)
    if where is not None:
        raise ValueError(UNSTORABLE.format(where=where))


def unstorable_text(value: Any, path: str = "$") -> str | None:
    """The JSON path of the first string (value or key) that cannot be stored, or None."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if not _storable(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if not _storable(key):
                    return f"{where} (a key)"
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))
    return None


def escape_unstorable(text: str) -> str:
    """NUL and unpaired surrogates as the six characters of their JSON escape."""
    if text.isascii():
        return text.replace("\x00", "\\u0000") if "\x00" in text else text
    if "\x00" in text:
        text = text.replace("\x00", "\\u0000")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
