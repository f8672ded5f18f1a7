"""Every change is an event: a stored row with a per-execution sequence number, published on
Redis pub/sub after commit (DESIGN.md §5). Log lines are stored the same way, in batches."""

from __future__ import annotations

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


def _insert_numbered(event: ExecutionEvent, current_step: str | None) -> None:
    """Take the next number and insert the event in one statement (PostgreSQL); the same
    UPDATE can set the execution's current step."""
    meta, table = ExecutionEvent._meta, Execution._meta.db_table
    fields = [meta.get_field(name) for name in ("type", "step_id", "data", "timestamp",
                                                "duration_ms")]
    values = [field.get_db_prep_save(getattr(event, field.attname), connection)
              for field in fields]
    key = Execution._meta.pk.get_db_prep_value(event.execution_id, connection)
    columns = ", ".join(field.column for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    also, extra = (", current_step = %s", [current_step]) if current_step is not None else (
        "", [])
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH n AS (UPDATE {table} SET last_event_seq = last_event_seq + 1{also} "  # noqa: S608
            f"WHERE id = %s RETURNING last_event_seq) "
            f"INSERT INTO {meta.db_table} (execution_id, seq, {columns}) "
            f"SELECT %s, n.last_event_seq, {placeholders} FROM n RETURNING id, seq",
            [*extra, key, key, *values])
        event.pk, event.seq = cursor.fetchone()


# No savepoint: emit runs inside its caller's transaction, and a failure fails that too.
@transaction.atomic(savepoint=False)
def emit(execution_id: Any, type_: str, *, step_id: str = "", data: dict[str, Any] | None = None,
         duration_ms: float | None = None, current_step: str | None = None) -> ExecutionEvent:
    """Store one event and publish it once the transaction commits; `current_step` also
    records the step the execution is at (in the same statement on PostgreSQL)."""
    event = ExecutionEvent(execution_id=execution_id, type=type_, step_id=step_id or "",
                           data=data or {}, timestamp=timezone.now(), duration_ms=duration_ms)
    if connection.vendor == "postgresql":
        _insert_numbered(event, current_step)  # one round trip: events are most writes
    else:
        event.seq = _next_seqs(execution_id, "last_event_seq", 1)
        event.save(force_insert=True)
        if current_step is not None:
            Execution.objects.filter(pk=execution_id).update(current_step=current_step)
    payload = event_payload(event)
    transaction.on_commit(partial(broadcast.publish, group_for_execution(execution_id),
                                  payload))
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
