"""The executions app's hand-written SQL: every statement the ORM would make too slow, each
with the benchmark row it serves. Nothing outside this module (and the generic row builder,
apps/common/rowsql.py) builds SQL text; tests/common/test_layout.py checks it.

Values always travel as parameters, through each field's own adapters; table and column names
come from the models.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections

from apps.common import rowsql
from apps.common.rowvalues import preparers
from apps.executions.models import Execution, ExecutionEvent, LogLine, StepRun


def _key(execution_id: Any) -> Any:
    return Execution._meta.pk.get_db_prep_value(execution_id, connection)


# ---- the step hot path (bench/engine_bench.py: "step hop", "worker throughput") -----------
# A step's claim and commit each lock the execution's row and read a few step rows. Through
# the ORM's query compiler these cost more than the round trip itself; here they are
# statements the unit of work sends together (engine/unit.py), the lock first (the one lock
# order: execution, then step).

def locking_execution(execution_id: Any) -> rowsql.Statement:
    """The execution's row, locked until the commit ([] when there is none)."""
    return rowsql.selecting(Execution, "id = %s", [_key(execution_id)], lock=True)


def selecting_steps(execution_id: Any, step_ids: list[str]) -> rowsql.Statement:
    """These step rows of the execution (its lock, taken first, guards them)."""
    return rowsql.selecting(StepRun, f"execution_id = %s AND step_id IN "
                                     f"({', '.join(['%s'] * len(step_ids))})",
                            [_key(execution_id), *step_ids])


def locking_step(step_pk: int) -> rowsql.Statement:
    """One step's row by its key, locked (after its execution's)."""
    return rowsql.selecting(StepRun, "id = %s", [step_pk], lock=True)


def unfinished_steps(execution_id: Any) -> rowsql.Statement:
    """{step id: status} of the execution's steps that have not succeeded or been skipped:
    what decides whether the execution is over."""
    return rowsql.Statement(
        f"SELECT step_id, status FROM {StepRun._meta.db_table} "  # noqa: S608 - names from the model
        f"WHERE execution_id = %s AND status NOT IN (%s, %s)",
        [_key(execution_id), StepRun.Status.SUCCEEDED, StepRun.Status.SKIPPED],
        lambda cursor: dict(cursor.fetchall()))


def renewing_lease(step_pk: int, token: str, now: Any,
                   inputs: dict[str, Any]) -> rowsql.Statement:
    """A heartbeat: the lease renewed if this token still holds a running step (writing the
    step's inputs when given: {"inputs": value}); the result is the rows changed (0: lost)."""
    names = ("heartbeat_at", *inputs)
    prepare = dict(preparers(StepRun, names))
    conn = connections[DEFAULT_DB_ALIAS]
    values = {"heartbeat_at": now, **inputs}
    assignments = ", ".join(f"{StepRun._meta.get_field(name).column} = %s" for name in names)
    return rowsql.Statement(
        f"UPDATE {StepRun._meta.db_table} SET {assignments} "  # noqa: S608 - names from the model
        f"WHERE id = %s AND lease_token = %s AND status = %s",
        [*(prepare[name](values[name], conn) for name in names), step_pk, token,
         StepRun.Status.RUNNING], lambda cursor: cursor.rowcount)


def status_of_execution(execution_id: Any) -> rowsql.Statement:
    """The execution's status (None when it is gone)."""
    return rowsql.Statement(
        f"SELECT status FROM {Execution._meta.db_table} WHERE id = %s",  # noqa: S608 - names from the model
        [_key(execution_id)], lambda cursor: (cursor.fetchone() or [None])[0])


# ---- numbering events and log lines (bench/engine_bench.py "step hop"; bench/stream_bench.py
# "log lines") -----------------------------------------------------------------------------
# Numbers are handed out by an UPDATE … RETURNING on the execution's counter: its row lock
# orders every writer of one execution's events, so every number below a published one is
# committed and readable (the live streams rely on it).

