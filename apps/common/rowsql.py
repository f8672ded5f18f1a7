"""Read and write model rows with plain SQL, skipping Django's query compiler.

A workflow step is a handful of single-row reads and writes; building each through the ORM's
compiler cost more than the database round trip itself (measured on the step hot path).
Values go through each field's own adapters and converters (`get_db_prep_save`, the backend's
and the field's db converters), so JSON, timestamps and UUIDs come and go exactly as through
the ORM, on PostgreSQL and SQLite alike. Signals and `auto_now` are not applied: use these
only for models that have neither on the written fields.

Each helper builds a `Statement`; `run` executes several in one round trip (on PostgreSQL
pipelined prepared statements, run in order) and returns each one's result. Inside `deferring()`,
writes whose results nobody reads wait (`later`) and travel in one round trip with the
block's last statement (`flush`), or just before any other query of the connection: a step's
row, its attempt and its successors' queueing go with its events, in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Model, QuerySet

_READERS: dict[tuple[str, type[Model]], tuple[str, list[Any], list[str]]] = {}


@dataclass(frozen=True)
class Statement:
    sql: str
    params: list[Any]
    read: Callable[[Any], Any]  # turns the cursor, positioned on this statement, into a result


def _pipelined() -> bool:
    """PostgreSQL with prepared statements allowed (settings.DB_PREPARED_STATEMENTS: off only
    behind a pooler that cannot keep them)."""
    return connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS


def run(*statements: Statement) -> list[Any]:
    """Execute the statements in order and return each one's result; on PostgreSQL in one
    round trip (with the transaction's BEGIN when it starts here). Inside a transaction, a
    failing statement fails them all."""
    if not statements:
        return []
    with connection.cursor() as cursor:
        if _pipelined():
            # Through the connection's execute wrappers (deferring's flush, the benchmarks'
            # counters) once, as one call.
            return cursor._execute_with_wrappers(  # noqa: SLF001 - Django's hook for wrappers
                "; ".join(statement.sql for statement in statements),
                [param for statement in statements for param in statement.params],
                False, lambda *_: _run_prepared(cursor.cursor.connection, statements))
        results = []
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            results.append(statement.read(cursor))
        return results


def _run_prepared(raw: Any, statements: Sequence[Statement]) -> list[Any]:
    """psycopg's pipeline mode on Django's connection (same transaction): every statement,
    and psycopg's BEGIN when the transaction starts here, is sent before any answer is
    awaited, each as a server-side prepared statement. PostgreSQL then parses and plans a hot
    statement once per connection instead of once per step (half of its CPU for a step went
    there), and no value is quoted into SQL text. Django's own cursors keep binding on the
    client: only these statements are prepared (Django leaves prepare_threshold unset, which
    would refuse even an explicit prepare; set here to a count nothing reaches)."""
    import psycopg  # noqa: PLC0415 - PostgreSQL only

    if raw.prepare_threshold is None:
        raw.prepare_threshold = 2**31
    with connection.wrap_database_errors:  # psycopg's errors as Django's
        cursors = []
        with raw.pipeline():
            for statement in statements:
                cursor = psycopg.Cursor(raw)
                cursor.execute(statement.sql, statement.params, prepare=True)
                cursors.append(cursor)
        return [statement.read(cursor)
                for statement, cursor in zip(statements, cursors, strict=True)]


_later = threading.local()


@contextmanager
def deferring() -> Iterator[None]:
    """Writes given to `later` inside the block wait for `flush`, for the next query of this
    connection (sent just before it, so nothing reads around them or runs ahead of them), or
    for the block's end. An error inside the block drops them, with the transaction they
    belong to (a savepoint rolled back sends its own first: its rollback undoes them)."""
    if getattr(_later, "pending", None) is not None:
        yield
        return
    _later.pending = []

    def flush_first(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        flush()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(flush_first):
            yield
            flush()
    finally:
        _later.pending = None


def later(*statements: Statement) -> None:
    """Run the statements now, or inside `deferring()` with the block's next round trip."""
    pending = getattr(_later, "pending", None)
    if pending is None:
        run(*statements)
    else:
        pending.extend(statements)


def flush(*also: Statement) -> list[Any]:
    """Send the waiting writes, then `also`, in one round trip; returns `also`'s results."""
    pending = getattr(_later, "pending", None) or []
    if pending:
        _later.pending = []  # emptied first: the query below passes the wrapper again
    statements = [*pending, *also]
    return run(*statements)[len(pending):] if statements else []


def _reader(model: type[Model]) -> tuple[str, list[Any], list[str]]:
    """The column list, per-column converters and attribute names to build instances."""
    key = (connection.vendor, model)
    if key not in _READERS:
        qn = connection.ops.quote_name
        fields = model._meta.concrete_fields
        converters = []
        for field in fields:
            col = field.get_col(model._meta.db_table)
            converters.append((col, [*connection.ops.get_db_converters(col),
                                     *col.get_db_converters(connection)]))
        _READERS[key] = (", ".join(qn(field.column) for field in fields), converters,
                         [field.attname for field in fields])
    return _READERS[key]


def selecting(model: type[Model], where: str, params: Sequence[Any], *,
              lock: bool = False) -> Statement:
    """Instances of the rows matching `where` (SQL with %s placeholders, params already
    prepared for the database), locked FOR UPDATE when asked and the database can."""
    columns, converters, names = _reader(model)
    sql = f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)} " \
          f"WHERE {where}"  # noqa: S608 - column names from the model, values as parameters
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"

    def read(cursor: Any) -> list[Model]:
        found = []
        for row in cursor.fetchall():
            values = []
            for value, (col, functions) in zip(row, converters, strict=True):
                for function in functions:
                    value = function(value, col, connection)
                values.append(value)
            found.append(model.from_db(connection.alias, names, values))
        return found

    return Statement(sql, list(params), read)


