"""Every change is an event: a stored row with a per-execution sequence number, published on
Redis pub/sub after commit (DESIGN.md §5). Log lines are stored the same way, in batches."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from apps.executions.models import Execution, ExecutionEvent, LogLine
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


_COUNTERS = {"last_event_seq", "last_log_seq"}


def _next_seqs(execution_id: Any, field: str, count: int) -> int:
    """Reserve `count` numbers; returns the first. One UPDATE … RETURNING (PostgreSQL and
    SQLite 3.35+): the row lock it takes orders every writer of this execution's events."""
    if field not in _COUNTERS:
        raise ValueError(field)
    table = Execution._meta.db_table
    key = Execution._meta.pk.get_db_prep_value(execution_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {field} = {field} + %s WHERE id = %s "  # noqa: S608
                       f"RETURNING {field}", [count, key])
        (last,) = cursor.fetchone()
    return last - count + 1


def _insert_numbered(execution_id: Any, events: list[ExecutionEvent],
                     current_step: str | None) -> None:
    """Take the next numbers and insert the events in one statement (PostgreSQL); the same
    UPDATE can set the execution's current step (only while it runs: a step that finished
    the execution in this transaction already cleared it)."""
    meta, table = ExecutionEvent._meta, Execution._meta.db_table
    fields = [meta.get_field(name) for name in ("type", "step_id", "data", "timestamp",
                                                "duration_ms")]
    casts = ["varchar", "varchar", "jsonb", "timestamptz", "double precision"]
    key = Execution._meta.pk.get_db_prep_value(execution_id, connection)
    rows, values = [], []
    for k, event in enumerate(events, start=1):
        rows.append("(" + ", ".join(["%s"] * (len(fields) + 1)) + ")")
        values += [k, *(field.get_db_prep_save(getattr(event, field.attname), connection)
                        for field in fields)]
    columns = ", ".join(field.column for field in fields)
    selected = ", ".join(f"v.{field.column}::{cast}" for field, cast in zip(fields, casts,
                                                                            strict=True))
    also, extra = ("", [])
    if current_step is not None:
        also = ", current_step = CASE WHEN status = %s THEN %s ELSE current_step END"
        extra = [Execution.Status.RUNNING, current_step]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH n AS (UPDATE {table} SET last_event_seq = last_event_seq + %s{also} "  # noqa: S608
            f"WHERE id = %s RETURNING last_event_seq), "
            f"v (k, {columns}) AS (VALUES {', '.join(rows)}) "
            f"INSERT INTO {meta.db_table} (execution_id, seq, {columns}) "
            f"SELECT %s, n.last_event_seq - %s + v.k::integer, {selected} FROM n, v "
            f"RETURNING seq",
            [len(events), *extra, key, *values, key, len(events)])
        first = min(seq for (seq,) in cursor.fetchall())
    for k, event in enumerate(events):
        event.seq = first + k


def _store(execution_id: Any, events: list[ExecutionEvent], current_step: str | None) -> None:
    if connection.vendor == "postgresql":
        _insert_numbered(execution_id, events, current_step)  # one round trip
        return
    first = _next_seqs(execution_id, "last_event_seq", len(events))
    for k, event in enumerate(events):
        event.seq = first + k
    ExecutionEvent.objects.bulk_create(events)
    if current_step is not None:
        Execution.objects.filter(pk=execution_id, status=Execution.Status.RUNNING).update(
            current_step=current_step)


_batch = threading.local()


@contextmanager
def together() -> Iterator[None]:
    """Events emitted inside the block (in this thread, inside a transaction) are stored
    together when it ends: one statement per execution on PostgreSQL, and published in one
    round trip after commit. A step's events are most of its writes. Nested blocks join the
    outer one; an error drops the events with the transaction they belong to."""
    if getattr(_batch, "pending", None) is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("events.together() needs a transaction around it")
    _batch.pending = pending = []
    try:
        yield
    finally:
        _batch.pending = None
    _flush(pending)


def _flush(pending: list[tuple[ExecutionEvent, str | None]]) -> None:
    groups: dict[Any, list[ExecutionEvent]] = {}  # in order of first emission: lock order
    steps: dict[Any, str | None] = {}
    for event, current_step in pending:
        groups.setdefault(event.execution_id, []).append(event)
        if current_step is not None:
            steps[event.execution_id] = current_step
    for execution_id, group in groups.items():
        _store(execution_id, group, steps.get(execution_id))
    published = [(group_for_execution(event.execution_id), event_payload(event))
                 for event, _ in pending]
    if published:
        transaction.on_commit(partial(broadcast.publish_many, published))


# No savepoint: emit runs inside its caller's transaction, and a failure fails that too.
@transaction.atomic(savepoint=False)
def emit(execution_id: Any, type_: str, *, step_id: str = "", data: dict[str, Any] | None = None,
         duration_ms: float | None = None, current_step: str | None = None) -> ExecutionEvent:
    """Store one event and publish it once the transaction commits; `current_step` also
    records the step the execution is at (in the same statement on PostgreSQL). Inside
    `together()` the event is stored when the block ends (its `seq` is set then)."""
    event = ExecutionEvent(execution_id=execution_id, type=type_, step_id=step_id or "",
                           data=data or {}, timestamp=timezone.now(), duration_ms=duration_ms)
    pending = getattr(_batch, "pending", None)
    if pending is not None:
        pending.append((event, current_step))
    else:
        _flush([(event, current_step)])
    return event


@transaction.atomic(savepoint=False)
def append_logs(execution_id: Any, step_id: str, attempt: int,
                lines: list[tuple[datetime, str, str]]) -> int:
    """Store a batch of (timestamp, level, message) lines and emit one `logs` event; returns
    the first line's sequence number (0 for no lines)."""
    if not lines:
        return 0
    first = _next_seqs(execution_id, "last_log_seq", len(lines))
    rows = [
        LogLine(execution_id=execution_id, seq=first + i, step_id=step_id, attempt=attempt,
                level=level, message=message[:MAX_LOG_MESSAGE], timestamp=at)
        for i, (at, level, message) in enumerate(lines)
    ]
    LogLine.objects.bulk_create(rows)
    emit(execution_id, "logs", step_id=step_id, data={
        "first_seq": first,
        "last_seq": first + len(rows) - 1,
        "lines": [{"seq": r.seq, "timestamp": r.timestamp.isoformat(), "level": r.level,
                   "step_id": step_id, "message": r.message} for r in rows],
    })
    return first
