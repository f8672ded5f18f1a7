"""Alert rules and what they sent, for operators: every notification with its outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from apps.alerts.models import AlertNotification, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "kind", "workflow", "channel", "enabled", "last_fired_at")
    list_filter = ("kind", "channel", "enabled")
    search_fields = ("name", "owner__username")
    readonly_fields = ("last_checked_at", "last_fired_at", "created_at")


@admin.register(AlertNotification)
class AlertNotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "rule", "outcome", "attempts", "sent_at", "last_error")
    list_filter = ("outcome", "created_at")
    search_fields = ("rule__name", "text")
    readonly_fields = ("rule", "text", "outcome", "attempts", "last_error", "created_at",
                       "sent_at")

    def has_add_permission(self, request: Any) -> bool:
        return False
