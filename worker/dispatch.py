"""Enqueue step tasks with their own time limits. Imports no apps: services call it on commit."""

from __future__ import annotations

from typing import Any

from config.celery_app import app
from worker import names

HARD_LIMIT_GRACE_S = 30  # the runner stops a step at its timeout; Celery's limits are a backstop


def enqueue_step(execution_id: Any, step_id: str, *, timeout_s: float,
                 countdown: float | None = None, step_type: str | None = None) -> None:
    soft = float(timeout_s) + 10
    args = [str(execution_id), step_id] + ([step_type] if step_type else [])
    app.send_task(names.RUN_STEP, args=args,
                  soft_time_limit=soft, time_limit=soft + HARD_LIMIT_GRACE_S,
                  countdown=countdown)


def enqueue_delay_finish(step_pk: int, *, countdown: float) -> None:
    app.send_task(names.FINISH_DELAY, args=[step_pk], countdown=countdown)


def enqueue_log_forward(execution_id: Any, first_seq: int, last_seq: int) -> None:
    app.send_task(names.FORWARD_LOGS, args=[str(execution_id), first_seq, last_seq])
