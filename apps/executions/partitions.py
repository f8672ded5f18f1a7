"""The history's partitions (PostgreSQL only; docs/scaling.md, "Partitioned history"): events
and log lines, the largest tables, are range-partitioned by their timestamp into bins of
HISTORY_PARTITION_DAYS days counted from 1970-01-01 UTC (migration 0013 converts existing
tables), so that retention drops a whole bin instead of deleting its rows one by one, and the
database never has to vacuum what retention took away.

A periodic task (worker.ensure_partitions) keeps HISTORY_PARTITIONS_AHEAD bins made ahead of
now; a DEFAULT partition catches a row no bin covers yet (the task did not run), and making
the bin later moves such rows into it. SQLite keeps plain tables: every function here is a
no-op there. This is one of the modules allowed to write SQL (tests/common/test_layout.py):
DDL and catalogue queries the ORM has no words for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from apps.executions.models import TERMINAL_EXECUTION, Execution, ExecutionEvent, LogLine

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MODELS = (ExecutionEvent, LogLine)


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    lower: datetime | None  # None for the DEFAULT partition
    upper: datetime | None


def enabled() -> bool:
    """True where the history tables are partitioned (PostgreSQL after migration 0013)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c "
                       "ON c.oid = p.partrelid WHERE c.relname = ANY(%s)",
                       [[m._meta.db_table for m in MODELS]])
        return cursor.fetchone()[0] == len(MODELS)


def bin_of(moment: datetime, days: int | None = None) -> tuple[datetime, datetime]:
    """The bin [lower, upper) that holds `moment`."""
    width = timedelta(days=days or settings.HISTORY_PARTITION_DAYS)
    index = (moment - EPOCH) // width
    return EPOCH + index * width, EPOCH + (index + 1) * width


