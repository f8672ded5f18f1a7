"""Storing events: each a row with a per-execution sequence number (its `seq`), published on
Redis pub/sub after commit. Log lines are stored the same way, in batches, with one `logs`
event per batch. The shapes are the catalogue's (catalogue.py); this module only numbers,
stores and hands them to apps/realtime for delivery."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.common import rowsql
from apps.executions import sql
from apps.executions.models import Execution, ExecutionEvent
from apps.realtime import broadcast
from apps.realtime.groups import group_for_execution

MAX_LOG_MESSAGE = 8192


def event_payload(event: ExecutionEvent) -> dict[str, Any]:
    """The ProgressEvent shape clients receive live and on replay."""
    return {
        "seq": event.seq,
        "execution_id": str(event.execution_id),
        "timestamp": event.timestamp.isoformat(),
        "type": event.type,
        "step_id": event.step_id or None,
        "data": event.data,
        "duration": event.duration_ms,
    }


def _store(execution_id: Any, events: list[ExecutionEvent], current_step: str | None,
           commit: bool = False) -> None:
    if connection.vendor == "postgresql":  # one round trip, with the writes waiting for it
        rowsql.flush(sql.inserting_numbered_events(execution_id, events, current_step),
                     commit=commit)
        return
    first = sql.reserve_numbers(execution_id, "last_event_seq", len(events))
    for k, event in enumerate(events):
        event.seq = first + k
    ExecutionEvent.objects.bulk_create(events)
    if current_step is not None:
        Execution.objects.filter(pk=execution_id, status=Execution.Status.RUNNING).update(
            current_step=current_step)


_batch = threading.local()


@contextmanager
def together(*, last: bool = False) -> Iterator[None]:
    """Events recorded inside the block (in this thread, inside a transaction) are stored
    together when it ends: one statement per execution on PostgreSQL, sent with the writes
    the block deferred (rowsql.later: a step's row, its attempt, its successors), and
    published in one round trip after commit. A step's events are most of its writes. Nested
    blocks join the outer one; an error drops the events with the transaction they belong
    to. Also a decorator (`@together()`), as every context manager made by contextmanager
    is. `last`: the block ends its transaction (its atomic block exits right after), so the
    COMMIT may travel with the events (rowsql.run)."""
    if getattr(_batch, "pending", None) is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("events.together() needs a transaction around it")
    _batch.pending = pending = []
    try:
        with rowsql.deferring():
            yield
            _flush(pending, commit=last)
    finally:
        _batch.pending = None


def _flush(pending: list[tuple[ExecutionEvent, str | None]], commit: bool = False) -> None:
    groups: dict[Any, list[ExecutionEvent]] = {}  # in order of first record: lock order
    steps: dict[Any, str | None] = {}
    for event, current_step in pending:
        groups.setdefault(event.execution_id, []).append(event)
        if current_step is not None:
            steps[event.execution_id] = current_step
    for n, (execution_id, group) in enumerate(groups.items(), start=1):
        _store(execution_id, group, steps.get(execution_id), commit=commit and n == len(groups))
    published = [(group_for_execution(event.execution_id), event_payload(event))
                 for event, _ in pending]
    if published:
        transaction.on_commit(partial(broadcast.publish_many, published))


# No savepoint: recording runs inside its caller's transaction, and a failure fails that too.
@transaction.atomic(savepoint=False)
def record(execution_id: Any, type_: str, *, step_id: str = "",
           data: dict[str, Any] | None = None, duration_ms: float | None = None,
           current_step: str | None = None) -> ExecutionEvent:
    """Store one event and publish it once the transaction commits; `current_step` also
    records the step the execution is at (in the same statement on PostgreSQL). Inside
    `together()` the event is stored when the block ends (its `seq` is set then).

    Called by the catalogue's functions only: they give each type its shape."""
    event = ExecutionEvent(execution_id=execution_id, type=type_, step_id=step_id or "",
                           data=data or {}, timestamp=timezone.now(), duration_ms=duration_ms)
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.append((event, current_step))
    else:
        _flush([(event, current_step)])
    return event


@transaction.atomic(savepoint=False)
def store_log_lines(execution_id: Any, step_id: str, attempt: int,
                    lines: list[tuple[datetime, str, str]]) -> tuple[int, list[str]]:
    """Number and store (timestamp, level, message) lines; returns the first number and
    the messages as stored (cut at MAX_LOG_MESSAGE)."""
    first = sql.reserve_numbers(execution_id, "last_log_seq", len(lines))
    messages = [message[:MAX_LOG_MESSAGE] for _, _, message in lines]
    sql.insert_log_lines(execution_id, first, step_id, attempt,
                         [level for _, level, _ in lines], messages, [at for at, _, _ in lines])
    return first, messages
