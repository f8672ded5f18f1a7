"""Read and write model rows with plain SQL, skipping Django's query compiler.

A workflow step is a handful of single-row reads and writes; building each through the ORM's
compiler cost more than the database round trip itself (measured on the step hot path).
Values go through each field's own adapters and converters (`get_db_prep_save`, the backend's
and the field's db converters), so JSON, timestamps and UUIDs come and go exactly as through
the ORM, on PostgreSQL and SQLite alike. Signals and `auto_now` are not applied: use these
only for models that have neither on the written fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model

_READERS: dict[tuple[str, type[Model]], tuple[str, list[Any], list[str]]] = {}


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


def select(model: type[Model], where: str, params: Sequence[Any], *,
           lock: bool = False) -> list[Model]:
    """Instances of the rows matching `where` (SQL with %s placeholders, params already
    prepared for the database), locked FOR UPDATE when asked and the database can."""
    columns, converters, names = _reader(model)
    sql = f"SELECT {columns} FROM {connection.ops.quote_name(model._meta.db_table)} " \
          f"WHERE {where}"  # noqa: S608 - column names from the model, values as parameters
    if lock and connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = []
        for value, (col, functions) in zip(row, converters, strict=True):
            for function in functions:
                value = function(value, col, connection)
            values.append(value)
        found.append(model.from_db(connection.alias, names, values))
    return found


def _prep(model: type[Model], instance: Model, names: Iterable[str]) -> tuple[list[str],
                                                                             list[Any]]:
    qn = connection.ops.quote_name
    columns, values = [], []
    for name in names:
        field = model._meta.get_field(name)
        columns.append(qn(field.column))
        values.append(field.get_db_prep_save(getattr(instance, field.attname), connection))
    return columns, values


def update_fields(instance: Model, names: Sequence[str]) -> int:
    """UPDATE the instance's row, setting the named fields; returns the rows changed."""
    model = type(instance)
    columns, values = _prep(model, instance, names)
    assignments = ", ".join(f"{column} = %s" for column in columns)
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
                       f"SET {assignments} WHERE {connection.ops.quote_name(pk.column)} = %s",
                       [*values, pk.get_db_prep_value(instance.pk, connection)])
        return cursor.rowcount


def update_many(model: type[Model], pks: Sequence[Any], **values: Any) -> int:
    """UPDATE the rows with these primary keys, setting the same values on each."""
    if not pks:
        return 0
    qn = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    assignments = ", ".join(f"{qn(field.column)} = %s" for field in fields)
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(model._meta.db_table)} SET {assignments} "  # noqa: S608
            f"WHERE {qn(pk.column)} IN ({', '.join(['%s'] * len(pks))})",
            [*(field.get_db_prep_save(values[field.name], connection) for field in fields),
             *(pk.get_db_prep_value(key, connection) for key in pks)])
        return cursor.rowcount


def insert(instance: Model) -> None:
    """INSERT the instance (every concrete field but an auto primary key) and set its pk."""
    model = type(instance)
    names = [field.name for field in model._meta.concrete_fields
             if not (field.primary_key and instance.pk is None)]
    columns, values = _prep(model, instance, names)
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(values))}) "
            f"RETURNING {qn(model._meta.pk.column)}", values)
        (instance.pk,) = cursor.fetchone()
    instance._state.adding = False
