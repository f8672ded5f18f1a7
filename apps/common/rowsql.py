"""Read and write model rows with plain SQL, skipping Django's query compiler.

A workflow step is a handful of single-row reads and writes; building each through the ORM's
compiler cost more than the database round trip itself (measured on the step hot path).
Values go through each field's own adapters and converters (`get_db_prep_save`, the backend's
and the field's db converters), so JSON, timestamps and UUIDs come and go exactly as through
the ORM, on PostgreSQL and SQLite alike. Signals and `auto_now` are not applied: use these
only for models that have neither on the written fields.

Each helper builds a `Statement`; `run` executes several in one round trip (on PostgreSQL
pipelined prepared statements, run in order) and returns each one's result, with the
transaction's COMMIT in the same round trip when asked. Which statements travel together, and
when, is the engine's unit of work's to decide (apps/executions/engine/unit.py): this module
only builds and sends them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, QuerySet

from apps.common.rowvalues import preparers

_READERS: dict[tuple[str, type[Model]], tuple[str, list[tuple[int, Any, list[Any]]],
                                              list[str]]] = {}


@dataclass(frozen=True)
class Statement:
    sql: str
    params: list[Any]
    read: Callable[[Any], Any]  # turns the cursor, positioned on this statement, into a result


def _pipelined() -> bool:
    """PostgreSQL with prepared statements allowed (settings.DB_PREPARED_STATEMENTS: off only
    behind a pooler that cannot keep them)."""
    return connection.vendor == "postgresql" and settings.DB_PREPARED_STATEMENTS


def run(*statements: Statement, commit: bool = False) -> list[Any]:
    """Execute the statements in order and return each one's result; on PostgreSQL in one
    round trip (with the transaction's BEGIN when it starts here). Inside a transaction, a
    failing statement fails them all. `commit`: the caller's transaction ends with these
    statements (its outermost atomic block, nothing else pending), so on PostgreSQL its
    COMMIT is queued in the same round trip; Django's own commit when the block exits then
    finds the connection idle and costs nothing (psycopg skips COMMIT on an idle connection),
    and the block's on_commit hooks run then, as always."""
    if not statements:
        return []
    with connection.cursor() as cursor:
        if _pipelined():
            # Through the connection's execute wrappers (the benchmarks' counters) once, as
            # one call.
            return cursor._execute_with_wrappers(  # noqa: SLF001 - Django's hook for wrappers
                "; ".join(statement.sql for statement in statements),
                [param for statement in statements for param in statement.params],
                False, lambda *_: _run_prepared(cursor.cursor.connection, statements, commit))
        results = []
        for statement in statements:
            cursor.execute(statement.sql, statement.params)
            results.append(statement.read(cursor))
        return results


def _run_prepared(raw: Any, statements: Sequence[Statement], commit: bool) -> list[Any]:
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
            if commit:
                # A plain COMMIT after the statements, answered with them when the pipeline
                # ends (psycopg's own commit() would wait for its answer, then the pipeline's
                # end once more: a round trip more). The server's transaction is then over,
                # which psycopg sees; Django's commit finds nothing left to do.
                psycopg.Cursor(raw).execute("COMMIT")
        return [statement.read(cursor)
                for statement, cursor in zip(statements, cursors, strict=True)]


def _reader(model: type[Model]) -> tuple[str, list[tuple[int, Any, list[Any]]], list[str]]:
    """The column list, the converters of the columns that have any (by position) and the
    attribute names to build instances."""
    key = (connection.vendor, model)
    if key not in _READERS:
        qn = connection.ops.quote_name
        fields = model._meta.concrete_fields
        converters = []
        for i, field in enumerate(fields):
            col = field.get_col(model._meta.db_table)
            functions = [*connection.ops.get_db_converters(col),
                         *col.get_db_converters(connection)]
            if functions:
                converters.append((i, col, functions))
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
        conn = connections[DEFAULT_DB_ALIAS]
        for row in cursor.fetchall():
            values = list(row)
            for i, col, functions in converters:
                value = values[i]
                for function in functions:
                    value = function(value, col, conn)
                values[i] = value
            found.append(model.from_db(DEFAULT_DB_ALIAS, names, values))
        return found

    return Statement(sql, list(params), read)


def _prep(model: type[Model], instance: Model, names: Sequence[str]) -> list[Any]:
    conn = connections[DEFAULT_DB_ALIAS]
    return [prepare(getattr(instance, attname), conn)
            for attname, prepare in preparers(model, names)]


_UPDATES: dict[tuple[str, type[Model], tuple[str, ...], int | None], str] = {}
_INSERTS: dict[tuple[str, type[Model], tuple[str, ...]], str] = {}


def _columns(model: type[Model], names: Sequence[str]) -> list[str]:
    qn = connection.ops.quote_name
    return [qn(model._meta.get_field(name).column) for name in names]


def _rowcount(cursor: Any) -> int:
    return cursor.rowcount


def _update_sql(model: type[Model], names: tuple[str, ...], rows: int | None) -> str:
    """UPDATE … SET the named fields WHERE pk = %s (rows None) or pk IN (`rows` keys)."""
    key = (connection.vendor, model, names, rows)
    sql = _UPDATES.get(key)
    if sql is None:
        qn = connection.ops.quote_name
        assignments = ", ".join(f"{column} = %s" for column in _columns(model, names))
        which = "= %s" if rows is None else f"IN ({', '.join(['%s'] * rows)})"
        sql = _UPDATES[key] = (f"UPDATE {qn(model._meta.db_table)} SET {assignments} "  # noqa: S608
                               f"WHERE {qn(model._meta.pk.column)} {which}")
    return sql


def updating(instance: Model, names: Sequence[str]) -> Statement:
    """UPDATE the instance's row, setting the named fields; the result is the rows changed."""
    model = type(instance)
    return Statement(_update_sql(model, tuple(names), None),
                     [*_prep(model, instance, names),
                      model._meta.pk.get_db_prep_value(instance.pk, connection)], _rowcount)


def updating_many(model: type[Model], pks: Sequence[Any], **values: Any) -> Statement:
    """UPDATE the rows with these primary keys, setting the same values on each."""
    names = tuple(values)
    conn = connections[DEFAULT_DB_ALIAS]
    pk = model._meta.pk
    return Statement(_update_sql(model, names, len(pks)),
                     [*(prepare(values[name], conn) for (_, prepare), name
                        in zip(preparers(model, names), names, strict=True)),
                      *(pk.get_db_prep_value(key, conn) for key in pks)], _rowcount)


def inserting(instance: Model) -> Statement:
    """INSERT the instance (every concrete field but an unset primary key); sets its pk."""
    model = type(instance)
    names = tuple(field.name for field in model._meta.concrete_fields
                  if not (field.primary_key and instance.pk is None))
    key = (connection.vendor, model, names)
    sql = _INSERTS.get(key)
    if sql is None:
        qn = connection.ops.quote_name
        sql = _INSERTS[key] = (
            f"INSERT INTO {qn(model._meta.db_table)} "  # noqa: S608
            f"({', '.join(_columns(model, names))}) VALUES ({', '.join(['%s'] * len(names))}) "
            f"RETURNING {qn(model._meta.pk.column)}")

    def read(cursor: Any) -> Model:
        (instance.pk,) = cursor.fetchone()
        instance._state.adding = False
        return instance

    return Statement(sql, _prep(model, instance, names), read)


def existing(queryset: QuerySet[Any], found: Callable[[bool], None]) -> Statement:
    """Whether the queryset matches any row, as a statement that can travel with others: the
    answer goes to `found` once it is sent. The query is the ORM's own."""
    sql, params = _exists_sql(queryset)
    return Statement(sql, params, _answer(found))


def _answer(found: Callable[[bool], None]) -> Callable[[Any], None]:
    return lambda cursor: found(bool(cursor.fetchone()[0]))


def _exists_sql(queryset: QuerySet[Any]) -> tuple[str, list[Any]]:
    inner, params = queryset.order_by().values("pk")[:1].query.sql_with_params()
    return f"SELECT EXISTS ({inner})", list(params)


_SHAPES: dict[tuple[Any, ...], tuple[str, list[tuple[int | None, Any]]] | None] = {}


def existing_of(build: Callable[..., QuerySet[Any]], *args: Any,
                found: Callable[[bool], None]) -> Statement:
    """`existing(build(*args), found)`, with the ORM's compilation done once per shape of
    `args` (ints, strings, tuples of them, None): `build` runs with stand-in values, and
    each call puts its own values in their places among the parameters. Compiling the
    queryset cost more than the database's answer on the step hot path. A shape whose
    stand-ins do not each come through as one parameter, unchanged, is compiled every time."""
    shape = (connection.vendor, build, _shape(args))
    if shape not in _SHAPES:
        stand_ins = _stand_ins(args, itertools.count(1))
        sql, params = _exists_sql(build(*stand_ins))
        flat = list(_flatten(stand_ins))
        places = [(flat.index(p) if type(p) in (int, str) and p in flat else None, p)
                  for p in params]
        taken = sorted(i for i, _ in places if i is not None)
        _SHAPES[shape] = (sql, places) if taken == list(range(len(flat))) else None
    compiled = _SHAPES[shape]
    if compiled is None:
        return existing(build(*args), found)
    sql, places = compiled
    values = list(_flatten(args))
    return Statement(sql, [values[i] if i is not None else fixed for i, fixed in places],
                     _answer(found))


def _shape(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(_shape(v) for v in value)
    return type(value)


def _stand_ins(value: Any, numbers: Iterator[int]) -> Any:
    if isinstance(value, tuple):
        return tuple(_stand_ins(v, numbers) for v in value)
    if type(value) is int:
        return -(1 << 40) - next(numbers)
    if type(value) is str:
        return f"\x00stand-in {next(numbers)}"
    return value  # None and anything else: part of the shape, not a parameter


def _flatten(value: Any) -> Iterator[Any]:
    if isinstance(value, tuple):
        for v in value:
            yield from _flatten(v)
    elif type(value) in (int, str):
        yield value


def ping() -> None:
    """One round trip to the database (the health check's), or the driver's error."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
