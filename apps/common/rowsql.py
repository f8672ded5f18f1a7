"""Write one model row's named fields with plain SQL, skipping Django's query compiler.

A workflow step is a handful of single-row writes; building each through the ORM's compiler
cost more than the database round trip itself (measured on the step hot path). Values go
through each field's own `get_db_prep_save`, so JSON, timestamps and UUIDs are adapted exactly
as the ORM would, on PostgreSQL and SQLite alike. Signals and `auto_now` are not applied:
use these only for models that have neither on the written fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


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
