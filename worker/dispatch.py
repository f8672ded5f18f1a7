"""Enqueue step tasks with their own time limits. Imports no apps: services call it on commit.

The database is the source of truth: a message that cannot be sent because the broker is down
is not an error of the step that committed. The row stays `queued` (or `retrying`, or
waiting with its wake time) and the sweeper sends it again once the broker is back."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis
from kombu.exceptions import OperationalError

from config.celery_app import app
from worker import names

log = logging.getLogger(__name__)

HARD_LIMIT_GRACE_S = 30
# Finishing a compilation resolves each requirement set for up to PACKAGES_RESOLVE_TIMEOUT_S
# (600 s by default); Celery's limit is the backstop of a definition with several sets.
RESOLVE_LIMIT_S = 3600  # the runner stops a step at its timeout; Celery's limits are a backstop
SOFT_LIMIT_GRACE_S = 10
# A step task's Celery limits also leave room for the steps the task may run next itself
# (worker/runner.py, "continuation"): a successor runs in the same task only while what is
# left of the task's soft limit covers the successor's whole soft limit, so no continued
# step can meet the task's limit before its own timeout stops it.
CONTINUATION_HEADROOM_S = 60

# An execution's priority (0 high, 1 normal, 2 low: apps.executions.models.Priority) as the
# broker's. Redis keeps one list per step of CELERY_BROKER_TRANSPORT_OPTIONS["priority_steps"]
# and a worker's BRPOP names them lowest number first, so a high-priority step is the next
# message any free worker takes, however long the low-priority backlog (docs/flow-control.md
# has the measurement). Control messages (wake, admit) carry none: they count as 0, and cost
# a worker a few milliseconds.
BROKER_PRIORITY = {0: 0, 1: 3, 2: 6}


def enqueue_step(execution_id: Any, step_id: str, *, timeout_s: float,
                 countdown: float | None = None, step_type: str | None = None,
                 artifact: str | None = None, priority: int = 1) -> None:
    """`step_type` and `artifact` (the code hash) are hints that let the worker do less;
    the database decides what runs either way."""
    soft = step_soft_limit_s(timeout_s) + CONTINUATION_HEADROOM_S
    args = [str(execution_id), step_id] + ([step_type, artifact or ""] if step_type else [])
    _send(names.RUN_STEP, args, f"step {step_id} of {execution_id}",
          soft_time_limit=soft, time_limit=soft + HARD_LIMIT_GRACE_S, countdown=countdown,
          priority=BROKER_PRIORITY.get(priority, BROKER_PRIORITY[1]))


def step_soft_limit_s(timeout_s: float) -> float:
    """Celery's soft limit for a step of this timeout, headroom for continuation aside."""
    return float(timeout_s) + SOFT_LIMIT_GRACE_S


_broker: Any = None


def broker_depths(queue: str | None = None) -> list[tuple[int, int]] | None:
    """(priority, messages waiting) for each priority list of a queue (by default the one
    steps are sent to), in kombu's Redis layout: one list per priority step, the first named
    as the queue, the others `<queue>\x06\x16<priority>`. None when Redis cannot be asked."""
    global _broker  # noqa: PLW0603 - one client per process (redis-py reconnects after a fork)
    queue = queue or app.conf.task_default_queue
    steps = app.conf.broker_transport_options.get("priority_steps", [0, 3, 6, 9])
    try:
        if _broker is None:
            _broker = redis.Redis.from_url(app.conf.broker_url, socket_timeout=2)
        pipe = _broker.pipeline(transaction=False)
        for priority in steps:
            pipe.llen(queue if priority == 0 else f"{queue}\x06\x16{priority}")
        return list(zip(steps, (int(n) for n in pipe.execute()), strict=True))
    except (redis.RedisError, ValueError):
        return None


def steps_waiting(queue: str | None = None) -> bool:
    """Whether a step message waits in the broker for a free worker: a task that could run
    its successor itself hands it over instead, so waiting work gets its turn. True when
    the broker cannot be asked (hand it over)."""
    if _local is not None:
        return bool(_local.messages)
    depths = broker_depths(queue)
    return depths is None or any(waiting for _, waiting in depths)


def enqueue_wake(step_pk: int, *, countdown: float | None = None) -> None:
    """Wake a step that waits without a worker (its time or its event has come)."""
    _send(names.WAKE_STEP, [step_pk], f"wake-up of step #{step_pk}", countdown=countdown)


def enqueue_admit(owner_id: int, group: tuple[int, str] | None = None) -> None:
    """Admit the owner's queued executions: a slot was freed (by a run of `group`, the
    (workflow id, concurrency key) whose limit it also frees)."""
    _send(names.ADMIT, [owner_id, *(group or ())], f"admission for owner #{owner_id}")


def enqueue_alert(notification_id: int) -> None:
    """Send a recorded alert notification (retried with backoff by the task)."""
    _send(names.SEND_ALERT, [notification_id], f"alert notification #{notification_id}")


def enqueue_log_forward(execution_id: Any, first_seq: int, last_seq: int) -> None:
    _send(names.FORWARD_LOGS, [str(execution_id), first_seq, last_seq],
          f"log forwarding of {execution_id}")


def enqueue_compilation_finish(compilation_id: int) -> None:
    """Resolve a compilation's remaining requirements and finish it, on a worker."""
    _send(names.FINISH_COMPILATION, [compilation_id], f"compilation #{compilation_id}",
          soft_time_limit=RESOLVE_LIMIT_S, time_limit=RESOLVE_LIMIT_S + HARD_LIMIT_GRACE_S)


def broadcast_prune_packages(keep: list[str]) -> None:
    """Every worker host removes the package environments not in `keep` (each its own
    PACKAGES_DIR: a control command reaches every worker, a task only one)."""
    if _local is not None:
        return
    try:
        app.control.broadcast(names.PRUNE_PACKAGES, arguments={"keep": keep}, reply=False)
    except OperationalError as exc:
        log.warning("broker unreachable, package environments not pruned now (%s)", exc)


class LocalQueue:
    """Messages kept in this process instead of the broker (`run_workflow --local`): the
    caller runs them itself (worker/local.py)."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, str, list[Any]]] = []  # (due, task, args)

    def put(self, task: str, args: list[Any], countdown: float | None) -> None:
        self.messages.append((time.monotonic() + (countdown or 0), task, args))


_local: LocalQueue | None = None


@contextmanager
def locally() -> Iterator[LocalQueue]:
    """While the block runs, every message of this process goes to the returned queue."""
    global _local  # noqa: PLW0603 - one per process, set only by the local runner
    previous, _local = _local, LocalQueue()
    try:
        yield _local
    finally:
        _local = previous


def _send(task: str, args: list[Any], what: str, **options: Any) -> None:
    if _local is not None:
        _local.put(task, args, options.get("countdown"))
        return
    try:
        app.send_task(task, args=args, **options)
    except OperationalError as exc:
        log.warning("broker unreachable, %s not sent now; the sweeper sends it again once the "
                    "broker is back (%s)", what, exc)
