"""Python steps' own packages: what an environment costs a step once warm, and what resolving
at save and building an environment on first use cost, against a package index on loopback
(tests/packages_index.py: tiny pure-Python wheels this script builds).

    .venv/bin/python bench/packages_bench.py [--steps 300]

Warm: the worker's own path for a python step (worker/packages.py finds the environment,
worker/sandbox.py runs the code in the warm fork server), alternated in the same run between
the same code with no packages (the baseline), a step with a 3-package environment that
imports nothing, and one that imports its 3 packages. Cold: resolving at save (uv locks the
lines and trial-installs them) and building an environment on first use, each with uv's
cache empty and with it warm. No database and no Celery: the engine's own bookkeeping is the
same for both steps (bench/engine_bench.py measures it).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

import common  # sets Django up: before any app import
from django.conf import settings  # noqa: E402

from apps.workflows import packages as locks  # noqa: E402
from tests.packages_index import start_index  # noqa: E402
from worker import packages  # noqa: E402
from worker.sandbox import close_all, sandbox_for  # noqa: E402

LINES = ("colorpad==3.2.0", "greetlib==0.4.1", "numbits==0.9.0")
PLAIN = "def run(inputs, ctx):\n    return inputs['n'] + 1\n"
IMPORTING = ("import colorpad\nimport greetlib\nimport numbits\n\n\n"
             "def run(inputs, ctx):\n    return inputs['n'] + 1\n")
LIMITS = {"memory_mb": 256, "cpu_seconds": 10, "processes": 32, "file_mb": 8}


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _step(code: str, lock: dict | None) -> float:
    """One python step as the worker runs it: find the environment, run in the sandbox."""
    started = time.perf_counter()
    environment = packages.environment_for(lock)
    sandbox = sandbox_for(network=False, packages=environment.identity if environment else None)
    outcome = sandbox.run({"code": code, "inputs": {"n": 1}, "step_id": "s", "execution_id": "b",
                           "attempt": 1, "debug": False, "isolate_network": True,
                           "limits": LIMITS}, timeout_s=30, on_log=lambda *_: None)
    elapsed = time.perf_counter() - started
    if not outcome.ok or outcome.output != 2:
        raise SystemExit(f"the step failed: {outcome.error}")
    return elapsed


def cold(tmp: Path) -> tuple[list[tuple[str, float]], dict]:
    rows = []
    key = locks.cache_key(LINES)
    for label in ("empty", "warm"):
        if label == "empty":
            settings.PACKAGES_CACHE_DIR = _fresh(tmp / "uv-cache")
        started = time.perf_counter()
        row = locks.resolve(LINES, key=key, timeout_s=120, store=False)
        rows.append((f"resolve 3 requirements at save, uv cache {label}",
                     time.perf_counter() - started))
        if row.status != "resolved":
            raise SystemExit(f"resolving failed: {row.error}")
    lock = locks.as_lock(row).payload()
    for label in ("warm", "empty"):
        settings.PACKAGES_DIR = _fresh(tmp / f"packages-{label}")
        if label == "empty":
            settings.PACKAGES_CACHE_DIR = _fresh(tmp / "uv-cache-new-host")
        started = time.perf_counter()
        environment = packages.environment_for(lock)
        rows.append((f"build the environment on first use, uv cache {label}",
                     time.perf_counter() - started))
        if environment is None or environment.installed_s is None:
            raise SystemExit("the environment was not built")
    return rows, lock


def warm(lock: dict, steps: int) -> list[tuple[str, list[float]]]:
    cases = [("no packages (baseline)", PLAIN, None),
             ("3-package environment, imports nothing", PLAIN, lock),
             ("3-package environment, imports its 3 packages", IMPORTING, lock)]
    for _, code, case_lock in cases:  # warm each fork server up
        for _ in range(20):
            _step(code, case_lock)
    times: dict[str, list[float]] = {label: [] for label, _, _ in cases}
    for turn in range(steps):  # alternated, each case after each other as often: the load
        for label, code, case_lock in cases[turn % 3:] + cases[:turn % 3]:  # hits all alike
            times[label].append(_step(code, case_lock))
    return [(label, times[label]) for label, _, _ in cases]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    tmp = common.TMP / "packages"
    index = start_index(tmp / "index")
    settings.PACKAGES_INDEX_URL = index.url
    settings.PACKAGES_HTTP_RETRIES = 0
    try:
        cold_rows, lock = cold(tmp)
        warm_rows = warm(lock, args.steps)
    finally:
        close_all()
        index.shutdown()
    print("\nCold (against the local index; median of one run each)")
    print(f"{'what':<58} {'seconds':>9}")
    for label, seconds in cold_rows:
        print(f"{label:<58} {seconds:>9.3f}")
    base = statistics.median(warm_rows[0][1])
    print(f"\nWarm: one python step through the worker's path, {args.steps} each, alternated")
    print(f"{'step':<48} {'min ms':>7} {'median ms':>10} {'p95 ms':>8} {'median vs baseline':>19}")
    for label, times in warm_rows:
        median = statistics.median(times)
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        extra = "—" if times is warm_rows[0][1] else f"{(median - base) * 1000:+.2f} ms"
        print(f"{label:<48} {min(times) * 1000:>7.2f} {median * 1000:>10.2f} "
              f"{p95 * 1000:>8.2f} {extra:>19}")
    print("target: a 3-package environment adds at most 2 ms to a warm step")


if __name__ == "__main__":
    main()
