"""Operators' admin for workflows, compilations and presets; saving a workflow compiles it."""

from __future__ import annotations

from django.contrib import admin

from apps.common.admin_json import ReadableJSONAdmin, json_display
from apps.workflows import services
from apps.workflows.models import Compilation, InputPreset, Workflow


class CompilationInline(admin.TabularInline):
    model = Compilation
    extra = 0
    can_delete = False
    fields = ("revision", "status", "compiled_at", "duration_ms", "compiler_version")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Workflow)
class WorkflowAdmin(ReadableJSONAdmin):
    list_display = ("name", "slug", "owner", "revision", "compile_status", "updated_at")
    list_filter = ("owner", "updated_at")
    search_fields = ("name", "slug", "description", "owner__username")
    readonly_fields = ("revision", "created_at", "updated_at")
    inlines = [CompilationInline]
    # "Run with default inputs" is added by apps/executions/admin.py: starting runs is that
    # app's, and it builds on this one, not the other way round.

    @admin.display(description="compilation")
    def compile_status(self, obj: Workflow) -> str:
        latest = obj.latest_compilation
        return latest.status if latest else "—"

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        if change:
            services.workflow_update(
                workflow=obj, name=obj.name, slug=obj.slug, description=obj.description,
                definition=obj.definition,
            )
        else:
            created = services.workflow_create(
                owner=obj.owner, name=obj.name, slug=obj.slug,
                description=obj.description, definition=obj.definition,
            )
            obj.pk = created.pk


@admin.register(Compilation)
class CompilationAdmin(admin.ModelAdmin):
    list_display = ("workflow", "revision", "status", "compiled_at", "duration_ms")
    list_filter = ("status", "compiled_at", "workflow__owner", "workflow")
    search_fields = ("workflow__name", "workflow__slug")
    readonly_fields = (
        "workflow", "revision", "status", "compiled_at", "duration_ms", "compiler_version",
        "code_sha256", json_display("issues"), json_display("dependencies"),
        "generated_code", json_display("source_map", "source map"),
        json_display("definition"),
    )
    exclude = ("issues", "dependencies", "source_map", "definition")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(InputPreset)
class InputPresetAdmin(ReadableJSONAdmin):
    list_display = ("name", "workflow", "owner", "updated_at")
    list_filter = ("owner", "workflow")
    search_fields = ("name", "workflow__name")
