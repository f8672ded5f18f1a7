"""The JSON parser, refusing with a message what would otherwise crash further in (a 500):
deep nesting, and text PostgreSQL cannot store (see apps.common.jsontext)."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from apps.common.jsontext import UNSTORABLE, unstorable_text


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None,
              parser_context: dict[str, Any] | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply; "
                             "flatten it (a workflow definition needs only a few levels)") \
                from None
        where = unstorable_text(data)
        if where is not None:
            raise ParseError("JSON parse error - " + UNSTORABLE.format(where=where))
        return data
