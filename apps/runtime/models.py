"""Per-owner runtime settings, environment variables and connections (secrets encrypted)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from apps.common.crypto import decrypt_json, encrypt_json
from apps.common.masking import short_secrets
from apps.common.models import TimestampedModel


class RuntimeSetting(TimestampedModel):
    """One owner's value for one parameter of apps.runtime.params.PARAMS."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="runtime_settings")
    key = models.CharField(max_length=64)
    value = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="uniq_setting_key")]
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}={self.value!r}"


class EnvVar(TimestampedModel):
    """A variable steps read as `env.NAME`; a secret one is stored encrypted and masked."""

    ENCRYPTED_FIELDS = ("encrypted_value",)  # re-encrypted by manage.py rotate_secret_key

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="env_vars")
    name = models.CharField(max_length=128)
    is_secret = models.BooleanField(default=False)
    plain_value = models.TextField(blank=True, default="")
    encrypted_value = models.TextField(blank=True, default="", editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_env_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_value(self, value: str) -> None:
        if self.is_secret:
            self.encrypted_value, self.plain_value = encrypt_json(value), ""
        else:
            self.plain_value, self.encrypted_value = value, ""

    def get_value(self) -> str:
        return decrypt_json(self.encrypted_value) if self.is_secret else self.plain_value

    @property
    def short_secret(self) -> bool:
        """A secret too short to be masked in fragments (only when printed whole)."""
        return self.is_secret and bool(short_secrets([self.get_value()]))


class Connection(TimestampedModel):
    """Named credentials an http step uses with `connection: NAME`.

    `config` holds what may be shown (base URL, header names); `secret` holds the
    credentials (e.g. {"headers": {"Authorization": "Bearer …"}}) encrypted, write-only.
    """

    ENCRYPTED_FIELDS = ("encrypted_secret",)  # re-encrypted by manage.py rotate_secret_key

    class Kind(models.TextChoices):
        HTTP_HEADER = "http_header", "HTTP headers"
        BASIC_AUTH = "basic_auth", "HTTP basic auth"
        BEARER = "bearer", "Bearer token"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="connections")
    name = models.CharField(max_length=128)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.BEARER)
    config = models.JSONField(default=dict, blank=True)
    encrypted_secret = models.TextField(blank=True, default="", editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="uniq_conn_name")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_secret(self, secret: Any) -> None:
        self.encrypted_secret = encrypt_json(secret)

    def get_secret(self) -> Any:
        return decrypt_json(self.encrypted_secret)

    @property
    def has_secret(self) -> bool:
        return bool(self.encrypted_secret)
