"""Every event type an execution emits, with its data fields: one function per type, the
only place an event's payload is built. `CATALOGUE` declares the same shapes as data, for
docs/events.md and for the test that checks every stored event against them (after Zulip's
event_schema)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from apps.executions.events.store import store_log_lines
from apps.executions.models import ExecutionEvent

if TYPE_CHECKING:
    from apps.executions.engine.unit import Unit

_ABSENT: Any = object()  # "leave the field out" where None is a value


@dataclass(frozen=True)
class EventType:
    """One type: when it is sent and the fields of its `data` (optional ones may be absent)."""

    name: str
    when: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    step: bool = True  # carries a step_id
    duration: bool = False  # carries a duration (ms)

    def problems(self, payload: dict[str, Any]) -> list[str]:
        """What is wrong with a stored or received payload of this type (empty: nothing)."""
        data = payload.get("data") or {}
        found = [f"missing {name!r}" for name in self.required if name not in data]
        found += [f"unexpected {name!r}" for name in data
                  if name not in self.required and name not in self.optional]
        if self.step != bool(payload.get("step_id")):
            found.append("step_id " + ("missing" if self.step else "not expected"))
        return found


CATALOGUE: dict[str, EventType] = {t.name: t for t in [
    EventType("execution_queued", "the execution is stored with its steps, before any runs",
              ("workflow_id", "revision", "trigger", "steps"), step=False),
    EventType("execution_started", "a concurrency slot is free and its first steps queue",
              ("queued_ms",), step=False),
    EventType("execution_paused", "a user paused it: no new step starts", step=False),
    EventType("execution_resumed", "a user resumed it, or continued it after a retry or skip",
              (), ("reason", "from_step"), step=False),
    EventType("execution_completed", "it ended: succeeded, failed or cancelled; always its "
              "last event (a stopped run's running steps record their own end first)",
              ("status",), ("output", "error"), step=False, duration=True),
    EventType("step_queued", "its predecessors are done (or a user retried it, `revision` "
              "when with a new revision of the workflow)", (), ("retry", "overrides", "revision")),
    EventType("step_started", "a worker claimed it under a new lease",
              ("attempt", "worker")),
    EventType("step_retrying", "an attempt failed (or its worker was lost) and another follows",
              ("attempt", "next_attempt", "error"),
              ("backoff_seconds", "reason", "previous_lease")),
    EventType("step_completed", "its result is committed",
              ("output", "output_truncated", "attempt", "metrics"), duration=True),
    EventType("step_failed", "its last attempt failed; `continues` when on_error is continue",
              ("error", "attempt", "continues"), duration=True),
    EventType("step_skipped", "its branch was not taken, or a user skipped it",
              ("reason",), ("output",)),
    EventType("step_waiting", "an approval step waits for a person's decision",
              ("message", "fields")),
    EventType("step_cancelled", "the execution was stopped before the step ran, while it "
              "ran, or while it waited",
              ("reason", "attempt")),
    EventType("logs", "a batch of its log lines is stored",
              ("first_seq", "last_seq", "lines")),
    EventType("metrics", "CPU and memory samples of its running code",
              ("samples",)),
]}


def _record(unit: Unit, type_: str, execution_id: Any, step_id: str = "", *,
            data: dict[str, Any] | None = None, duration_ms: float | None = None,
            current_step: str | None = None) -> ExecutionEvent:
    """The event, handed to the unit of work: stored with its commit, published after."""
    return unit.record(ExecutionEvent(
        execution_id=execution_id, type=type_, step_id=step_id or "",
        data={k: v for k, v in (data or {}).items() if v is not _ABSENT},
        timestamp=timezone.now(), duration_ms=duration_ms), current_step=current_step)


# ---- the execution ------------------------------------------------------------------------

def execution_queued(unit: Unit, execution_id: Any, *, workflow_id: int, revision: int,
                     trigger: str, steps: list[str]) -> ExecutionEvent:
    return _record(unit, "execution_queued", execution_id, data={
        "workflow_id": workflow_id, "revision": revision, "trigger": trigger, "steps": steps})


def execution_started(unit: Unit, execution_id: Any, *, queued_ms: float) -> ExecutionEvent:
    return _record(unit, "execution_started", execution_id, data={"queued_ms": queued_ms})


def execution_paused(unit: Unit, execution_id: Any) -> ExecutionEvent:
    return _record(unit, "execution_paused", execution_id)


def execution_resumed(unit: Unit, execution_id: Any, *, reason: str = _ABSENT,
                      from_step: str = _ABSENT) -> ExecutionEvent:
    return _record(unit, "execution_resumed", execution_id,
                   data={"reason": reason, "from_step": from_step})


def execution_completed(unit: Unit, execution_id: Any, *, status: str, duration_ms: float | None,
                        output: Any = _ABSENT, error: dict[str, Any] | None = None
                        ) -> ExecutionEvent:
    return _record(unit, "execution_completed", execution_id, duration_ms=duration_ms, data={
        "status": status, "output": output, "error": error if error else _ABSENT})


# ---- a step -------------------------------------------------------------------------------

def step_queued(unit: Unit, execution_id: Any, step_id: str, *, retry: bool = False,
                overrides: dict[str, Any] | None = None,
                revision: int | None = None) -> ExecutionEvent:
    return _record(unit, "step_queued", execution_id, step_id, data={
        "retry": True if retry else _ABSENT,
        "overrides": overrides if overrides is not None else _ABSENT,
        "revision": revision if revision is not None else _ABSENT})


def step_started(unit: Unit, execution_id: Any, step_id: str, *, attempt: int,
                 worker: str) -> ExecutionEvent:
    return _record(unit, "step_started", execution_id, step_id, current_step=step_id,
                   data={"attempt": attempt, "worker": worker})


def step_retrying(unit: Unit, execution_id: Any, step_id: str, *, attempt: int,
                  error: dict[str, Any], backoff_seconds: float = _ABSENT, reason: str = _ABSENT,
                  previous_lease: str = _ABSENT) -> ExecutionEvent:
    return _record(unit, "step_retrying", execution_id, step_id, data={
        "attempt": attempt, "next_attempt": attempt + 1, "error": error,
        "backoff_seconds": backoff_seconds, "reason": reason,
        "previous_lease": previous_lease})


def step_completed(unit: Unit, execution_id: Any, step_id: str, *, output: Any,
                   output_truncated: bool, attempt: int, metrics: dict[str, Any],
                   duration_ms: float | None) -> ExecutionEvent:
    return _record(unit, "step_completed", execution_id, step_id, duration_ms=duration_ms, data={
        "output": output, "output_truncated": output_truncated, "attempt": attempt,
        "metrics": metrics})


def step_failed(unit: Unit, execution_id: Any, step_id: str, *, error: dict[str, Any], attempt: int,
                continues: bool, duration_ms: float | None) -> ExecutionEvent:
    return _record(unit, "step_failed", execution_id, step_id, duration_ms=duration_ms, data={
        "error": error, "attempt": attempt, "continues": continues})


def step_skipped(unit: Unit, execution_id: Any, step_id: str, *, reason: str,
                 output: Any = _ABSENT) -> ExecutionEvent:
    return _record(unit, "step_skipped", execution_id, step_id,
                   data={"reason": reason, "output": output})


def step_waiting(unit: Unit, execution_id: Any, step_id: str, *, message: str,
                 fields: dict[str, Any]) -> ExecutionEvent:
    return _record(unit, "step_waiting", execution_id, step_id,
                   data={"message": message, "fields": fields})


def step_cancelled(unit: Unit, execution_id: Any, step_id: str, *, reason: str,
                   attempt: int) -> ExecutionEvent:
    return _record(unit, "step_cancelled", execution_id, step_id,
                   data={"reason": reason, "attempt": attempt})


def metrics(unit: Unit, execution_id: Any, step_id: str, *,
            samples: list[dict[str, float]]) -> ExecutionEvent:
    return _record(unit, "metrics", execution_id, step_id, data={"samples": samples})


def logs(unit: Unit, execution_id: Any, step_id: str, attempt: int,
         lines: list[tuple[datetime, str, str]]) -> int:
    """Store a batch of (timestamp, level, message) lines and emit one `logs` event; returns
    the first line's sequence number (0 for no lines)."""
    if not lines:
        return 0
    first, messages = store_log_lines(execution_id, step_id, attempt, lines)
    _record(unit, "logs", execution_id, step_id, data={
        "first_seq": first, "last_seq": first + len(lines) - 1,
        "lines": [{"seq": first + i, "timestamp": at.isoformat(), "level": level,
                   "step_id": step_id, "message": message}
                  for i, ((at, level, _), message) in enumerate(zip(lines, messages,
                                                                    strict=True))]})
    return first
