"""Admission: when an execution may start. The owner's settings cap how many top-level
executions run at once; the rest wait `queued`, oldest first, and are admitted as slots
free (a finish sends the admit message: finishing.py). A child execution runs inside its
parent's slot and is never queued behind it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from apps.executions import events
from apps.executions.engine import frontier, transitions
from apps.executions.models import Execution, StepRun
from apps.runtime.selectors import runtime_config_get

E = Execution.Status


def slot_free(owner_id: int, *, cap: int, child: bool) -> bool:
    """Whether a new execution may start at once: a child always runs inside its parent's
    slot; a top-level one when nothing of the owner's waits and the cap is not reached. The
    owner's row lock (taken here, held until commit) is the mutex admit() also takes."""
    if child:
        return True
    get_user_model().objects.select_for_update().filter(pk=owner_id).order_by().first()
    waiting = Execution.objects.filter(owner_id=owner_id, status=E.QUEUED,
                                       parent__isnull=True)
    return not waiting.exists() and _active(owner_id) < cap


def _active(owner_id: int) -> int:
    return Execution.objects.filter(owner_id=owner_id, status__in=[E.RUNNING, E.PAUSED],
                                    parent__isnull=True).count()


def mark_started(execution: Execution) -> None:
    """The execution takes its slot (the caller saves the row)."""
    transitions.move(execution, E.RUNNING)
    execution.started_at = timezone.now()


def begin(execution: Execution, config: dict[str, Any],
          known: dict[str, StepRun] | None = None) -> None:
    """The execution_started event and its first steps queued (status already running)."""
    events.execution_started(execution.pk, queued_ms=round(
        (execution.started_at - execution.created_at).total_seconds() * 1000, 1))
    frontier.schedule_ready(execution, config=config, known=known)


def admit(*, owner_id: int) -> list[str]:
    """Start queued executions, oldest first, while the owner's running count is under the cap.

    The owner's user row is locked as a mutex so concurrent admits cannot overshoot the cap.
    """
    started: list[str] = []
    # Called after every finish and by the sweeper: when nothing waits, skip the owner's lock
    # (which serialises every admit of that owner). A start that commits after this check
    # runs its own admission, which counts this caller's execution as finished.
    if not Execution.objects.filter(owner_id=owner_id, status=E.QUEUED).exists():
        return started
    config = runtime_config_get(owner=owner_id)
    cap = config["max_concurrent_executions"]
    with transaction.atomic(), events.together():
        get_user_model().objects.select_for_update().filter(pk=owner_id).order_by().first()
        active = _active(owner_id)
        # Child executions run inside their parent's slot: never queue them behind it.
        # Only as many top-level rows as there are free slots are read: starting many
        # executions at once stays linear.
        queued = Execution.objects.select_for_update().filter(
            owner_id=owner_id, status=E.QUEUED).order_by("created_at", "id")
        admitted = [*queued.filter(parent__isnull=False),
                    *queued.filter(parent__isnull=True)[:max(0, cap - active)]]
        for execution in sorted(admitted, key=lambda e: (e.created_at, str(e.pk))):
            mark_started(execution)
            execution.save(update_fields=["status", "started_at"])
            begin(execution, config)
            started.append(str(execution.pk))
    return started
