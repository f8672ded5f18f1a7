"""Replace known secret values by a mask wherever text or JSON leaves a step (outputs, logs,
errors, events, alerts); the same pass escapes what the database cannot hold (NUL, unpaired
surrogates), so hostile output is stored as readable escapes instead of failing the write.

A secret is masked in the forms careless or hostile code prints it in: any letter case,
reversed, base64 / base64url / hex / URL-encoded / JSON-escaped, and any run of 8 or more of
its characters (so a secret split across two log lines, or sliced, is still caught). All the
forms of all of an execution's secrets are found in one pass over the text with an
Aho-Corasick automaton (pyahocorasick), whatever their number: the log path stays as fast
with 100 secrets as with one (bench/mask_bench.py)."""

from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

import ahocorasick

from apps.common.jsontext import escape_unstorable

MASK = "••••••"
MIN_SECRET_LENGTH = 4  # shorter values would mask ordinary words: never masked
FRAGMENT_LENGTH = 8  # any run of this many characters of a secret is masked; shorter
# secrets are masked whole only (the settings page warns about them)


def encodings(secret: str) -> set[str]:
    """The secret as encoders print it."""
    raw = secret.encode()
    return {
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode().rstrip("="),
        raw.hex(),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }


_SPACE = re.compile(r"\s+")
_NOT_SPACE = re.compile(r"\S")


def _forms(secret: str) -> set[str]:
    """Every text whose occurrence (in any case, whitespace ignored) is masked for this
    secret. Whitespace is left out of the forms as it is of the text searched, so a secret
    printed with spaces or newlines between its characters is found too."""
    bare = _SPACE.sub("", secret)
    forms = {bare, bare[::-1], *(_SPACE.sub("", e) for e in encodings(secret))}
    if len(secret) >= FRAGMENT_LENGTH:
        for text in (bare, bare[::-1]):
            forms.update(text[i:i + FRAGMENT_LENGTH]
                         for i in range(len(text) - FRAGMENT_LENGTH + 1))
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def _lower(text: str) -> str:
    """Lower case with every character keeping its place (a few characters, like 'İ',
    lower to two: those stay as they are)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


class Masker:
    """The secrets of one execution (or one owner), ready to be found in any text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = sorted({s for s in secrets
                               if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH})
        self._automaton: Any = None
        if self.secrets:
            automaton = ahocorasick.Automaton()
            for form in {_lower(f) for secret in self.secrets for f in _forms(secret)}:
                automaton.add_word(form, len(form))
            automaton.make_automaton()
            self._automaton = automaton

    def __bool__(self) -> bool:
        return self._automaton is not None

    def mask_text(self, text: str) -> str:
        if self._automaton is None:
            return escape_unstorable(text)
        low = _lower(text)
        bare = _SPACE.sub("", low)
        matches = sorted((end - length + 1, end) for end, length in self._automaton.iter(bare))
        if not matches:
            return escape_unstorable(text)
        # Back from the whitespace-free view to the text: the n-th non-space character.
        where = range(len(low)) if len(bare) == len(low) else \
            [found.start() for found in _NOT_SPACE.finditer(low)]
        spans: list[list[int]] = []
        for first, last in matches:
            start, stop = where[first], where[last] + 1
            if spans and start <= spans[-1][1]:  # overlapping or touching: one mask
                spans[-1][1] = max(spans[-1][1], stop)
            else:
                spans.append([start, stop])
        if spans:
            pieces, last = [], 0
            for start, stop in spans:
                pieces += [text[last:start], MASK]
                last = stop
            text = "".join([*pieces, text[last:]])
        return escape_unstorable(text)

    def mask(self, value: Any) -> Any:
        """Mask secrets inside any JSON value (keys and strings)."""
        if isinstance(value, str):
            return self.mask_text(value)
        if isinstance(value, list):
            return [self.mask(item) for item in value]
        if isinstance(value, dict):
            return {self.mask_text(str(k)): self.mask(v) for k, v in value.items()}
        return value


_MASKERS: OrderedDict[tuple[str, ...], Masker] = OrderedDict()
_MASKERS_LOCK = threading.Lock()
_MASKERS_MAX = 256


def masker_for(secrets: Iterable[str]) -> Masker:
    """A Masker for these secrets, built once per process for the same set (a step's scope
    is built for every step; its automaton need not be)."""
    key = tuple(sorted({s for s in secrets if isinstance(s, str)}))
    with _MASKERS_LOCK:
        found = _MASKERS.get(key)
        if found is not None:
            _MASKERS.move_to_end(key)
            return found
    masker = Masker(key)
    with _MASKERS_LOCK:
        _MASKERS[key] = masker
        while len(_MASKERS) > _MASKERS_MAX:
            _MASKERS.popitem(last=False)
    return masker


def short_secrets(secrets: Iterable[str]) -> list[str]:
    """Which of these are too short to be masked in fragments (for the settings warning)."""
    return [s for s in secrets if isinstance(s, str) and len(s) < FRAGMENT_LENGTH]
