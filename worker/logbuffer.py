"""A step's log lines on their way to the database: batched, stored and published a few
times a second, none lost, and never slowing the step unless the database falls behind."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apps.executions.services.attempts import attempt_logs

if TYPE_CHECKING:
    from apps.executions.engine.lease import Claim

LOG_FLUSH_S = 0.2
LOG_FLUSH_LINES = 2000  # a full batch is written at once; otherwise every LOG_FLUSH_S
LOG_BATCH_BYTES = 256 * 1024  # and no `logs` event much larger than this
LOG_BACKLOG_LINES = 50_000  # beyond this the reader writes itself (backpressure)
LEVEL_RANK = {"debug": 10, "info": 20, "warning": 30, "error": 40}

Line = tuple[datetime, str, str]


class LogBuffer:
    """Batches a step's log lines.

    Reading the sandbox's output never waits for the database: the heartbeat thread writes
    the batches (woken early when one is full), in order, one at a time. Only a backlog the
    database cannot keep up with is written by the reader itself, which slows the printing
    step down instead of growing memory."""

    def __init__(self, claim: Claim, min_level: str, forward: bool = False) -> None:
        self.claim = claim
        self.forward = forward  # the owner's log_forward_url is set
        self.scope = claim.scope
        self.min_rank = LEVEL_RANK.get(min_level, 20)
        self.lines: list[Line] = []
        self.lock = threading.Lock()  # guards self.lines
        self.writing = threading.Lock()  # one batch written at a time, in order
        self.wake = threading.Event()  # a full batch is waiting for the writer thread
        self.background = False  # a writer thread (the heartbeat) is running
        self.last_flush = time.monotonic()

    def add(self, at: float, level: str, message: str) -> None:
        level = level if level in LEVEL_RANK else "info"
        if LEVEL_RANK[level] < self.min_rank:
            return
        stamp = datetime.fromtimestamp(at, tz=UTC)
        with self.lock:
            self.lines.append((stamp, level, self.scope.mask(message)))
            pending = len(self.lines)
        if pending >= LOG_FLUSH_LINES:
            if self.background and pending < LOG_BACKLOG_LINES:
                self.wake.set()
            else:
                self.flush()

    def due(self) -> bool:
        """Whether the writer thread should flush now."""
        return (len(self.lines) >= LOG_FLUSH_LINES
                or time.monotonic() - self.last_flush >= LOG_FLUSH_S)

    def flush(self) -> None:
        with self.writing:
            with self.lock:
                lines, self.lines = self.lines, []
                self.last_flush = time.monotonic()
            batches = _batches(lines)
            for index, batch in enumerate(batches):
                try:
                    # Forwarded by another task: a slow endpoint never slows the step.
                    attempt_logs(self.claim, batch, forward=self.forward)
                except Exception:  # the database briefly away: keep the lines for next time
                    with self.lock:
                        self.lines[:0] = [line for rest in batches[index:] for line in rest]
                    raise


def _batches(lines: list[Line]) -> list[list[Line]]:
    """Split a backlog into `logs` events small enough for any client (WebSocket libraries
    refuse frames over 1 MB by default)."""
    out: list[list[Line]] = []
    current: list[Line] = []
    size = 0
    for line in lines:
        if current and (len(current) >= LOG_FLUSH_LINES or size >= LOG_BATCH_BYTES):
            out.append(current)
            current, size = [], 0
        current.append(line)
        size += len(line[2]) + 100  # the line's JSON around the message
    if current:
        out.append(current)
    return out
