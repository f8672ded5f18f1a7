"""API tokens and uploaded input files."""

from __future__ import annotations

from rest_framework import serializers

from apps.executions.models import InputFile


class TokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=64,
                                 help_text="Not stored by the server; echoed back.")


class TokenSerializer(serializers.Serializer):
    token_key = serializers.CharField(help_text="Identifies the token (its first characters).")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)


class TokenCreatedSerializer(TokenSerializer):
    token = serializers.CharField(help_text="Shown once. Send as `Authorization: Token <token>`.")


class InputFileSerializer(serializers.ModelSerializer):
    file_id = serializers.UUIDField(source="id", read_only=True)

    class Meta:
        model = InputFile
        fields = ["file_id", "name", "size", "content_type", "sha256", "created_at"]
        read_only_fields = fields


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
