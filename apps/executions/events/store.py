"""Storing events: each a row with a per-execution sequence number (its `seq`). The engine's
unit of work (apps/executions/engine/unit.py) stores a transaction's events together with its
commit and publishes them after it; this module holds the pieces it uses that are not one
statement of sql.py's: the shape clients receive, the numbering on databases without
PostgreSQL's one-statement insert, and log lines (stored in batches, one `logs` event each)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.executions import sql
from apps.executions.models import Execution, ExecutionEvent

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


def insert_events(execution_id: Any, events: list[ExecutionEvent],
                  current_step: str | None) -> None:
    """Number and insert one execution's events (databases without PostgreSQL's one-statement
    numbered insert: sql.inserting_numbered_events); `current_step` is recorded while the
    execution runs."""
    first = sql.reserve_numbers(execution_id, "last_event_seq", len(events))
    for k, event in enumerate(events):
        event.seq = first + k
    ExecutionEvent.objects.bulk_create(events)
    if current_step is not None:
        Execution.objects.filter(pk=execution_id, status=Execution.Status.RUNNING).update(
            current_step=current_step)


def store_log_lines(execution_id: Any, step_id: str, attempt: int,
                    lines: list[tuple[datetime, str, str]]) -> tuple[int, list[str]]:
    """Number and store (timestamp, level, message) lines now; returns the first number and
    the messages as stored (cut at MAX_LOG_MESSAGE)."""
    first = sql.reserve_numbers(execution_id, "last_log_seq", len(lines))
    messages = [message[:MAX_LOG_MESSAGE] for _, _, message in lines]
    sql.insert_log_lines(execution_id, first, step_id, attempt,
                         [level for _, level, _ in lines], messages, [at for at, _, _ in lines])
    return first, messages
