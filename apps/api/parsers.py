"""The JSON parser, refusing with a message what would otherwise crash further in (a 500):
deep nesting, and text PostgreSQL cannot store (see apps.common.jsontext)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from apps.common.jsontext import TOO_DEEP, check_storable


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - {TOO_DEEP}") from None
        try:
            check_storable(data)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        return data
