"""Values as a model's fields write them, for the hand-written statements (rowsql.py).

A step writes a few dozen values, and Field.get_db_prep_save costs more than the write's share
of the round trip. For a value of a plain type that the field's own preparation hands back
unchanged (a str for a CharField, an int for an IntegerField through the backend's integer
adapter, an aware datetime for a DateTimeField on PostgreSQL, None for all of these), the
preparation is skipped; everything else (JSON above all) goes through the field.
tests/common/test_rowsql_values.py checks both ways agree for every field of the engine's
models.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Field, Model

_PLAIN: dict[type[Field], tuple[type, ...]] = {
    **dict.fromkeys([models.CharField, models.TextField], (str,)),
    **dict.fromkeys(_INTEGERS := (models.IntegerField, models.SmallIntegerField,
                                  models.BigIntegerField, models.PositiveIntegerField,
                                  models.PositiveSmallIntegerField, models.PositiveBigIntegerField),
                    (int,)),
    **dict.fromkeys(_AUTOS := (models.AutoField, models.BigAutoField, models.SmallAutoField),
                    (int,)),
    models.FloatField: (float,),
    models.BooleanField: (bool,),
}
_PREPARERS: dict[tuple[str, type[Model], tuple[str, ...]], list[tuple[str, Any]]] = {}


def _plain_types(target: Field, conn: Any) -> tuple[type, ...] | None:
    """The value types the field `target` writes unchanged on this connection (None among
    them), or None when every value must go through the field."""
    kind = type(target)
    if kind in _PLAIN:
        return (*_PLAIN[kind], type(None))
    if kind is models.UUIDField and conn.features.has_native_uuid_field:
        return (uuid.UUID, type(None))
    if kind is models.DateTimeField and conn.vendor == "postgresql" and settings.USE_TZ:
        return (datetime.datetime, type(None))  # aware only: checked where it is used
    return None


def _prepare(field: Field, conn: Any) -> Callable[[Any, Any], Any]:
    slow = field.get_db_prep_save
    # A foreign key writes its value as the field it points at does.
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    plain = _plain_types(target, conn)
    if plain is None:
        return slow
    aware = datetime.datetime in plain
    # The backend's last word on an integer (psycopg's sized integer types on PostgreSQL),
    # and on an automatic primary key.
    integer = type(target) in _INTEGERS and target.get_internal_type()
    auto = type(target) in _AUTOS

    def prepare(value: Any, conn: Any) -> Any:
        if type(value) not in plain or (aware and value is not None and value.tzinfo is None):
            return slow(value, conn)
        if integer and value is not None:
            return conn.ops.adapt_integerfield_value(value, integer)
        if auto and value is not None:
            return conn.ops.validate_autopk_value(value)
        return value
    return prepare


def preparers(model: type[Model], names: Sequence[str]) -> list[tuple[str, Any]]:
    """(attribute name, prepare(value, connection)) for each named field: the value as the
    field's get_db_prep_save would write it."""
    key = (connection.vendor, model, tuple(names))
    found = _PREPARERS.get(key)
    if found is None:
        conn = connections[DEFAULT_DB_ALIAS]
        found = []
        for name in names:
            field = model._meta.get_field(name)
            found.append((field.attname, _prepare(field, conn)))
        _PREPARERS[key] = found
    return found
