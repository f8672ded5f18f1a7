"""The one state machine: every (from, to) pair of executions, steps and attempts is either
in the table or refused loudly; nothing else in the engine sets a status."""

from __future__ import annotations

import itertools
import logging
import re
from pathlib import Path

import pytest

from apps.executions.engine import transitions
from apps.executions.engine.transitions import IllegalTransition
from apps.executions.models import Execution, StepAttempt, StepRun

ROOT = Path(__file__).resolve().parents[2]
E, S = Execution.Status, StepRun.Status

# What the engine does, in words: the table must say exactly this.
EXPECTED = {
    Execution: {
        (E.QUEUED, E.RUNNING), (E.QUEUED, E.CANCELLED), (E.QUEUED, E.FAILED),
        (E.RUNNING, E.PAUSED), (E.RUNNING, E.SUCCEEDED), (E.RUNNING, E.FAILED),
        (E.RUNNING, E.CANCELLED), (E.PAUSED, E.RUNNING), (E.PAUSED, E.CANCELLED),
        (E.PAUSED, E.FAILED), (E.FAILED, E.RUNNING),  # a failed step retried or skipped
    },
    StepRun: {
        (S.PENDING, S.QUEUED), (S.PENDING, S.SKIPPED), (S.PENDING, S.CANCELLED),
        (S.QUEUED, S.RUNNING), (S.QUEUED, S.SKIPPED), (S.QUEUED, S.CANCELLED),
        (S.RETRYING, S.RUNNING), (S.RETRYING, S.CANCELLED),
        (S.RUNNING, S.SUCCEEDED), (S.RUNNING, S.FAILED), (S.RUNNING, S.RETRYING),
        (S.RUNNING, S.CANCELLED), (S.RUNNING, S.QUEUED),  # worker lost: runs again
        (S.RUNNING, S.WAITING),  # an approval: waits for a person
        (S.WAITING, S.SUCCEEDED), (S.WAITING, S.FAILED), (S.WAITING, S.CANCELLED),
        (S.FAILED, S.PENDING), (S.FAILED, S.SKIPPED),
        (S.CANCELLED, S.PENDING), (S.CANCELLED, S.SKIPPED),
    },
    StepAttempt: {(S.RUNNING, S.SUCCEEDED), (S.RUNNING, S.FAILED), (S.RUNNING, S.CANCELLED)},
}
STATUSES = {Execution: list(E), StepRun: list(S), StepAttempt: [S.RUNNING, S.SUCCEEDED,
                                                                 S.FAILED, S.CANCELLED]}
ROWS = {Execution: Execution, StepRun: StepRun,
        StepAttempt: lambda **kw: StepAttempt(number=1, **kw)}


@pytest.mark.parametrize(("model", "current", "new"), [
    (model, current, new) for model, statuses in STATUSES.items()
    for current, new in itertools.product(statuses, repeat=2)])
def test_every_pair_is_allowed_exactly_when_the_table_says(model, current, new, caplog):
    # given
    row = ROWS[model](status=current)
    legal = (current, new) in EXPECTED[model]
    # when / then
    assert transitions.allowed(model, current, new) is legal
    if legal:
        transitions.move(row, new)
        assert row.status == new
    else:
        with caplog.at_level(logging.ERROR), pytest.raises(IllegalTransition):
            transitions.move(row, new)
        assert row.status == current  # never written
        assert f"{current} -> {new}" in caplog.text


def test_terminal_states_cannot_be_left_except_to_continue_a_failure():
    for model, table in transitions.TABLES.items():
        for status in (S.SUCCEEDED, S.SKIPPED, E.CANCELLED):
            if status in table and model is not StepRun or status == S.SUCCEEDED:
                assert not table.get(status), (model, status)


def test_bulk_updates_are_checked_against_the_table():
    assert transitions.bulk(StepRun, [S.PENDING, S.QUEUED], S.CANCELLED) == [S.PENDING,
                                                                             S.QUEUED]
    with pytest.raises(IllegalTransition):
        transitions.bulk(StepRun, [S.SUCCEEDED], S.CANCELLED)


def test_no_engine_code_sets_a_status_but_through_the_table():
    """Statuses are assigned in transitions.py only; other modules call move()."""
    assignment = re.compile(r"\.status\s*=(?!=)")
    offenders = []
    for path in [*(ROOT / "apps").rglob("*.py"), *(ROOT / "worker").rglob("*.py")]:
        if "migrations" in path.parts or path.name in ("transitions.py", "sql.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if assignment.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
