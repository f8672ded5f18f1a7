"""Python steps' own packages: what an environment costs a step once warm, and what resolving
at save and building an environment on first use cost, against a package index on loopback
(tests/packages_index.py: tiny pure-Python wheels this script builds).

    .venv/bin/python bench/packages_bench.py [--steps 300]

Warm: the worker's own path for a python step (worker/packages.py finds the environment,
worker/sandbox.py runs the code in the warm fork server): a step with a 3-package environment
that imports nothing, and one that imports its 3 packages, each alternated in the same run
with the same code and no packages (the baseline). Cold: resolving at save (uv locks the
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


def warm(lock: dict, steps: int) -> list[tuple[str, list[float], list[float]]]:
    """Each environment case alternated with the baseline, one step each in turn: both fork
    servers are then used every other step alike (the two environment cases share one
    server, so they are not alternated with each other: a step that follows another on the
    same server waits for its cleanup, which would be charged to the environment)."""
    rows = []
    for label, code in (("3-package environment, imports nothing", PLAIN),
                        ("3-package environment, imports its 3 packages", IMPORTING)):
        for _ in range(20):  # warm both fork servers up
            _step(PLAIN, None)
            _step(code, lock)
        base: list[float] = []
        case: list[float] = []
        for turn in range(steps):
            if turn % 2:
                base.append(_step(PLAIN, None))
                case.append(_step(code, lock))
            else:
                case.append(_step(code, lock))
                base.append(_step(PLAIN, None))
        rows.append((label, case, base))
    return rows


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
    print("\nCold (against the local index; one run each)")
    print(f"{'what':<58} {'seconds':>9}")
    for label, seconds in cold_rows:
        print(f"{label:<58} {seconds:>9.3f}")
    print(f"\nWarm: one python step through the worker's path, {args.steps} each, alternated "
          "with the baseline (no packages) in the same run")
    print(f"{'step':<48} {'min ms':>7} {'median ms':>10} {'p95 ms':>8} {'vs baseline':>12} "
          f"{'paired':>9}")
    for label, times, base_times in warm_rows:
        for name, sample in (("  baseline: no packages", base_times), (label, times)):
            print(f"{name:<48} {min(sample) * 1000:>7.2f} {statistics.median(sample) * 1000:>10.2f} "
                  f"{sorted(sample)[int(len(sample) * 0.95) - 1] * 1000:>8.2f}", end="")
            if sample is base_times:
                print(f" {'—':>12} {'—':>9}")
                continue
            # The median of the differences within one turn: slow drifts of the machine's
            # load cancel out of it, which they do not of the difference of the medians.
            paired = statistics.median(t - b for t, b in zip(times, base_times, strict=True))
            extra = statistics.median(times) - statistics.median(base_times)
            print(f" {extra * 1000:>+9.2f} ms {paired * 1000:>+6.2f} ms")
    print("target: a 3-package environment adds at most 2 ms to a warm step")


if __name__ == "__main__":
    main()
