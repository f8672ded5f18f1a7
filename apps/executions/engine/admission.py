"""Admission: when an execution may start. The owner's settings cap how many top-level
executions run at once, and a workflow's `concurrency` (`limit`, per value of `key` when
given) how many of its own; the rest wait `queued` (by priority, then oldest first), each
with the reason, and are admitted as slots free (a finish sends the admit message:
finishing.py). A child execution runs inside its parent's slot and is never queued behind it.

The owner's row lock, taken by every start and every admission, is the mutex that keeps
both limits: a workflow belongs to one owner."""

from __future__ import annotations

import hashlib
import json
import re
import types
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone

from apps.executions import events
from apps.executions.engine import frontier, transitions
from apps.executions.engine.artifacts import artifact_for
from apps.executions.engine.unit import Unit
from apps.executions.models import Execution
from apps.executions.selectors import queue_unblocked_by
from apps.runtime.selectors import runtime_config_get
from compiler import expressions

E = Execution.Status
ADMIT_PAGE = 200
ADMISSION_ORDER = ("priority", "created_at", "id")  # higher priority first, then start order


KEY_CHARS = 200
_LIVE = (E.RUNNING, E.PAUSED)


def _limit(module: types.ModuleType) -> dict[str, Any] | None:
    found = getattr(module, "CONCURRENCY", None)
    return found if isinstance(found, dict) else None


def concurrency_key(module: types.ModuleType, inputs: dict[str, Any],
                    secrets: Iterable[Any] = ()) -> str:
    """The run's key, rendered from the inputs ("" without a keyed limit). A key built from a
    secret input is stored as its hash: it still groups runs, and shows nothing."""
    limit = _limit(module)
    if not limit or not limit.get("key"):
        return ""
    try:
        value = expressions.render(limit["key"], {"inputs": inputs})
    except expressions.ExpressionError:
        value = None
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    if any(isinstance(s, str) and s and s in text for s in secrets):
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]
    return text[:KEY_CHARS]


def _key_label(limit: dict[str, Any], key: str) -> str:
    """"customer_id=42" for a key {{ inputs.customer_id }}, else the expression and value."""
    match = re.fullmatch(r"\{\{\s*inputs\.(\w+)\s*\}\}", limit.get("key") or "")
    name = match.group(1) if match else (limit.get("key") or "").strip("{} ")
    return f"{name}={key}"


class Wait(NamedTuple):
    """Why a new execution waits. `on_limit`: held by its own workflow's (or key's) limit,
    not by the owner's cap; such a run does not keep other workflows' starts waiting, and
    queueing it needs no admission (nothing it waits for has changed)."""

    reason: str
    on_limit: bool


