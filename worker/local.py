"""Run executions in this process, for `manage.py run_workflow --local`: the messages the
engine would send to the broker are kept here (worker/dispatch.py `locally()`) and run in
order when due, by the same runner a worker uses. Python steps still run in the sandbox."""

from __future__ import annotations

import time
from typing import Any

from apps.executions.services import execution_admit
from worker import dispatch, log_forward, names, runner

_HANDLERS: dict[str, Any] = {
    names.RUN_STEP: runner.run_step,
    names.WAKE_STEP: runner.wake_step,
    names.ADMIT: lambda owner_id, workflow_id=None, key="": execution_admit(
        owner_id=owner_id, group=None if workflow_id is None else (workflow_id, key)),
    names.FORWARD_LOGS: log_forward.forward,
}


def run_due(queue: dispatch.LocalQueue, *, wait_s: float = 0.1) -> int:
    """Run every message that is due (oldest first), waiting up to `wait_s` for the next
    one; returns how many ran."""
    ran = 0
    while True:
        now = time.monotonic()
        due = sorted((m for m in queue.messages if m[0] <= now), key=lambda m: m[0])
        if not due:
            break
        message = due[0]
        queue.messages.remove(message)
        _, task, args = message
        handler = _HANDLERS.get(task)
        if handler is not None:
            handler(*args)
        ran += 1
    if not ran and queue.messages:
        time.sleep(max(0.0, min(wait_s, min(m[0] for m in queue.messages) - time.monotonic())))
    return ran
