"""Writes to runtime settings, env vars and connections, validated against the registry."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction

from apps.audit.services import audit_record
from apps.common.exceptions import ApplicationError
from apps.runtime.models import Connection, EnvVar, RuntimeSetting
from apps.runtime.params import PARAMS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,127}$")
CONNECTION_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,128}$")


@transaction.atomic
def runtime_setting_set(*, owner: AbstractBaseUser, key: str, value: Any) -> RuntimeSetting:
    """Set one parameter; unknown keys and invalid values are refused with the reason."""
    param = PARAMS.get(key)
    if param is None:
        raise ApplicationError(f"Unknown setting {key!r}.", code="unknown_setting",
                               suggestion="Known settings: " + ", ".join(sorted(PARAMS)))
    problem = param.validate(value)
    if problem:
        raise ApplicationError(f"{key} {problem}.", code="invalid_setting",
                               fields={key: problem})
    stored = RuntimeSetting.objects.filter(owner=owner, key=key).first()
    before = stored.value if stored is not None else param.default
    setting, _ = RuntimeSetting.objects.update_or_create(owner=owner, key=key,
                                                         defaults={"value": value})
    if before != value:  # a form that saves every setting records only the changed ones
        audit_record("setting.change", owner_id=owner.pk, target=f"setting:{key}")
    return setting


def runtime_settings_update(*, owner: AbstractBaseUser, changes: dict[str, Any]) -> None:
    """Set several parameters, all or nothing; every invalid one is named in `fields`."""
    fields: dict[str, Any] = {}
    with transaction.atomic():
        for key, value in changes.items():
            try:
                runtime_setting_set(owner=owner, key=key, value=value)
            except ApplicationError as error:
                fields[key] = error.fields.get(key) or error.message
        if fields:
            transaction.set_rollback(True)
    if fields:
        raise ApplicationError("Some settings are not valid; nothing was changed.",
                               code="invalid_setting", fields=fields)


@transaction.atomic
def env_var_upsert(*, owner: AbstractBaseUser, name: str, value: str | None,
                   is_secret: bool = False) -> EnvVar:
    """Create or change a variable; a None value keeps the stored one (write-only secrets)."""
    if not isinstance(name, str) or not ENV_NAME.match(name):
        raise ApplicationError("Invalid variable name.", code="invalid_env_var",
                               fields={"name": "Letters, digits and _; not starting with a digit."})
    env_var = EnvVar.objects.filter(owner=owner, name=name).first() or EnvVar(owner=owner,
                                                                               name=name)
    if value is None and env_var.pk is None:
        raise ApplicationError("A new variable needs a value.", code="invalid_env_var",
                               fields={"value": "Required."})
    current = env_var.get_value() if env_var.pk else ""
    env_var.is_secret = bool(is_secret)
    env_var.set_value(current if value is None else str(value))
    env_var.save()
    audit_record("env_var.set", owner_id=owner.pk, target=f"env_var:{name}",
                 detail={"value_changed": value is not None, "secret": env_var.is_secret})
    return env_var


@transaction.atomic
def connection_upsert(*, owner: AbstractBaseUser, name: str, kind: str, config: dict[str, Any],
                      secret: Any = None) -> Connection:
    """Create or change a connection; a None secret keeps the stored one."""
    if not isinstance(name, str) or not CONNECTION_NAME.match(name):
        raise ApplicationError("Invalid connection name.", code="invalid_connection",
                               fields={"name": "Letters, digits, '.', '-' and '_' only."})
    if kind not in Connection.Kind.values:
        raise ApplicationError("Unknown connection kind.", code="invalid_connection",
                               fields={"kind": "One of " + ", ".join(Connection.Kind.values)})
    connection = Connection.objects.filter(owner=owner, name=name).first() or Connection(
        owner=owner, name=name)
    connection.kind = kind
    connection.config = config or {}
    if secret is not None:
        connection.set_secret(secret)
    connection.save()
    audit_record("connection.set", owner_id=owner.pk, target=f"connection:{name}",
                 detail={"kind": kind, "secret_changed": secret is not None})
    return connection


def env_var_delete(*, env_var: EnvVar) -> None:
    """Remove a variable; steps that read it fail to compile until it is back."""
    audit_record("env_var.delete", owner_id=env_var.owner_id, target=f"env_var:{env_var.name}")
    env_var.delete()


def connection_delete(*, connection: Connection) -> None:
    """Remove a connection and its stored secret."""
    audit_record("connection.delete", owner_id=connection.owner_id,
                 target=f"connection:{connection.name}")
    connection.delete()
