"""Enqueue step tasks with their own time limits. Imports no apps: services call it on commit.

The database is the source of truth: a message that cannot be sent because the broker is down
is not an error of the step that committed. The row stays `queued` (or `retrying`, or
waiting with its wake time) and the sweeper sends it again once the broker is back."""

from __future__ import annotations

import logging
from typing import Any

from kombu.exceptions import OperationalError

from config.celery_app import app
from worker import names

log = logging.getLogger(__name__)

HARD_LIMIT_GRACE_S = 30  # the runner stops a step at its timeout; Celery's limits are a backstop


def enqueue_step(execution_id: Any, step_id: str, *, timeout_s: float,
                 countdown: float | None = None, step_type: str | None = None,
                 artifact: str | None = None) -> None:
    """`step_type` and `artifact` (the code hash) are hints that let the worker do less;
    the database decides what runs either way."""
    soft = float(timeout_s) + 10
    args = [str(execution_id), step_id] + ([step_type, artifact or ""] if step_type else [])
    _send(names.RUN_STEP, args, f"step {step_id} of {execution_id}",
          soft_time_limit=soft, time_limit=soft + HARD_LIMIT_GRACE_S, countdown=countdown)


def enqueue_wake(step_pk: int, *, countdown: float | None = None) -> None:
    """Wake a step that waits without a worker (its time or its event has come)."""
    _send(names.WAKE_STEP, [step_pk], f"wake-up of step #{step_pk}", countdown=countdown)


def enqueue_admit(owner_id: int) -> None:
    """Admit the owner's queued executions: a slot was freed."""
    _send(names.ADMIT, [owner_id], f"admission for owner #{owner_id}")


def enqueue_log_forward(execution_id: Any, first_seq: int, last_seq: int) -> None:
    _send(names.FORWARD_LOGS, [str(execution_id), first_seq, last_seq],
          f"log forwarding of {execution_id}")


def _send(task: str, args: list[Any], what: str, **options: Any) -> None:
    try:
        app.send_task(task, args=args, **options)
    except OperationalError as exc:
        log.warning("broker unreachable, %s not sent now; the sweeper sends it again once the "
                    "broker is back (%s)", what, exc)
