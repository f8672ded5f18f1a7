"""Audit entries as the owner sees them."""

from __future__ import annotations

from rest_framework import serializers

from apps.audit.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", help_text="Empty: the platform itself "
                                  "(a schedule, a webhook delivery).")

    class Meta:
        model = AuditEntry
        fields = ["id", "created_at", "actor", "action", "target", "detail", "via", "address",
                  "user_agent"]
        read_only_fields = fields
