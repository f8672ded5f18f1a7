"""The state machines of executions, steps and attempts, as data; the one place a status is
changed. Every change goes through `move()` (or `bulk()` for an UPDATE over many rows), which
refuses an illegal one loudly: logged with both states, raised as a 409 `invalid_transition`.

Shaped after Prefect's orchestration policy: the rules are a table, applied in one place, so
there is nowhere else to look for why a status changed or could not.
"""

from __future__ import annotations

import logging
from typing import Any

from apps.common.exceptions import Conflict
from apps.executions.models import Execution, StepAttempt, StepRun

logger = logging.getLogger(__name__)

E = Execution.Status
S = StepRun.Status

EXECUTION: dict[str, frozenset[str]] = {
    E.QUEUED: frozenset({E.RUNNING, E.CANCELLED, E.FAILED}),
    E.RUNNING: frozenset({E.PAUSED, E.SUCCEEDED, E.FAILED, E.CANCELLED}),
    E.PAUSED: frozenset({E.RUNNING, E.CANCELLED, E.FAILED}),
    # A failed execution is left only to continue it: its failed step retried or skipped
    # by the user ("continue from there"). The other two ends are final.
    E.FAILED: frozenset({E.RUNNING}),
    E.SUCCEEDED: frozenset(),
    E.CANCELLED: frozenset(),
}

STEP: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.QUEUED, S.SKIPPED, S.CANCELLED}),
    S.QUEUED: frozenset({S.RUNNING, S.SKIPPED, S.CANCELLED}),
    S.RETRYING: frozenset({S.RUNNING, S.CANCELLED}),
    # QUEUED again: its worker was lost (at least once: it runs again elsewhere).
    S.RUNNING: frozenset({S.SUCCEEDED, S.FAILED, S.RETRYING, S.CANCELLED, S.QUEUED,
                          S.WAITING}),
    S.WAITING: frozenset({S.SUCCEEDED, S.FAILED, S.CANCELLED}),  # approved, rejected, stopped
    S.FAILED: frozenset({S.PENDING, S.SKIPPED}),  # retried, or skipped with a substitute
    S.CANCELLED: frozenset({S.PENDING, S.SKIPPED}),  # re-opened when the execution continues
    S.SKIPPED: frozenset(),
    S.SUCCEEDED: frozenset(),
}

ATTEMPT: dict[str, frozenset[str]] = {
    S.RUNNING: frozenset({S.SUCCEEDED, S.FAILED, S.CANCELLED}),
    S.SUCCEEDED: frozenset(),
    S.FAILED: frozenset(),
    S.CANCELLED: frozenset(),
}

TABLES: dict[type, dict[str, frozenset[str]]] = {Execution: EXECUTION, StepRun: STEP,
                                                 StepAttempt: ATTEMPT}


class IllegalTransition(Conflict):
    """A status change the table does not allow: a bug or a race lost, never written."""


def allowed(model: type, current: str, new: str) -> bool:
    return new in TABLES[model].get(current, frozenset())


def _refuse(model: type, what: str, current: str, new: str) -> IllegalTransition:
    name = model.__name__
    logger.error("illegal %s transition refused: %s -> %s (%s)", name, current, new, what)
    article = "An" if name[0] in "AEIOU" else "A"
    return IllegalTransition(f"{article} {name.lower()} that is {current} cannot become {new}.",
                             code="invalid_transition")


def move(row: Execution | StepRun | StepAttempt, new: str) -> None:
    """Set `row.status` to `new` (the caller saves), or raise IllegalTransition."""
    current = row.status
    if not allowed(type(row), current, new):
        raise _refuse(type(row), str(row.pk), current, new)
    row.status = new


def bulk(model: type, sources: list[str] | tuple[str, ...], new: str) -> list[str]:
    """The statuses an UPDATE … WHERE status IN (sources) SET status = new may match, each
    checked against the table; returns them for the query."""
    for current in sources:
        if not allowed(model, current, new):
            raise _refuse(model, "bulk update", current, new)
    return list(sources)


def check(model: type, current: str, new: str, what: Any = "") -> None:
    """Refuse `current -> new` for a row changed by a statement the caller builds itself
    (the hot path writes rows in plain SQL; see apps/executions/sql.py)."""
    if not allowed(model, current, new):
        raise _refuse(model, str(what), current, new)
