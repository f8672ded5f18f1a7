"""Reads of run-time configuration: settings with registry defaults, env and secrets."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from apps.runtime.models import Connection, EnvVar, RuntimeSetting
from apps.runtime.params import PARAMS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def runtime_config_get(*, owner: AbstractBaseUser | int) -> dict[str, Any]:
    """Every parameter for the owner: the stored value, else the registry default."""
    owner_id = owner if isinstance(owner, int) else owner.pk
    config = {name: param.default for name, param in PARAMS.items()}
    for key, value in RuntimeSetting.objects.filter(owner_id=owner_id).values_list("key",
                                                                                    "value"):
        if key in PARAMS and PARAMS[key].validate(value) is None:
            config[key] = value
    return config


def retention_cutoffs(owner_ids: Iterable[int], *, now: datetime,
                      days: int | None = None) -> dict[int, datetime]:
    """Owner id -> the time before which their history goes: `days` ago when given, else
    each owner's retention_days (the registry default where they set none)."""
    default = PARAMS["retention_days"].default
    custom = dict(RuntimeSetting.objects.filter(key="retention_days").values_list("owner_id",
                                                                                   "value"))
    return {owner: now - timedelta(days=days if days is not None else
                                   int(custom.get(owner, default))) for owner in owner_ids}


def env_for_execution(*, owner_id: int) -> tuple[dict[str, str], list[str]]:
    """The owner's env vars (decrypted) and the secret values among them, for masking."""
    env: dict[str, str] = {}
    secrets: list[str] = []
    for env_var in EnvVar.objects.filter(owner_id=owner_id):
        value = env_var.get_value()
        env[env_var.name] = value
        if env_var.is_secret:
            secrets.append(value)
    return env, secrets


def connection_get(*, owner_id: int, name: str) -> tuple[Connection | None, Any]:
    connection = Connection.objects.filter(owner_id=owner_id, name=name).first()
    if connection is None:
        return None, None
    return connection, connection.get_secret() if connection.has_secret else None


def secret_strings(value: Any) -> list[str]:
    """Every string inside a secret's JSON (a connection secret may be a dict of tokens)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in secret_strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in secret_strings(item)]
    return []


def all_connection_secrets(*, owner_id: int) -> list[str]:
    found: list[str] = []
    for connection in Connection.objects.filter(owner_id=owner_id).exclude(encrypted_secret=""):
        found.extend(secret_strings(connection.get_secret()))
    return found
