"""The lease heartbeat of a step that holds a worker: renews the lease, notices a cancel or
a lost lease, and writes the step's log batches, in its own thread, until the step ends."""

from __future__ import annotations

import logging
import threading
import time

from django.db import connection

from apps.executions.engine import lease
from worker.logbuffer import LOG_FLUSH_S, LogBuffer

logger = logging.getLogger(__name__)
HEARTBEAT_S = 0.5


class Heartbeat:
    """`control["state"]` becomes "cancel" or "lost" when the runner must stop the step."""

    def __init__(self, claim: lease.Claim, logs: LogBuffer) -> None:
        self.claim, self.logs = claim, logs
        self.control = {"state": "run"}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def start(self) -> None:
        self._thread.start()
        self.logs.background = True

    def stop(self) -> None:
        """Stop the thread, then write what is left of the logs from the caller's thread."""
        self._stop.set()
        self.logs.wake.set()
        if self._thread.is_alive():
            self._thread.join()
        self.logs.background = False
        self.logs.flush()

    def _beat(self) -> None:
        """A failed round (the database briefly away) is logged and the next one tried:
        stopping here would let the lease go stale and the sweeper take a running step for
        lost."""
        last_beat = 0.0
        try:
            while not self._stop.is_set():
                self.logs.wake.wait(LOG_FLUSH_S)
                self.logs.wake.clear()
                if self._stop.is_set():
                    break
                try:
                    if self.logs.due():
                        self.logs.flush()
                    if time.monotonic() - last_beat >= HEARTBEAT_S:
                        last_beat = time.monotonic()
                        inputs = self.claim.take_inputs()
                        try:
                            state = lease.step_heartbeat(step_pk=self.claim.step.pk,
                                                         token=self.claim.token, inputs=inputs)
                        except Exception:
                            self.claim.inputs_unsaved |= bool(inputs)  # the next round writes them
                            raise
                        if state != "run":
                            self.control["state"] = state
                except Exception:
                    logger.warning("heartbeat round failed; trying again", exc_info=True)
                    connection.close()
        finally:
            connection.close()