def _running_by_group(unit: Unit,
                      groups: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """How many runs of each (workflow, key) group are running or paused, in one query; the
    key "" (a limit without a key) counts every run of its workflow."""
    counts = unit.fetch(Execution.objects.filter(workflow_id__in={w for w, _ in groups},
                                       status__in=_LIVE, parent__isnull=True)
              .order_by().values_list("workflow_id", "concurrency_key").annotate(n=Count("pk")))
    per_key: dict[tuple[int, str], int] = {}
    per_workflow: dict[int, int] = {}
    for workflow_id, key, n in counts:
        per_key[(workflow_id, key)] = n
        per_workflow[workflow_id] = per_workflow.get(workflow_id, 0) + n
    return {(w, k): per_key.get((w, k), 0) if k else per_workflow.get(w, 0)
            for w, k in groups}


def _workflow_full(execution: Execution, limit: dict[str, Any], running: int) -> str | None:
    if running < int(limit["limit"]):
        return None
    where = f" for {_key_label(limit, execution.concurrency_key)}" if limit.get("key") else ""
    return f"{running} of {limit['limit']} running{where} (the workflow's concurrency limit)"


def why_wait(unit: Unit, execution: Execution, module: types.ModuleType, *, cap: int,
             child: bool) -> Wait | None:
    """None when a new execution may start at once, else why it waits: a child always runs
    inside its parent's slot; a top-level one when nothing of the owner's at its priority or
    above waits, the owner's cap is not reached, and neither is its workflow's limit. Takes
    the owner's row lock (held until commit), the mutex admit() also takes."""
    if child:
        return None
    _lock_owner(unit, execution.owner_id)
    # Only runs that admission would take first keep this one waiting: a high-priority start
    # is not held back by a queue of low-priority ones while a slot is free, nor any start
    # by runs that wait for their own workflow's limit.
    waiting = Execution.objects.filter(owner_id=execution.owner_id, status=E.QUEUED,
                                       parent__isnull=True, priority__lte=execution.priority,
                                       waiting_on_limit=False)
    if unit.exists(waiting):
        return Wait("earlier executions are waiting for a slot", on_limit=False)
    active = _active(unit, execution.owner_id)
    if active >= cap:
        return Wait(_owner_full(active, cap), on_limit=False)
    limit = _limit(module)
    group = (execution.workflow_id, execution.concurrency_key)
    reason = _workflow_full(execution, limit, _running_by_group(unit, {group})[group]) \
        if limit else None
    return Wait(reason, on_limit=True) if reason else None


def _owner_full(active: int, cap: int) -> str:
    return f"{active} of {cap} of your executions running (max_concurrent_executions)"


def _lock_owner(unit: Unit, owner_id: int) -> None:
    """The owner's row, locked until the commit: the mutex of every start and admission."""
    unit.fetch(get_user_model().objects.select_for_update().filter(pk=owner_id)
               .order_by().values_list("pk", flat=True))


def _active(unit: Unit, owner_id: int) -> int:
    return unit.count(Execution.objects.filter(owner_id=owner_id, status__in=_LIVE,
                                               parent__isnull=True))


def mark_started(execution: Execution) -> None:
    """The execution takes its slot (the caller writes the row)."""
    transitions.move(execution, E.RUNNING)
    execution.started_at = timezone.now()


def begin(unit: Unit, execution: Execution) -> None:
    """The execution_started event and its first steps queued (status already running)."""
    events.execution_started(unit, execution.pk, queued_ms=round(
        (execution.started_at - execution.created_at).total_seconds() * 1000, 1))
    frontier.schedule_ready(unit, execution)


def admit(unit: Unit, owner_id: int, group: tuple[int, str] | None = None) -> list[str]:
    """Start queued executions, highest priority then oldest first, while the owner's
    running count is under the cap. `group` (workflow id, concurrency key): a run of it
    ended, so only runs waiting for a slot and those held by that group's limit can have
    become admissible; the others are not read (None, the sweeper's: all of them).

    The owner's user row is locked as a mutex so concurrent admits cannot overshoot the cap.
    Queued rows somebody else holds (a cancel, say) are skipped, never waited for: that
    transaction may be about to need the owner's row itself (its commit checks the owner
    foreign key of a row it changed twice), and waiting would be a deadlock. A skipped run is
    admitted by the next admission (every finish, and the sweeper)."""
    started: list[str] = []
    # Called after every finish and by the sweeper: when nothing waits, skip the owner's lock
    # (which serialises every admit of that owner). A start that commits after this check
    # runs its own admission, which counts this caller's execution as finished.
    if not unit.exists(queue_unblocked_by(owner_id, group)):
        return started
    cap = runtime_config_get(owner=owner_id)["max_concurrent_executions"]
    _lock_owner(unit, owner_id)
    active = _active(unit, owner_id)
    # Child executions run inside their parent's slot: never queue them behind it. Only as
    # many top-level rows as there are free slots are read: starting many at once stays
    # linear.
    queued = Execution.objects.select_for_update(skip_locked=True).filter(
        owner_id=owner_id, status=E.QUEUED).order_by(*ADMISSION_ORDER)
    admitted = unit.fetch(queued.filter(parent__isnull=False))
    admitted += _admissible(unit, owner_id, max(0, cap - active), group)
    for execution in sorted(admitted, key=lambda e: (e.priority, e.created_at, str(e.pk))):
        unit.hold(execution)  # locked above (skip_locked: those somebody holds are not here)
        execution.waiting_reason, execution.waiting_on_limit = "", False
        mark_started(execution)
        unit.save(execution, "status", "started_at", "waiting_reason", "waiting_on_limit")
        begin(unit, execution)
        started.append(str(execution.pk))
    return started


# What the scan of the queue reads of each row: enough to place it, not its inputs or output.
_SCAN_FIELDS = ("id", "workflow_id", "compilation_id", "code_sha256", "concurrency_key",
                "waiting_reason", "waiting_on_limit", "priority", "created_at")


def _admissible(unit: Unit, owner_id: int, free: int,
                group: tuple[int, str] | None) -> list[Execution]:
    """The first queued top-level executions (by priority, then age) that fit: at most
    `free` of them, skipping any whose workflow (or key) is at its limit; the skipped ones
    get their reason. The queue is scanned in pages of light rows without locks (the
    owner's lock, held by the caller, is the mutex of every start and admission); running
    counts are read once per page for all its groups; only the chosen rows are locked and
    read whole. A long queue costs the pages up to the last one admitted."""
    chosen: list[int] = []
    running: dict[tuple[int, str], int] = {}
    held: dict[str, list[Any]] = {}
    queued = (queue_unblocked_by(owner_id, group).filter(parent__isnull=True)
              .order_by(*ADMISSION_ORDER).only(*_SCAN_FIELDS))
    offset = 0
    while len(chosen) < free:
        # First as many rows as there are free slots (no limits: done, as cheap as it gets),
        # then pages past the ones that had to wait.
        size = free if offset == 0 else ADMIT_PAGE
        page = [(row, _limit(artifact_for(row)))
                for row in unit.fetch(queued[offset:offset + size])]
        new_groups = {(row.workflow_id, row.concurrency_key) for row, limit in page
                      if limit is not None} - running.keys()
        if new_groups:
            running.update(_running_by_group(unit, new_groups))
        for row, limit in page:
            if limit is None:
                chosen.append(row.pk)
            else:
                group = (row.workflow_id, row.concurrency_key)
                reason = _workflow_full(row, limit, running[group])
                if reason is None:
                    running[group] += 1
                    chosen.append(row.pk)
                elif row.waiting_reason != reason or not row.waiting_on_limit:
                    held.setdefault(reason, []).append(row.pk)
            if len(chosen) >= free:
                break
        if len(page) < size:
            break
        offset += size
    for reason, pks in held.items():
        unit.update(Execution.objects.filter(pk__in=pks, status=E.QUEUED),
                    waiting_reason=reason, waiting_on_limit=True)
    # Locked now; one a cancel holds (or has just ended) is left to the next admission.
    return unit.fetch(Execution.objects.select_for_update(skip_locked=True)
                      .filter(pk__in=chosen, status=E.QUEUED))
