"""Operators' admin for the execution history: read-only, filterable, JSON readable."""

from __future__ import annotations

from django.contrib import admin, messages

from apps.common.admin_json import json_display
from apps.common.exceptions import ApplicationError
from apps.executions import services
from apps.executions.models import Execution, ExecutionEvent, LogLine, StepAttempt, StepRun
from apps.workflows import admin as workflows_admin
from apps.workflows.models import Workflow

# Workflows' admin, with the action that starts runs (this app's to do: workflows' own admin
# cannot import the executions app, which builds on it).
admin.site.unregister(Workflow)


@admin.register(Workflow)
class WorkflowAdmin(workflows_admin.WorkflowAdmin):
    actions = ["run_with_defaults"]

    @admin.action(description="Run with default inputs")
    def run_with_defaults(self, request, queryset):  # type: ignore[no-untyped-def]
        for workflow in queryset:
            try:
                execution = services.execution_start(workflow=workflow, owner=workflow.owner,
                                                     inputs={}, trigger="manual")
            except ApplicationError as exc:
                self.message_user(request, f"{workflow}: {exc.message} {exc.fields or ''}",
                                  level=messages.ERROR)
            else:
                self.message_user(request, f"{workflow}: execution {execution.pk} queued")


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is written by the engine only; operators read it (and may delete it)."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class StepRunInline(admin.TabularInline):
    model = StepRun
    fk_name = "execution"
    extra = 0
    fields = ("step_id", "step_type", "status", "attempts", "started_at", "duration_ms")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Execution)
class ExecutionAdmin(ReadOnlyAdmin):
    list_display = ("id", "workflow", "owner", "status", "trigger", "priority", "created_at",
                    "started_at", "duration_ms")
    list_filter = ("status", "trigger", "priority", "created_at", "started_at", "workflow",
                   "owner")
    search_fields = ("id", "workflow__name", "workflow__slug", "owner__username")
    date_hierarchy = "created_at"
    list_select_related = ("workflow", "owner")
    show_full_result_count = False  # COUNT(*) over millions of rows is the slow part
    inlines = [StepRunInline]
    actions = ["cancel", "rerun"]
    fields = (
        "id", "owner", "workflow", "compilation", "parent", "parent_step_id", "rerun_of",
        "status", "trigger", "environment", "current_step", "created_at", "started_at",
        "finished_at", "duration_ms", "inputs_json", "output_json", "error_json",
    )
    readonly_fields = (
        "id", "owner", "workflow", "compilation", "parent", "parent_step_id", "rerun_of",
        "status", "trigger", "environment", "current_step", "created_at", "started_at",
        "finished_at", "duration_ms",
    )
    inputs_json = json_display("inputs", "inputs (secrets masked)")
    output_json = json_display("output")
    error_json = json_display("error")

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return (*self.readonly_fields, "inputs_json", "output_json", "error_json")

    @admin.action(description="Cancel selected executions")
    def cancel(self, request, queryset):  # type: ignore[no-untyped-def]
        for execution in queryset:
            services.execution_cancel(execution=execution)
        self.message_user(request, f"{queryset.count()} execution(s) cancelled")

    @admin.action(description="Re-run with the same inputs")
    def rerun(self, request, queryset):  # type: ignore[no-untyped-def]
        for execution in queryset:
            services.execution_rerun(execution=execution)
        self.message_user(request, f"{queryset.count()} execution(s) re-run")


class StepAttemptInline(admin.TabularInline):
    model = StepAttempt
    extra = 0
    fields = ("number", "status", "worker", "started_at", "duration_ms", "error")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(StepRun)
class StepRunAdmin(ReadOnlyAdmin):
    list_display = ("step_id", "execution", "step_type", "status", "attempts", "started_at",
                    "duration_ms")
    list_filter = ("status", "step_type", "started_at")
    search_fields = ("step_id", "execution__id")
    list_select_related = ("execution", "execution__workflow")
    inlines = [StepAttemptInline]
    exclude = ("inputs", "output", "error", "metrics", "debug", "overrides", "lease_token",
               "child_execution")
    readonly_fields = (
        "execution", "step_id", "step_type", "status", "attempts", "queued_at", "started_at",
        "finished_at", "duration_ms", "output_truncated", "lease_owner", "heartbeat_at",
        json_display("inputs"), json_display("output"), json_display("error"),
        json_display("metrics"), json_display("debug"), json_display("overrides"),
    )


@admin.register(ExecutionEvent)
class ExecutionEventAdmin(ReadOnlyAdmin):
    list_display = ("seq", "execution", "type", "step_id", "timestamp")
    list_filter = ("type", "timestamp")
    search_fields = ("execution__id", "step_id", "type")
    exclude = ("data",)
    readonly_fields = ("execution", "seq", "type", "step_id", "timestamp", "duration_ms",
                       json_display("data"))


@admin.register(LogLine)
class LogLineAdmin(ReadOnlyAdmin):
    list_display = ("seq", "execution", "step_id", "level", "message", "timestamp")
    list_filter = ("level", "timestamp")
    search_fields = ("message", "step_id", "execution__id")
    show_full_result_count = False
