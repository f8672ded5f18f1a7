"""ExecutionContext, StepResult, attempts, log lines and the controls' inputs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.executions.models import Execution, LogLine, Priority, StepAttempt, StepRun
from apps.executions.services.controls import step_actions

PRIORITY_HELP = ("high | normal | low: admission takes higher priority first, then start "
                 "order, and its steps overtake a backlog of lower-priority ones.")


class PriorityField(serializers.ChoiceField):
    """A priority by name in requests and responses; the services get Priority."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", PRIORITY_HELP)
        super().__init__(choices=[label for _, label in Priority.choices], **kwargs)

    def to_internal_value(self, data: Any) -> Priority:
        return Priority.named(super().to_internal_value(data))

    def to_representation(self, value: Any) -> str:
        return Priority(value).label


class MetricsSerializer(serializers.Serializer):
    cpu_percent = serializers.FloatField(required=False, allow_null=True)
    cpu_seconds = serializers.FloatField(required=False, allow_null=True)
    peak_rss_mb = serializers.FloatField(required=False, allow_null=True)
    samples = serializers.ListField(child=serializers.JSONField(), required=False)


class StepErrorSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField(required=False)
    message = serializers.CharField()
    suggestion = serializers.CharField(required=False)
    node_id = serializers.CharField(required=False)
    line = serializers.IntegerField(required=False, help_text=(
        "The line of the node's own code that failed (python steps)."))
    frames = serializers.ListField(child=serializers.DictField(), required=False, help_text=(
        "The node's own frames, innermost last: {line, function, code}."))
    traceback = serializers.JSONField(required=False)


class AttemptSerializer(serializers.ModelSerializer):
    revision = serializers.IntegerField(read_only=True, allow_null=True, help_text=(
        "The workflow revision this attempt ran (a retry may run a fixed one)."))

    class Meta:
        model = StepAttempt
        fields = ["number", "status", "worker", "started_at", "finished_at", "duration_ms",
                  "revision", "error", "metrics"]
        read_only_fields = fields


def _logs_url(step: StepRun) -> str:
    return reverse("api:execution-logs", kwargs={"pk": step.execution_id}) + \
        f"?step={step.step_id}"


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


# What a history row reads of an execution (ExecutionListSerializer.to_representation),
# the cursor's ordering columns included.
LIST_COLUMNS = ("id", "owner_id", "workflow_id", "status", "trigger", "priority", "inputs",
                "current_step", "created_at", "started_at", "finished_at", "duration_ms",
                "error", "waiting_reason")
# What a StepResult reads of a step (step_result): not its debug record, lease or
# overrides, which only the step's own detail shows.
RESULT_COLUMNS = ("id", "execution_id", "step_id", "step_type", "status", "attempts", "inputs",
                  "output", "output_truncated", "error", "queued_at", "started_at",
                  "finished_at", "duration_ms", "metrics", "child_execution_id")


def step_result(step: StepRun, logs_base: str) -> dict[str, Any]:
    """StepResultSerializer's output built directly: an execution of 500 steps is read often
    (the monitor, the detail page) and DRF's per-field machinery costs ~1 ms a step."""
    return {
        "step_id": step.step_id, "step_type": step.step_type, "status": step.status,
        "attempts": step.attempts, "inputs": step.inputs, "output": step.output,
        "output_truncated": step.output_truncated, "error": step.error,
        "logs": f"{logs_base}?step={step.step_id}", "queued_at": _iso(step.queued_at),
        "started_at": _iso(step.started_at), "finished_at": _iso(step.finished_at),
        "duration_ms": step.duration_ms, "metrics": step.metrics,
        "child_execution_id": str(step.child_execution_id) if step.child_execution_id
        else None,
    }


class StepResultSerializer(serializers.ModelSerializer):
    """StepResult (docs/execution.md)."""

    logs = serializers.SerializerMethodField(help_text="URL of this step's log lines.")
    error = StepErrorSerializer(allow_null=True, read_only=True)
    metrics = MetricsSerializer(read_only=True)
    child_execution_id = serializers.UUIDField(allow_null=True, read_only=True)

    class Meta:
        model = StepRun
        fields = ["step_id", "step_type", "status", "attempts", "inputs", "output",
                  "output_truncated", "error", "logs", "queued_at", "started_at",
                  "finished_at", "duration_ms", "metrics", "child_execution_id"]
        read_only_fields = fields

    def get_logs(self, step: StepRun) -> str:
        return _logs_url(step)


class StepActionSerializer(serializers.Serializer):
    applies = serializers.BooleanField(help_text="Whether the action may be taken now.")
    why = serializers.CharField(help_text="Why it does not apply, in words (empty when it "
                                          "does).")


class StepActionsSerializer(serializers.Serializer):
    retry = StepActionSerializer()
    skip = StepActionSerializer()


class StepDetailSerializer(StepResultSerializer):
    attempt_list = AttemptSerializer(source="attempt_rows", many=True, read_only=True)
    debug = serializers.JSONField(read_only=True, help_text=(
        "Debug mode: `variables` ({name: {type, value}}) and `profile` (the node's own "
        "functions: function, node, line, calls, total_s, cumulative_s; slowest first)."))
    overrides = serializers.JSONField(read_only=True)
    actions = serializers.SerializerMethodField(help_text=(
        "Whether retry and skip apply to this step now, and why not."))

    class Meta(StepResultSerializer.Meta):
        fields = [*StepResultSerializer.Meta.fields, "attempt_list", "debug", "overrides",
                  "actions"]
        read_only_fields = fields

    @extend_schema_field(StepActionsSerializer)
    def get_actions(self, step: StepRun) -> dict[str, Any]:
        return step_actions(step=step, execution_status=step.execution.status)


class ExecutionMetadataSerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=Execution.Trigger.choices)
    version = serializers.IntegerField(help_text="The compiled revision that ran.")
    environment = serializers.CharField()
    rerun_of = serializers.UUIDField(allow_null=True)
    parent_execution_id = serializers.UUIDField(allow_null=True)
    schedule = serializers.DictField(required=False, help_text="Trigger scheduled: the "
                                     "schedule's id, name and the fire time it ran for.")
    hook = serializers.DictField(required=False, help_text="Trigger webhook: the hook's id.")
    revisions = serializers.ListField(child=serializers.DictField(), required=False, help_text=(
        "Fix and resume: each time a step was retried on another revision, {from, to, "
        "step_id, at}; `version` is the revision it runs now, each attempt says its own."))


class ExecutionListSerializer(serializers.ModelSerializer):
    execution_id = serializers.UUIDField(source="id", read_only=True)
    workflow_name = serializers.CharField(source="workflow.name", read_only=True)
    user = serializers.CharField(source="owner.get_username", read_only=True)
    priority = PriorityField(read_only=True)

    class Meta:
        model = Execution
        fields = ["execution_id", "workflow_id", "workflow_name", "user", "status", "trigger",
                  "priority", "inputs", "current_step", "created_at", "started_at",
                  "finished_at", "duration_ms", "error", "waiting_reason"]
        read_only_fields = fields

    def to_representation(self, execution: Execution) -> dict[str, Any]:
        # The declared fields built directly (the schema still comes from them): a history
        # page is 50 of these, and DRF's per-field machinery was half of its time
        # (bench/api_bench.py).
        return {
            "execution_id": str(execution.pk), "workflow_id": execution.workflow_id,
            "workflow_name": execution.workflow.name, "user": execution.owner.get_username(),
            "status": execution.status, "trigger": execution.trigger,
            "priority": Priority(execution.priority).label, "inputs": execution.inputs,
            "current_step": execution.current_step, "created_at": _iso(execution.created_at),
            "started_at": _iso(execution.started_at), "finished_at": _iso(execution.finished_at),
            "duration_ms": execution.duration_ms, "error": execution.error,
            "waiting_reason": execution.waiting_reason,
        }


class ExecutionSerializer(ExecutionListSerializer):
    """ExecutionContext (docs/execution.md)."""

    step_results = serializers.SerializerMethodField()
    metadata = serializers.SerializerMethodField()

    class Meta(ExecutionListSerializer.Meta):
        fields = [*ExecutionListSerializer.Meta.fields, "output", "step_results", "metadata",
                  "last_event_seq"]
        read_only_fields = fields

    def to_representation(self, execution: Execution) -> dict[str, Any]:
        return {**super().to_representation(execution), "output": execution.output,
                "step_results": self.get_step_results(execution),
                "metadata": self.get_metadata(execution),
                "last_event_seq": execution.last_event_seq}

    @extend_schema_field(serializers.DictField(child=StepResultSerializer()))
    def get_step_results(self, execution: Execution) -> dict[str, Any]:
        logs_base = reverse("api:execution-logs", kwargs={"pk": execution.pk})
        return {step.step_id: step_result(step, logs_base) for step in execution.steps.all()}

    @extend_schema_field(ExecutionMetadataSerializer)
    def get_metadata(self, execution: Execution) -> dict[str, Any]:
        return {"trigger": execution.trigger, "version": execution.compilation.revision,
                "environment": execution.environment,
                "rerun_of": str(execution.rerun_of_id) if execution.rerun_of_id else None,
                "parent_execution_id": str(execution.parent_id) if execution.parent_id
                else None, **(execution.source or {})}


class RerunSerializer(serializers.Serializer):
    inputs = serializers.JSONField(required=False, help_text="Edited inputs; omit to reuse "
                                   "the same ones (secrets included).")
    priority = PriorityField(required=False, help_text="Default: the original's. "
                             + PRIORITY_HELP)
    revision = serializers.IntegerField(required=False, min_value=1, help_text=(
        "Run this revision of the workflow instead of the original's (it must compile)."))


class RetrySerializer(serializers.Serializer):
    inputs = serializers.JSONField(required=False, help_text="Replacement step inputs.")
    revision = serializers.IntegerField(required=False, min_value=1, help_text=(
        "Run this step, and the steps after it, on this revision of the workflow (fix and "
        "resume). It must keep the execution's nodes and edges; otherwise 409 "
        "revision_incompatible: re-run the execution on it instead."))
    timeout_seconds = serializers.IntegerField(required=False, min_value=1)
    memory_limit_mb = serializers.IntegerField(required=False, min_value=1)


class SkipSerializer(serializers.Serializer):
    output = serializers.JSONField(required=False, allow_null=True, default=None,
                                   help_text="Substitute output the next steps will see.")


class ApproveSerializer(serializers.Serializer):
    data = serializers.JSONField(required=False, default=dict,
                                 help_text="What the approver filled in; checked against the "
                                           "step's fields.")


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=2000)


class ApprovalSerializer(serializers.Serializer):
    execution_id = serializers.UUIDField()
    workflow_id = serializers.IntegerField()
    workflow_name = serializers.CharField()
    step_id = serializers.CharField()
    message = serializers.CharField(allow_blank=True)
    fields = serializers.JSONField()
    waiting_since = serializers.DateTimeField(allow_null=True)


class LogLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = LogLine
        fields = ["seq", "timestamp", "level", "step_id", "attempt", "message"]
        read_only_fields = fields
