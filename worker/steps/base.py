"""What a step type tells the worker: how it runs, whether it holds a worker while it runs,
and what waking it means when it waits without one (the sweeper's view of it). The compiler
side of the same type is compiler/steps/<name>.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class StepError(Exception):
    """The step failed: `kind` is an error type of apps/executions/errors.py."""

    def __init__(self, kind: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.error = {"type": kind, "message": message, **extra}


class Deferred(Exception):  # noqa: N818 - control flow, not an error
    """The step waits without a worker until `wake_at` (or an event) wakes it; `countdown`
    (seconds) sends the wake-up message ahead, the sweeper being the backstop. With
    `decision` ({message, fields}) it waits for a person (status `waiting`)."""

    def __init__(self, wake_at: datetime | None = None, countdown: float | None = None,
                 decision: dict[str, Any] | None = None) -> None:
        super().__init__("deferred")
        self.wake_at = wake_at
        self.countdown = countdown
        self.decision = decision


def _not_run(_ctx: Any, _payload: dict[str, Any]) -> Any:
    raise StepError("sandbox_error", "this step type is evaluated by its generated code")


@dataclass(frozen=True)
class StepRunner:
    """One registry entry (worker/steps/__init__.py) per `node.type`."""

    # ctx.execute(name, payload) lands here with the worker.context.StepContext and the
    # payload the artifact rendered.
    run: Callable[[Any, dict[str, Any]], Any] = _not_run
    # Claimed, run and committed in one transaction: expression-only steps that finish in
    # microseconds (no lease to publish to anybody while they run).
    inline: bool = False
    # Runs long enough to need a lease heartbeat (and its own database connection).
    holds_worker: bool = False
    # Stops itself at its own timeout (the sandbox's deadline, the HTTP client's), so a task
    # that finished a step may run a successor of this type next without a broker hop while
    # its Celery limits still cover the successor's (worker/runner.py, "continuation").
    continues: bool = False
    # What a deferred step's wake-up comes to (its time or its event has come), decided from
    # its row: a Wake of apps/executions/services/attempts.py, or None while nothing is due.
    wake: Callable[[Any], Any] | None = None
