"""Every change is an event: a stored row with a per-execution sequence number, published on
Redis pub/sub after commit (DESIGN.md §5). Log lines are stored the same way, in batches."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import F
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


def _next_seqs(execution_id: Any, field: str, count: int) -> int:
    """Reserve `count` numbers; returns the first. Atomic in both PostgreSQL and SQLite."""
    Execution.objects.filter(pk=execution_id).update(**{field: F(field) + count})
    last = Execution.objects.filter(pk=execution_id).values_list(field, flat=True).get()
    return last - count + 1


@transaction.atomic
def emit(execution_id: Any, type_: str, *, step_id: str = "", data: dict[str, Any] | None = None,
         duration_ms: float | None = None) -> ExecutionEvent:
    """Store one event and publish it once the transaction commits."""
    seq = _next_seqs(execution_id, "last_event_seq", 1)
    event = ExecutionEvent.objects.create(
        execution_id=execution_id, seq=seq, type=type_, step_id=step_id or "",
        data=data or {}, timestamp=timezone.now(), duration_ms=duration_ms,
    )
    payload = event_payload(event)
    transaction.on_commit(partial(broadcast.publish, group_for_execution(execution_id),
                                  payload))
    return event


@transaction.atomic
def append_logs(execution_id: Any, step_id: str, attempt: int,
                lines: list[tuple[datetime, str, str]]) -> int:
    """Store a batch of (timestamp, level, message) lines and emit one `logs` event."""
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
    return len(rows)
