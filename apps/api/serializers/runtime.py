"""Runtime settings, env vars and connections (secrets write-only)."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

from apps.common.masking import MASK
from apps.runtime.models import Connection, EnvVar
from apps.runtime.params import PARAMS
from apps.runtime.services import CONNECTION_NAME, ENV_NAME


class SettingSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField(help_text="The setting's name for people.")
    value = serializers.JSONField()
    default = serializers.JSONField()
    description = serializers.CharField()


class SettingsPatchSerializer(serializers.Serializer):
    """Any of the runtime settings, by key."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or not data:
            raise serializers.ValidationError(
                {"non_field_errors": "Send an object of settings to change, e.g. "
                                     '{"debug_mode": true}.'})
        return data


for _key, _param in PARAMS.items():  # documented one by one in the schema
    SettingsPatchSerializer._declared_fields[_key] = serializers.JSONField(  # noqa: SLF001
        required=False, help_text=f"{_param.label}: {_param.description} Default: "
                                  f"{_param.default_text}.")


class EnvVarSerializer(serializers.ModelSerializer):
    value = serializers.CharField(required=False, allow_blank=True,
                                  max_length=65_536, trim_whitespace=False,
                                  help_text="Write-only when is_secret: read back as ••••••.")

    class Meta:
        model = EnvVar
        fields = ["id", "name", "value", "is_secret", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": [RegexValidator(ENV_NAME.pattern)]}}

    def to_representation(self, instance: EnvVar) -> dict[str, Any]:
        return {"id": instance.pk, "name": instance.name, "is_secret": instance.is_secret,
                "value": MASK if instance.is_secret else instance.get_value(),
                "created_at": serializers.DateTimeField().to_representation(instance.created_at),
                "updated_at": serializers.DateTimeField().to_representation(instance.updated_at)}


class ConnectionSerializer(serializers.ModelSerializer):
    secret = serializers.JSONField(write_only=True, required=False,
                                   help_text="Token, password or header value; write-only.")
    has_secret = serializers.BooleanField(read_only=True)

    class Meta:
        model = Connection
        fields = ["id", "name", "kind", "config", "secret", "has_secret", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "has_secret", "created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": [RegexValidator(CONNECTION_NAME.pattern)]}}

    def validate_config(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected an object.")
        return value
