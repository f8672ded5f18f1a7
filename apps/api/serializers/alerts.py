"""Alert rules and their notifications."""

from __future__ import annotations

from rest_framework import serializers

from apps.alerts.models import AlertNotification, AlertRule


class AlertRuleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=AlertRule.Kind.choices, required=False)
    workflow = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                        max_value=2**31 - 1,
                                        help_text="A workflow id; null: every workflow.")
    params = serializers.JSONField(required=False, help_text="step_failures: {count, "
                                   "minutes, step_id?}; slow_execution: {factor}; "
                                   "approval_waiting: {minutes}.")
    channel = serializers.ChoiceField(choices=AlertRule.Channel.choices, required=False)
    target = serializers.CharField(max_length=500, required=False,
                                   help_text="The webhook URL (Slack-compatible JSON) or the "
                                             "email address.")
    cooldown_minutes = serializers.IntegerField(required=False, min_value=0, max_value=100000)
    enabled = serializers.BooleanField(required=False)


class AlertRuleSerializer(serializers.ModelSerializer):
    workflow = serializers.IntegerField(source="workflow_id", allow_null=True)

    class Meta:
        model = AlertRule
        fields = ["id", "name", "kind", "workflow", "params", "channel", "target",
                  "cooldown_minutes", "enabled", "last_fired_at", "created_at"]
        read_only_fields = fields


class AlertNotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = AlertNotification
        fields = ["id", "created_at", "text", "outcome", "attempts", "last_error", "sent_at"]
        read_only_fields = fields