def listed(table: str) -> list[Partition]:
    """The table's partitions, oldest first, DEFAULT last."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = %s", [table])
        rows = cursor.fetchall()
    found = [Partition(table, name, *_bounds(expr)) for name, expr in rows]
    return sorted(found, key=lambda p: (p.lower is None, p.lower or EPOCH))


def _bounds(expr: str) -> tuple[datetime | None, datetime | None]:
    # "FOR VALUES FROM ('2026-12-02 00:00:00+00') TO ('2026-12-03 00:00:00+00')" or "DEFAULT"
    if expr.strip().upper() == "DEFAULT":
        return None, None
    quoted = expr.split("'")
    return datetime.fromisoformat(quoted[1]), datetime.fromisoformat(quoted[3])


def _name(table: str, lower: datetime) -> str:
    return f"{table}_p{lower:%Y%m%d}"


def ensure_ahead(now: datetime | None = None) -> list[str]:
    """Make every bin from the latest one made up to HISTORY_PARTITIONS_AHEAD bins past now;
    returns the partitions made. Safe to run at any time, from any number of workers."""
    if not enabled():
        return []
    now = now or datetime.now(UTC)
    made: list[str] = []
    for model in MODELS:
        table = model._meta.db_table
        with transaction.atomic():
            with connection.cursor() as cursor:  # one maker at a time, per table
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [table])
            existing = [p for p in listed(table) if p.upper is not None]
            lower = existing[-1].upper if existing else bin_of(now)[0]
            horizon = bin_of(now)[1] + timedelta(
                days=settings.HISTORY_PARTITION_DAYS * settings.HISTORY_PARTITIONS_AHEAD)
            while lower < horizon:
                upper = bin_of(lower)[1]
                made.append(_make(table, lower, upper))
                lower = upper
    return made


def ensure_since(moment: datetime) -> list[str]:
    """Make the missing bins from `moment`'s up to the oldest one made (for history loaded
    from elsewhere, or a database converted before its rows arrived); returns them."""
    if not enabled():
        return []
    made: list[str] = []
    for model in MODELS:
        table = model._meta.db_table
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [table])
            existing = [p for p in listed(table) if p.lower is not None]
            lower = bin_of(moment)[0]
            while not existing or lower < existing[0].lower:
                upper = bin_of(lower)[1]
                made.append(_make(table, lower, upper))
                lower = upper
                if not existing and lower > datetime.now(UTC):
                    break
    return made


def _make(table: str, lower: datetime, upper: datetime) -> str:
    """CREATE the bin [lower, upper); rows the DEFAULT partition holds for it move in."""
    name = _name(table, lower)
    default = f"{table}_default"
    bounds = [lower, upper]
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS '
                       "INCLUDING CONSTRAINTS)")
        cursor.execute(f'WITH moved AS (DELETE FROM "{default}" WHERE "timestamp" >= %s AND '  # noqa: S608
                       f'"timestamp" < %s RETURNING *) INSERT INTO "{name}" SELECT * FROM moved',
                       bounds)
        cursor.execute(f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" '
                       "FOR VALUES FROM (%s) TO (%s)", bounds)
    return name


# The executions retention keeps that may have rows in the past bins: those created before
# the newest of them that are not old (old: finished, and created before the owner's cutoff,
# given as a VALUES list of (owner_id, cutoff)), and the ancestors of any execution kept
# (retention deletes leaves first, so a parent stays while a child stays). One pass, for every
# bin at once; then each bin is probed only for the ones created before its end.
KEPT_SQL = """
WITH RECURSIVE cutoffs(owner_id, cutoff) AS (VALUES {values}),
kept AS (
    SELECT e.id, e.parent_id, e.created_at FROM {executions} e
    LEFT JOIN cutoffs c ON c.owner_id = e.owner_id
    WHERE NOT (e."status" = ANY(%s) AND c.cutoff IS NOT NULL AND e.created_at < c.cutoff)
      AND (e.created_at < %s OR e.parent_id IS NOT NULL)
),
ancestors(id, parent_id, created_at) AS (
    SELECT p.id, p.parent_id, p.created_at FROM {executions} p
    WHERE p.id IN (SELECT parent_id FROM kept WHERE parent_id IS NOT NULL)
    UNION
    SELECT p.id, p.parent_id, p.created_at FROM {executions} p JOIN ancestors a
      ON p.id = a.parent_id
)
SELECT id, created_at FROM kept WHERE created_at < %s
UNION SELECT id, created_at FROM ancestors WHERE created_at < %s
"""
CLOCK_SKEW = timedelta(hours=1)  # how far a host's clock may be from the database's


def droppable(cutoffs: dict[int, datetime], now: datetime | None = None) -> list[Partition]:
    """The bins, wholly in the past, where no execution retention keeps has a row (every row
    in them belongs to one it is about to delete)."""
    if not enabled() or not cutoffs:
        return []
    # A bin that ends after every owner's cutoff holds executions retention keeps (those
    # created in it), unless it is empty: not worth a look.
    until = min(now or datetime.now(UTC), max(cutoffs.values()))
    past = [p for model in MODELS for p in listed(model._meta.db_table)
            if p.upper is not None and p.upper <= until]
    if not past:
        return []
    newest = max(p.upper for p in past) + CLOCK_SKEW
    values = ", ".join(["(%s, %s::timestamptz)"] * len(cutoffs))
    with connection.cursor() as cursor:
        cursor.execute(KEPT_SQL.format(values=values, executions=Execution._meta.db_table),
                       [*(x for pair in cutoffs.items() for x in pair),
                        list(TERMINAL_EXECUTION), newest, newest, newest])
        kept = cursor.fetchall()
    found = []
    for partition in past:
        ids = [pk for pk, created in kept if created < partition.upper + CLOCK_SKEW]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT 1 FROM "{partition.name}" WHERE '  # noqa: S608
                               "execution_id = ANY(%s) LIMIT 1", [ids])
                if cursor.fetchone() is not None:
                    continue
        found.append(partition)
    return found


def drop(partitions: list[Partition]) -> int:
    """DROP the bins, each in a short transaction of its own (the parent table's lock is held
    while one bin goes, and waits at most 10 s for it); returns the bytes they held."""
    freed = 0
    for partition in partitions:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '10s'")
            cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [f'"{partition.name}"'])
            freed += cursor.fetchone()[0]
            cursor.execute(f'DROP TABLE "{partition.name}"')
    return freed


def sizes() -> dict[str, Any]:
    """Bytes and bins per history table, for the operator (admin, docs/operations.md)."""
    if not enabled():
        return {}
    out = {}
    for model in MODELS:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(sum(pg_total_relation_size(i.inhrelid)), 0), "
                           "count(*) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
                           "WHERE p.relname = %s", [table])
            total, count = cursor.fetchone()
        out[table] = {"bytes": int(total), "partitions": int(count)}
    return out
