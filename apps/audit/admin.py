"""The audit trail for operators: read-only, filterable; nothing can be added, changed or
deleted here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from apps.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "action", "target", "via", "address", "owner")
    list_filter = ("action", "via", "created_at")
    search_fields = ("actor_name", "action", "target", "owner__username")
    date_hierarchy = "created_at"
    list_select_related = ("owner",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
