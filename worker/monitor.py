"""psutil sampling of whatever runs a step (a sandbox child and its descendants).

A daemon thread samples CPU and RSS every interval; the series and peaks are stored on the
step, new samples are handed to a callback about once a second (streamed as `metrics`
events; the last ones are left in `unsent` for the caller), and crossing the memory limit
calls `on_limit` (which stops the step with resource_limit).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil

# Finding a process's descendants reads every process's parent from /proc (about 3 ms with
# 80 processes, more on a busy host), and a short step is sampled twice: a step's process
# (forked for it by the sandbox server) starts with no children, and its descendants are
# looked up again only when the last lookup is older than this; a child the user's code
# starts is seen at the next lookup. The sandbox's own rlimits bound memory in between.
TREE_MAX_AGE_S = 0.5


@dataclass
class ResourceUsage:
    samples: list[dict[str, float]] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    cpu_seconds: float = 0.0
    wall_seconds: float = 0.0
    limit_hit: bool = False

    def as_metrics(self) -> dict[str, Any]:
        cpu_percent = (self.cpu_seconds / self.wall_seconds * 100) if self.wall_seconds else 0.0
        return {
            "cpu_percent": round(cpu_percent, 1),
            "cpu_seconds": round(self.cpu_seconds, 4),
            "peak_rss_mb": round(self.peak_rss_mb, 2),
            "wall_seconds": round(self.wall_seconds, 4),
            "samples": self.samples[-600:],
        }


class ResourceMonitor:
    """Sample a process tree until stopped. Use as a context manager around the step."""

    def __init__(self, *, interval_s: float, memory_limit_mb: float | None = None,
                 on_limit: Callable[[], None] | None = None,
                 on_samples: Callable[[list[dict[str, float]]], None] | None = None) -> None:
        self.interval_s = max(0.01, interval_s)
        self.memory_limit_mb = memory_limit_mb
        self.on_limit = on_limit
        self.on_samples = on_samples
        self.usage = ResourceUsage()
        self._pid: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="resource-monitor")
        self._started = 0.0
        self._cpu_by_pid: dict[int, float] = {}
        self._tree: list[psutil.Process] = []
        self._tree_at = 0.0
        self.unsent: list[dict[str, float]] = []  # samples not yet given to on_samples

    def watch(self, pid: int) -> None:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            self._tree, self._tree_at = [psutil.Process(pid)], time.monotonic()  # just forked
        self._pid = pid
        first = self._sample()  # a step may end before the first interval
        if first is not None:
            self.usage.samples.append(first)

    def floor(self, *, peak_rss_mb: float, cpu_seconds: float) -> None:
        """Raise the peaks to what the process itself reported (getrusage at its end)."""
        self.usage.peak_rss_mb = max(self.usage.peak_rss_mb, round(peak_rss_mb, 2))
        self.usage.cpu_seconds = max(self.usage.cpu_seconds, cpu_seconds)

    def __enter__(self) -> ResourceMonitor:
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.usage.wall_seconds = time.monotonic() - self._started

    def _loop(self) -> None:
        handed = 0  # samples given to on_samples so far
        last_flush = time.monotonic()
        while not self._stop.wait(self.interval_s):
            sample = self._sample()
            if sample is None:
                continue
            self.usage.samples.append(sample)
            if self.on_samples and time.monotonic() - last_flush >= 1.0:
                self.on_samples(self.usage.samples[handed:])
                handed, last_flush = len(self.usage.samples), time.monotonic()
        final = self._sample()
        if final is not None:
            self.usage.samples.append(final)
        # The last samples (all of a short step's) are not handed over from this thread: the
        # caller sends them with the step's own commit (no connection opened here for them).
        self.unsent = self.usage.samples[handed:]

    def _descendants(self) -> list[psutil.Process]:
        now = time.monotonic()
        if not self._tree or now - self._tree_at >= TREE_MAX_AGE_S:
            root = psutil.Process(self._pid)
            self._tree, self._tree_at = [root, *root.children(recursive=True)], now
        return self._tree

    def _sample(self) -> dict[str, float] | None:
        if self._pid is None:
            return None
        try:
            tree = self._descendants()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return None
        rss = 0
        for proc in tree:
            with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                rss += proc.memory_info().rss
                times = proc.cpu_times()
                self._cpu_by_pid[proc.pid] = times.user + times.system
        cpu_total = sum(self._cpu_by_pid.values())
        elapsed = time.monotonic() - self._started
        previous = self.usage.samples[-1] if self.usage.samples else {"t": 0.0, "cpu_s": 0.0}
        span = max(elapsed - previous["t"], 1e-6)
        sample = {
            "t": round(elapsed, 3),
            "rss_mb": round(rss / 1_048_576, 2),
            "cpu_s": round(cpu_total, 4),
            "cpu_percent": round(max(0.0, cpu_total - previous["cpu_s"]) / span * 100, 1),
        }
        self.usage.cpu_seconds = cpu_total
        self.usage.peak_rss_mb = max(self.usage.peak_rss_mb, sample["rss_mb"])
        if self.memory_limit_mb and sample["rss_mb"] > self.memory_limit_mb \
                and not self.usage.limit_hit:
            self.usage.limit_hit = True
            if self.on_limit:
                self.on_limit()
        return sample
