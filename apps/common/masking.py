"""Replace known secret values by a mask wherever text or JSON leaves a step; the same pass
escapes what the database cannot hold (NUL, unpaired surrogates), so hostile output is
stored as readable escapes instead of failing the write."""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Iterable
from typing import Any

from apps.common.jsontext import escape_unstorable

MASK = "••••••"
_MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words


def secret_variants(secrets: Iterable[str]) -> list[str]:
    """The secrets plus the encodings a careless step is likely to print."""
    variants: set[str] = set()
    for secret in secrets:
        if not isinstance(secret, str) or len(secret) < _MIN_SECRET_LENGTH:
            continue
        variants.add(secret)
        variants.add(base64.b64encode(secret.encode()).decode())
        variants.add(urllib.parse.quote(secret, safe=""))
        variants.add(urllib.parse.quote_plus(secret))
    # Longest first so a secret containing another is masked whole.
    return sorted(variants, key=len, reverse=True)


def mask_text(text: str, variants: list[str]) -> str:
    for variant in variants:
        if variant in text:
            text = text.replace(variant, MASK)
    return escape_unstorable(text)


def mask_value(value: Any, variants: list[str]) -> Any:
    """Mask secrets inside any JSON value (keys and strings)."""
    if isinstance(value, str):
        return mask_text(value, variants)
    if isinstance(value, list):
        return [mask_value(item, variants) for item in value]
    if isinstance(value, dict):
        return {mask_text(str(k), variants): mask_value(v, variants) for k, v in value.items()}
    return value
