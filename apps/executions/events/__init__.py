"""Every change of an execution is an event (docs/events.md): the catalogue builds each one
and hands it to the engine's unit of work (catalogue.py), which stores it with its commit and
publishes it after; store.py holds the payload shape and the log lines' storage."""

from apps.executions.events.catalogue import (
    CATALOGUE,
    EventType,
    execution_completed,
    execution_paused,
    execution_queued,
    execution_resumed,
    execution_started,
    logs,
    metrics,
    step_cancelled,
    step_completed,
    step_failed,
    step_queued,
    step_retrying,
    step_skipped,
    step_started,
    step_waiting,
)
from apps.executions.events.store import event_payload

__all__ = [
    "CATALOGUE",
    "EventType",
    "event_payload",
    "execution_completed",
    "execution_paused",
    "execution_queued",
    "execution_resumed",
    "execution_started",
    "logs",
    "metrics",
    "step_cancelled",
    "step_completed",
    "step_failed",
    "step_queued",
    "step_retrying",
    "step_skipped",
    "step_started",
    "step_waiting",
]
