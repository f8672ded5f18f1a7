"""Schedules and webhooks of a workflow."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.api.serializers.executions import PriorityField
from apps.triggers import firetimes
from apps.triggers.models import Schedule, ScheduleFire
from apps.triggers.services.schedules import next_runs


class ScheduleWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    cron = serializers.CharField(max_length=120, required=False, allow_blank=True,
                                 help_text="Five fields: minute hour day month weekday.")
    interval_seconds = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    timezone = serializers.CharField(max_length=64, required=False,
                                     help_text="An IANA name; default UTC.")
    inputs = serializers.JSONField(required=False, help_text="Validated against the "
                                   "workflow's input_schema when saved.")
    enabled = serializers.BooleanField(required=False)
    catch_up = serializers.ChoiceField(choices=Schedule.CatchUp.choices, required=False)
    priority = PriorityField(required=False)


class LastRunSerializer(serializers.Serializer):
    fire_time = serializers.DateTimeField()
    outcome = serializers.ChoiceField(choices=ScheduleFire.Outcome.choices)
    execution_id = serializers.UUIDField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class ScheduleSerializer(serializers.ModelSerializer):
    workflow_id = serializers.IntegerField(read_only=True)
    description = serializers.SerializerMethodField()
    next_runs = serializers.SerializerMethodField()
    last_run = serializers.SerializerMethodField()
    priority = PriorityField(read_only=True)

    class Meta:
        model = Schedule
        fields = ["id", "workflow_id", "name", "cron", "interval_seconds", "timezone", "inputs",
                  "enabled", "catch_up", "priority", "description", "next_runs", "last_run",
                  "created_at", "updated_at"]
        read_only_fields = fields

    def get_description(self, schedule: Schedule) -> str:
        return firetimes.describe(schedule.cron or None, schedule.interval_seconds)

    @extend_schema_field(serializers.ListField(child=serializers.DateTimeField()))
    def get_next_runs(self, schedule: Schedule) -> list[str]:
        return [t.isoformat() for t in next_runs(schedule)]

    @extend_schema_field(LastRunSerializer(allow_null=True))
    def get_last_run(self, schedule: Schedule) -> dict[str, Any] | None:
        fire = schedule.fires.order_by("-fire_time").first()
        if fire is None:
            return None
        return {"fire_time": fire.fire_time, "outcome": fire.outcome,
                "execution_id": fire.execution_id, "reason": fire.reason}


class WebhookSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    priority = PriorityField(help_text="The priority of the runs its deliveries start.")
    url = serializers.CharField(allow_null=True, help_text="POST a JSON body here.")
    max_body_bytes = serializers.IntegerField(default=settings.HOOK_MAX_BODY_BYTES)
    created_at = serializers.DateTimeField(allow_null=True)
    rotated_at = serializers.DateTimeField(allow_null=True)


class WebhookChangeSerializer(serializers.Serializer):
    priority = PriorityField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Shown once: keep it now.")
    curl = serializers.CharField(help_text=(
        "A delivery with the secret as a Bearer token and a body the workflow accepts (its "
        "required inputs with example values of their types, and its defaults)."))
