"""Operators' view of schedules, their fire times and webhooks (secrets never shown)."""

from django.contrib import admin

from apps.triggers.models import Hook, Schedule, ScheduleFire


class FireInline(admin.TabularInline):
    model = ScheduleFire
    extra = 0
    fields = ["fire_time", "outcome", "execution", "reason"]
    readonly_fields = fields
    ordering = ["-fire_time"]
    max_num = 0
    can_delete = False


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ["id", "workflow", "owner", "cron", "interval_seconds", "timezone",
                    "enabled", "catch_up", "next_fire_at"]
    list_filter = ["enabled", "catch_up", "timezone"]
    search_fields = ["workflow__name", "workflow__slug", "name"]
    readonly_fields = ["anchor", "next_fire_at", "created_at", "updated_at"]
    inlines = [FireInline]


@admin.register(ScheduleFire)
class ScheduleFireAdmin(admin.ModelAdmin):
    list_display = ["schedule", "fire_time", "outcome", "execution", "created_at"]
    list_filter = ["outcome"]
    readonly_fields = ["schedule", "fire_time", "outcome", "execution", "reason", "created_at"]


@admin.register(Hook)
class HookAdmin(admin.ModelAdmin):
    list_display = ["id", "workflow", "enabled", "created_at", "rotated_at"]
    list_filter = ["enabled"]
    readonly_fields = ["id", "workflow", "created_at", "rotated_at"]
    exclude = ["secret_sha256", "encrypted_secret"]
