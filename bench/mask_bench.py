"""Masking figures: log lines per second through a step's log path (mask, then buffer) with
no secrets, 1 secret and 100 secrets registered, beside the masking this replaced (exact
value, base64 and URL forms only, one str.replace pass per form) as the baseline, same run.

    .venv/bin/python bench/mask_bench.py [--lines 100000]

No database and no worker: the log path's masking is CPU in the worker process, measured
alone (bench/stream_bench.py measures the whole path to a browser).
"""

from __future__ import annotations

import argparse
import base64
import secrets
import time
import urllib.parse
from types import SimpleNamespace

import common  # sets Django up: before any app import

from apps.common.jsontext import escape_unstorable  # noqa: E402
from apps.common.masking import MASK, Masker  # noqa: E402
from apps.executions.engine.scope import RunScope  # noqa: E402
from worker.logbuffer import LogBuffer  # noqa: E402


class _OldMasker:
    """The masking before this change: three forms per secret, one replace pass each."""

    def __init__(self, values: list[str]) -> None:
        forms: set[str] = set()
        for value in values:
            forms |= {value, base64.b64encode(value.encode()).decode(),
                      urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value)}
        self.forms = sorted(forms, key=len, reverse=True)

    def mask(self, text: str) -> str:
        for form in self.forms:
            if form in text:
                text = text.replace(form, MASK)
        return escape_unstorable(text)


def lines_per_second(mask: object, lines: list[str]) -> float:
    scope = RunScope(inputs={}, env={}, steps={}, masker=Masker())
    scope.mask = mask  # type: ignore[method-assign]
    buffer = LogBuffer(SimpleNamespace(scope=scope), "debug")  # type: ignore[arg-type]
    buffer.flush = lambda: buffer.lines.clear()  # type: ignore[method-assign]
    started = time.perf_counter()
    for line in lines:
        buffer.add(0.0, "info", line)
    return len(lines) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    args = parser.parse_args()
    values = [f"sk-{secrets.token_hex(16)}" for _ in range(100)]
    # Realistic lines; one in a hundred carries a secret (sliced or upper-cased).
    def carried(i: int) -> str:
        return values[(i // 100) % 100][:14].upper()

    lines = [f"2026-12-01 12:00:{i % 60:02d} INFO fetched page {i} of orders: 200 OK in 41 ms"
             if i % 100 else f"calling api with key {carried(i)} (retry {i})"
             for i in range(args.lines)]
    rows = []
    for name, mask in [("no secrets", Masker().mask),
                       ("1 secret", Masker(values[:1]).mask),
                       ("100 secrets", Masker(values).mask),
                       ("100 secrets, previous masking (baseline)", _OldMasker(values).mask)]:
        rate = lines_per_second(mask, lines)
        rows.append((f"log path, {name}", f"{rate:,.0f} lines/s",
                     f"{args.lines} lines of ~70 characters"))
    carrying = range(0, args.lines, 100)
    for name, masker in [("this masking", Masker(values)), ("previous", _OldMasker(values))]:
        leaks = sum(carried(i) in masker.mask(lines[i]) for i in carrying)
        rows.append((f"sliced, upper-cased secrets left, {name}", f"{leaks} of {len(carrying)}",
                     "lines carrying 14 upper-cased characters of a secret"))
    common.print_table("Masking benchmark", rows)


if __name__ == "__main__":
    main()