_COUNTERS = {"last_event_seq", "last_log_seq"}


def reserve_numbers(execution_id: Any, counter: str, count: int) -> int:
    """Reserve `count` numbers of `counter`; returns the first."""
    if counter not in _COUNTERS:
        raise ValueError(counter)
    table = Execution._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {counter} = {counter} + %s WHERE id = %s "  # noqa: S608 - names from the model
                       f"RETURNING {counter}", [count, _key(execution_id)])
        (last,) = cursor.fetchone()
    return last - count + 1


_EVENT_FIELDS = ("type", "step_id", "data", "timestamp", "duration_ms")
_EVENT_CASTS = ("varchar", "varchar", "jsonb", "timestamptz", "double precision")
_EVENT_SQL: dict[tuple[str, int, bool], str] = {}


def _events_sql(count: int, current_step: bool) -> str:
    key = (connection.vendor, count, current_step)
    if key not in _EVENT_SQL:
        meta, table = ExecutionEvent._meta, Execution._meta.db_table
        fields = [meta.get_field(name) for name in _EVENT_FIELDS]
        columns = ", ".join(field.column for field in fields)
        selected = ", ".join(f"v.{field.column}::{cast}"
                             for field, cast in zip(fields, _EVENT_CASTS, strict=True))
        row = "(" + ", ".join(["%s"] * (len(fields) + 1)) + ")"
        also = (", current_step = CASE WHEN status = %s THEN %s ELSE current_step END"
                if current_step else "")
        _EVENT_SQL[key] = (
            f"WITH n AS (UPDATE {table} SET last_event_seq = last_event_seq + %s{also} "  # noqa: S608 - names from the models
            f"WHERE id = %s RETURNING last_event_seq), "
            f"v (k, {columns}) AS (VALUES {', '.join([row] * count)}) "
            f"INSERT INTO {meta.db_table} (execution_id, seq, {columns}) "
            f"SELECT %s, n.last_event_seq - %s + v.k::integer, {selected} FROM n, v "
            f"RETURNING seq")
    return _EVENT_SQL[key]


def inserting_numbered_events(execution_id: Any, events: list[ExecutionEvent],
                              current_step: str | None) -> rowsql.Statement:
    """PostgreSQL: take the next numbers and insert the events in one statement; the same
    UPDATE can set the execution's current step (only while it runs: a step that finished
    the execution in this transaction already cleared it). Running it sets each event's
    `seq`."""
    key = _key(execution_id)
    prepare, conn = preparers(ExecutionEvent, _EVENT_FIELDS), connections[DEFAULT_DB_ALIAS]
    values: list[Any] = []
    for k, event in enumerate(events, start=1):
        values.append(k)
        values += [prep(getattr(event, attname), conn) for attname, prep in prepare]
    extra = [] if current_step is None else [Execution.Status.RUNNING, current_step]

    def number(cursor: Any) -> None:
        first = min(seq for (seq,) in cursor.fetchall())
        for k, event in enumerate(events):
            event.seq = first + k

    return rowsql.Statement(_events_sql(len(events), current_step is not None),
                            [len(events), *extra, key, *values, key, len(events)], number)


# ---- log lines (bench/stream_bench.py "log lines") ------------------------------------------
# A chatty step stores thousands of lines a second; a model instance per line and the ORM's
# per-value preparation cost more than the insert. On PostgreSQL the batch travels as four
# arrays in one statement; elsewhere as one executemany.

