"""The lease heartbeat of a step that holds a worker: renews the lease, notices a cancel or
a lost lease, and writes the step's log batches, in a thread beside the step, until it ends.

One such thread per worker process serves its steps one after another (a pool process runs
one step at a time), with one database connection of its own that outlives the steps: a
thread and a connection per step cost a PostgreSQL backend started and torn down for every
step longer than a heartbeat."""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from django.db import connection

from apps.executions.services.attempts import attempt_heartbeat
from worker.logbuffer import LOG_FLUSH_S, LogBuffer

if TYPE_CHECKING:
    from apps.executions.engine.lease import Claim

logger = logging.getLogger(__name__)
HEARTBEAT_S = 0.5


class Heartbeat:
    """`control["state"]` becomes "cancel" or "lost" when the runner must stop the step."""

    def __init__(self, claim: Claim, logs: LogBuffer) -> None:
        self.claim, self.logs = claim, logs
        self.control = {"state": "run"}
        self.stopping = threading.Event()
        self.released = threading.Event()  # the thread is done with this step
        self.started = False

    def start(self) -> None:
        self.logs.background = True
        self.started = True
        _beater().serve(self)

    def stop(self) -> None:
        """Let the thread go, then write what is left of the logs from the caller's thread."""
        self.stopping.set()
        self.logs.wake.set()
        if self.started:
            self.released.wait()
        self.logs.background = False
        self.logs.flush()

    def beat_once(self, last_beat: float) -> float:
        """One round: the logs when due, the lease every HEARTBEAT_S; the last beat's time."""
        if self.logs.due():
            self.logs.flush()
        if time.monotonic() - last_beat < HEARTBEAT_S:
            return last_beat
        state = attempt_heartbeat(self.claim)
        if state != "run":
            self.control["state"] = state
        return time.monotonic()


class _Beater:
    """The process's heartbeat thread: waits for a step, beats for it until it stops."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.ready = threading.Condition()
        self.step: Heartbeat | None = None
        threading.Thread(target=self._loop, daemon=True, name="step-heartbeat").start()

    def serve(self, heart: Heartbeat) -> None:
        with self.ready:
            self.step = heart
            self.ready.notify()

    def _loop(self) -> None:
        while True:
            with self.ready:
                while self.step is None:
                    self.ready.wait()
                heart, self.step = self.step, None
            try:
                self._beat(heart)
            finally:
                heart.released.set()

    def _beat(self, heart: Heartbeat) -> None:
        """A failed round (the database briefly away) is logged and the next one tried:
        stopping here would let the lease go stale and the sweeper take a running step for
        lost. The connection is kept for the next step, and dropped only when it failed."""
        last_beat = 0.0
        while not heart.stopping.is_set():
            heart.logs.wake.wait(LOG_FLUSH_S)
            heart.logs.wake.clear()
            if heart.stopping.is_set():
                break
            try:
                last_beat = heart.beat_once(last_beat)
            except Exception:
                logger.warning("heartbeat round failed; trying again", exc_info=True)
                connection.close()


_BEATER: _Beater | None = None
_MADE = threading.Lock()


def _beater() -> _Beater:
    """This process's thread, made on first use (after the pool's fork: threads do not
    survive a fork, so a child's inherited one is replaced)."""
    global _BEATER  # noqa: PLW0603 - one per process
    with _MADE:
        if _BEATER is None or _BEATER.pid != os.getpid():
            _BEATER = _Beater()
        return _BEATER
