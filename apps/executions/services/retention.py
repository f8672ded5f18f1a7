"""Retention: executions older than their owner's `retention_days` go, with their steps,
attempts, events and logs. On PostgreSQL the history's bins that hold nothing else are dropped
whole first (apps/executions/partitions.py); the rest is deleted in small batches, children's
rows first, each batch its own transaction, so no long lock is ever held and memory stays flat
however much is due."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.audit.services import audit_owner_ids, audit_purge
from apps.executions import partitions, sql
from apps.executions.models import (
    TERMINAL_EXECUTION,
    Execution,
    ExecutionEvent,
    LogLine,
    StepAttempt,
    StepRun,
)
from apps.runtime.selectors import retention_cutoffs

BATCH = 500


def _cutoffs(now: Any, days: int | None) -> dict[int, Any]:
    """Owner id -> the creation time before which their executions are deleted."""
    owners = Execution.objects.values_list("owner_id", flat=True).distinct()
    return retention_cutoffs(get_user_model().objects.filter(pk__in=owners).values_list(
        "pk", flat=True), now=now, days=days)


def _delete_batch(ids: list[Any], now: Any) -> int:
    """Delete one batch. Its executions' history rows were written between their creation and
    their end, so the DELETE names that span (give or take CLOCK_SKEW, for the hosts' clocks):
    PostgreSQL then visits only the partitions of that span, and none of the bins already
    dropped. A row outside it (a host's clock more than that off) is left to its bin, which
    goes when no kept execution has rows there; on SQLite the foreign key stops the batch at
    commit instead, and it is deleted again without the span."""
    span = Execution.objects.filter(pk__in=ids).aggregate(
        since=Min("created_at"), until=Max(Coalesce("finished_at", Value(now))))
    try:
        return _delete(ids, (span["since"] - partitions.CLOCK_SKEW,
                             span["until"] + partitions.CLOCK_SKEW))
    except IntegrityError:
        return _delete(ids, None)


def _delete(ids: list[Any], span: tuple[Any, Any] | None) -> int:
    keys = sql.execution_keys(ids)
    with transaction.atomic():
        sql.delete_history(LogLine, keys, span)
        sql.delete_history(ExecutionEvent, keys, span)
        step_ids = list(StepRun.objects.filter(execution_id__in=ids).order_by()  # no join
                        .values_list("pk", flat=True))
        if step_ids:
            sql.delete_where_in(StepAttempt, "step_run_id", step_ids)
        StepRun.objects.filter(child_execution_id__in=ids).update(child_execution=None)
        sql.delete_where_in(StepRun, "execution_id", keys)
        Execution.objects.filter(rerun_of_id__in=ids).update(rerun_of=None)
        # Leaves only (no children), every reference cleared: a constraint error here
        # would roll the batch back rather than lose anything.
        return sql.delete_where_in(Execution, "id", keys)


def purge_old_executions(*, days: int | None = None, owner_id: int | None = None,
                         dry_run: bool = False, batch: int = BATCH) -> dict[str, int]:
    """Delete finished executions older than the retention (the owner's setting, or `days`).
    Children go before their parents; running executions are never touched."""
    now = timezone.now()
    report = {"executions": 0, "batches": 0, "partitions_dropped": 0, "bytes_freed": 0,
              "partitions_ms": 0}
    cutoffs = {owner: cutoff for owner, cutoff in _cutoffs(now, days).items()
               if owner_id is None or owner == owner_id}
    if not dry_run:
        # Whole bins first (PostgreSQL): what is left of the old executions' rows, in the
        # bins retention cuts through, goes row by row below.
        began = time.monotonic()
        gone = partitions.droppable(cutoffs, now=now)
        report["bytes_freed"] = partitions.drop(gone)
        report["partitions_dropped"] = len(gone)
        report["partitions_ms"] = round((time.monotonic() - began) * 1000)
    for owner, cutoff in cutoffs.items():
        old = Execution.objects.filter(owner_id=owner, created_at__lt=cutoff,
                                       status__in=list(TERMINAL_EXECUTION))
        if dry_run:
            report["executions"] += old.count()
            continue
        while _one_pass(old, batch, now, report):
            pass  # parents skipped in a pass (their children were there) go in the next
    return report


def _one_pass(old: Any, batch: int, now: Any, report: dict[str, int]) -> bool:
    """Delete the leaves (executions without children) of `old`, oldest first, a batch at a
    time; each batch continues from the creation time the last one reached, so no batch reads
    again what the ones before it deleted (a batch costs the same at the millionth row as at
    the first). A child is created after its parent, so a parent skipped here is deleted by
    the next pass. Returns whether anything went."""
    since = None
    deleted = False
    while True:
        leaves = old.filter(children__isnull=True)
        if since is not None:
            leaves = leaves.filter(created_at__gte=since)
        rows = list(leaves.order_by("created_at").values_list("pk", "created_at")[:batch])
        if not rows:
            return deleted
        since = rows[-1][1]
        report["executions"] += _delete_batch([pk for pk, _ in rows], now)
        report["batches"] += 1
        deleted = True


def purge_old_audit_entries(*, days: int | None = None) -> int:
    """Audit entries older than their owner's `retention_days` (or `days`): the audit trail
    is kept as long as the history it describes."""
    cutoffs = retention_cutoffs(audit_owner_ids(), now=timezone.now(), days=days)
    return audit_purge(cutoffs=cutoffs)


def history_partitions_ahead() -> list[str]:
    """The history's partitions made ahead of now (PostgreSQL; none elsewhere): retention
    drops whole partitions later (apps/executions/partitions.py)."""
    return partitions.ensure_ahead()