def _prep(model: type[Model], instance: Model, names: Iterable[str]) -> tuple[list[str],
                                                                             list[Any]]:
    qn = connection.ops.quote_name
    columns, values = [], []
    for name in names:
        field = model._meta.get_field(name)
        columns.append(qn(field.column))
        values.append(field.get_db_prep_save(getattr(instance, field.attname), connection))
    return columns, values


def _rowcount(cursor: Any) -> int:
    return cursor.rowcount


def updating(instance: Model, names: Sequence[str]) -> Statement:
    """UPDATE the instance's row, setting the named fields; the result is the rows changed."""
    model = type(instance)
    columns, values = _prep(model, instance, names)
    assignments = ", ".join(f"{column} = %s" for column in columns)
    pk = model._meta.pk
    return Statement(f"UPDATE {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
                     f"SET {assignments} WHERE {connection.ops.quote_name(pk.column)} = %s",
                     [*values, pk.get_db_prep_value(instance.pk, connection)], _rowcount)


def updating_many(model: type[Model], pks: Sequence[Any], **values: Any) -> Statement:
    """UPDATE the rows with these primary keys, setting the same values on each."""
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)
    pk = model._meta.pk
    return Statement(
        f"UPDATE {qn(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {qn(pk.column)} IN ({', '.join(['%s'] * len(pks))})",
        [*(field.get_db_prep_save(values[field.name], connection) for field in fields),
         *(pk.get_db_prep_value(key, connection) for key in pks)], _rowcount)


def update_many(model: type[Model], pks: Sequence[Any], **values: Any) -> int:
    """UPDATE the rows with these primary keys now; the rows changed."""
    return run(updating_many(model, pks, **values))[0] if pks else 0


def inserting(instance: Model) -> Statement:
    """INSERT the instance (every concrete field but an unset primary key); sets its pk."""
    model = type(instance)
    names = [field.name for field in model._meta.concrete_fields
             if not (field.primary_key and instance.pk is None)]
    columns, values = _prep(model, instance, names)
    qn = connection.ops.quote_name

    def read(cursor: Any) -> Model:
        (instance.pk,) = cursor.fetchone()
        instance._state.adding = False
        return instance

    return Statement(f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
                     f"VALUES ({', '.join(['%s'] * len(values))}) "
                     f"RETURNING {qn(model._meta.pk.column)}", values, read)


def existing(queryset: QuerySet[Any], found: Callable[[bool], None]) -> Statement:
    """Whether the queryset matches any row, as a statement that can wait with others
    (`later`): the answer goes to `found`. The query is the ORM's own, compiled once."""
    inner, params = queryset.order_by().values("pk")[:1].query.sql_with_params()
    return Statement(f"SELECT EXISTS ({inner})", list(params),
                     lambda cursor: found(bool(cursor.fetchone()[0])))


def ping() -> None:
    """One round trip to the database (the health check's), or the driver's error."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