def insert_log_lines(execution_id: Any, first_seq: int, step_id: str, attempt: int,
                     levels: list[str], messages: list[str], stamps: list[Any]) -> None:
    meta = LogLine._meta
    key = _key(execution_id)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {meta.db_table} (execution_id, seq, step_id, attempt, level, "  # noqa: S608 - names from the model
                f"message, timestamp) SELECT %s, %s + u.n - 1, %s, %s, u.level, u.message, "
                f"u.stamp FROM unnest(%s::varchar[], %s::text[], %s::timestamptz[]) "
                f"WITH ORDINALITY AS u(level, message, stamp, n)",
                [key, first_seq, step_id, attempt, levels, messages, stamps])
            return
        stamp_field = meta.get_field("timestamp")
        cursor.executemany(
            f"INSERT INTO {meta.db_table} (execution_id, seq, step_id, attempt, level, "  # noqa: S608 - names from the model
            f"message, timestamp) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(key, first_seq + i, step_id, attempt, level, message,
              stamp_field.get_db_prep_save(stamp, connection))
             for i, (level, message, stamp) in enumerate(zip(levels, messages, stamps,
                                                             strict=True))])


# ---- retention (bench/insights_bench.py "retention") ----------------------------------------

def delete_where_in(model: Any, column: str, keys: list[Any]) -> int:
    """A plain DELETE of the rows whose `column` is one of `keys`: the caller has removed
    everything that points at them, so Django's collector (which loads every row as an object
    first) would only cost time and memory."""
    placeholders = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} "  # noqa: S608 - names from the model
                       f"WHERE {column} IN ({placeholders})", keys)
        return cursor.rowcount


def delete_history(model: Any, keys: list[Any], span: tuple[Any, Any] | None) -> int:
    """DELETE an execution batch's events or log lines, within the `span` of timestamps
    where they can be (so a partitioned table visits only the partitions of that span)."""
    placeholders = ", ".join(["%s"] * len(keys))
    bounded = ' AND "timestamp" >= %s AND "timestamp" <= %s' if span else ""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {model._meta.db_table} "  # noqa: S608 - names from the model
                       f"WHERE execution_id IN ({placeholders}){bounded}",
                       [*keys, *(connection.ops.adapt_datetimefield_value(v) for v in span or ())])
        return cursor.rowcount


def execution_keys(ids: list[Any]) -> list[Any]:
    return [_key(pk) for pk in ids]


# ---- workflow trends (bench/insights_bench.py "metrics of the last N runs") -----------------
# Percentiles over the last N runs' step rows, computed by PostgreSQL: 20,000 step rows never
# reach Python (the ORM has no percentile_disc). SQLite keeps the Python path.

STEP_STATS_SQL = """
WITH recent AS (
    SELECT id, row_number() OVER (ORDER BY created_at DESC) - 1 AS age
    FROM executions_execution
    WHERE workflow_id = %(workflow)s AND parent_id IS NULL
    ORDER BY created_at DESC LIMIT %(runs)s
), steps AS (
    SELECT s.step_id, s.status, s.attempts, s.duration_ms, r.age < %(half)s AS newer,
           CASE WHEN jsonb_typeof(s.metrics -> 'peak_rss_mb') = 'number'
                THEN (s.metrics ->> 'peak_rss_mb')::float8 END AS peak,
           s.status = 'succeeded' AND s.duration_ms IS NOT NULL AS timed
    FROM executions_steprun s JOIN recent r ON r.id = s.execution_id
)
SELECT step_id,
       count(*) FILTER (WHERE status IN ('succeeded', 'failed')),
       count(*) FILTER (WHERE status = 'failed'),
       count(*) FILTER (WHERE status IN ('succeeded', 'failed') AND attempts > 1),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE timed),
       percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE timed),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE timed AND newer),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms)
           FILTER (WHERE timed AND NOT newer),
       max(peak)
FROM steps GROUP BY step_id
"""


def step_stats_rows(workflow_id: int, runs: int) -> list[tuple[Any, ...]]:
    """One row per step id of the workflow's last `runs` finished executions."""
    with connection.cursor() as cursor:
        cursor.execute(STEP_STATS_SQL, {"workflow": workflow_id, "runs": runs,
                                        "half": runs / 2})
        return cursor.fetchall()
