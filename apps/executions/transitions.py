"""The state machines of executions and steps: the only place legality is decided."""

from __future__ import annotations

from apps.common.exceptions import Conflict
from apps.executions.models import Execution, StepRun

E = Execution.Status
S = StepRun.Status

EXECUTION_ALLOWED: dict[str, set[str]] = {
    E.QUEUED: {E.RUNNING, E.CANCELLED, E.FAILED},
    E.RUNNING: {E.PAUSED, E.SUCCEEDED, E.FAILED, E.CANCELLED},
    E.PAUSED: {E.RUNNING, E.CANCELLED, E.FAILED},
    # A terminal execution is left only by an explicit step retry or skip ("continue from there").
    E.FAILED: {E.RUNNING},
    E.SUCCEEDED: set(),
    E.CANCELLED: set(),
}

STEP_ALLOWED: dict[str, set[str]] = {
    S.PENDING: {S.QUEUED, S.SKIPPED, S.CANCELLED, S.RUNNING},
    S.QUEUED: {S.RUNNING, S.CANCELLED, S.SKIPPED, S.QUEUED},
    S.RUNNING: {S.SUCCEEDED, S.FAILED, S.RETRYING, S.CANCELLED, S.QUEUED},
    S.RETRYING: {S.QUEUED, S.RUNNING, S.CANCELLED, S.FAILED},
    S.FAILED: {S.PENDING, S.SKIPPED},  # retry or skip with a substitute output
    S.CANCELLED: {S.PENDING},  # re-opened when a failed execution is continued
    S.SKIPPED: {S.PENDING},
    S.SUCCEEDED: set(),
}


def can_execution(current: str, new: str) -> bool:
    return new in EXECUTION_ALLOWED.get(current, set())


def ensure_execution(current: str, new: str) -> None:
    if not can_execution(current, new):
        raise Conflict(f"An execution that is {current} cannot become {new}.",
                       code="invalid_transition")


def can_step(current: str, new: str) -> bool:
    return new in STEP_ALLOWED.get(current, set())


def ensure_step(current: str, new: str) -> None:
    if not can_step(current, new):
        raise Conflict(f"A step that is {current} cannot become {new}.",
                       code="invalid_transition")
