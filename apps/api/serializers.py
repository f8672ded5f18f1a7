"""Request and response shapes of the API. Responses follow docs/workflow-format.md,
docs/execution.md and docs/events.md exactly (CompilationResult, ExecutionContext,
StepResult, ProgressEvent, log lines); requests are
validated here for shape only, while the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.common.masking import MASK
from apps.executions.models import Execution, InputFile, LogLine, StepAttempt, StepRun
from apps.runtime.models import Connection, EnvVar
from apps.runtime.params import PARAMS
from apps.runtime.services import CONNECTION_NAME, ENV_NAME
from apps.workflows.models import Compilation, InputPreset, Workflow
from apps.workflows.services import compilation_as_dict

# --- compilation -----------------------------------------------------------------------------

class IssueSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["error", "warning"])
    code = serializers.CharField()
    message = serializers.CharField()
    node_id = serializers.CharField(allow_null=True)
    field = serializers.CharField(allow_null=True)
    line = serializers.IntegerField(allow_null=True)
    suggestion = serializers.CharField(allow_null=True, required=False)


class ArtifactsSerializer(serializers.Serializer):
    generated_code = serializers.CharField()
    code_sha256 = serializers.CharField()
    source_map = serializers.JSONField()
    dependencies = serializers.JSONField()


class CompilationSerializer(serializers.Serializer):
    """CompilationResult (docs/workflow-format.md, "Compilation")."""

    id = serializers.IntegerField()
    workflow_id = serializers.IntegerField()
    revision = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Compilation.Status.choices)
    timestamp = serializers.DateTimeField()
    duration_ms = serializers.FloatField()
    compiler_version = serializers.CharField()
    artifacts = ArtifactsSerializer()
    issues = IssueSerializer(many=True)

    def to_representation(self, instance: Compilation) -> dict[str, Any]:
        return compilation_as_dict(instance)


# --- workflows -------------------------------------------------------------------------------

class WorkflowSerializer(serializers.ModelSerializer):
    compilation = serializers.SerializerMethodField()
    runnable = serializers.SerializerMethodField()

    class Meta:
        model = Workflow
        fields = ["id", "slug", "name", "description", "revision", "definition", "runnable",
                  "compilation", "created_at", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(CompilationSerializer(allow_null=True))
    def get_compilation(self, workflow: Workflow) -> dict[str, Any] | None:
        compilation = workflow.latest_compilation
        return compilation_as_dict(compilation) if compilation else None

    def get_runnable(self, workflow: Workflow) -> bool:
        compilation = workflow.latest_compilation
        return bool(compilation and compilation.runnable)


class WorkflowListSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="Status of the latest compilation.")

    class Meta:
        model = Workflow
        fields = ["id", "slug", "name", "description", "revision", "status", "updated_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Compilation.Status.choices,
                                                 allow_null=True))
    def get_status(self, workflow: Workflow) -> str | None:
        compilation = workflow.latest_compilation
        return compilation.status if compilation else None


class WorkflowWriteSerializer(serializers.Serializer):
    definition = serializers.JSONField(
        help_text="The builder's JSON (see /api/v1/workflow-schema/).")
    name = serializers.CharField(required=False, max_length=200,
                                 help_text="Defaults to the definition's name.")
    slug = serializers.CharField(required=False, max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, max_length=10_000)


class WorkflowPatchSerializer(WorkflowWriteSerializer):
    definition = serializers.JSONField(required=False)


class PresetSerializer(serializers.ModelSerializer):
    class Meta:
        model = InputPreset
        fields = ["id", "name", "inputs", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"name": {"max_length": 100}}

    def validate_inputs(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected an object of input values.")
        return value


class StartSerializer(serializers.Serializer):
    inputs = serializers.JSONField(required=False, default=dict,
                                   help_text="Input values; file inputs take an uploaded file "
                                             "id, or upload the file in the same multipart "
                                             "request under the input's name.")
    idempotency_key = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                            help_text="Starting twice with the same key "
                                                      "returns the first execution.")


# --- executions ------------------------------------------------------------------------------

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
    traceback = serializers.JSONField(required=False)


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = StepAttempt
        fields = ["number", "status", "worker", "started_at", "finished_at", "duration_ms",
                  "error", "metrics"]
        read_only_fields = fields


def _logs_url(step: StepRun) -> str:
    return reverse("api:execution-logs", kwargs={"pk": step.execution_id}) + \
        f"?step={step.step_id}"


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


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


class StepDetailSerializer(StepResultSerializer):
    attempt_list = AttemptSerializer(source="attempt_rows", many=True, read_only=True)
    debug = serializers.JSONField(read_only=True, help_text="Variable state and profile "
                                                              "(debug mode).")
    overrides = serializers.JSONField(read_only=True)

    class Meta(StepResultSerializer.Meta):
        fields = [*StepResultSerializer.Meta.fields, "attempt_list", "debug", "overrides"]
        read_only_fields = fields


class ExecutionMetadataSerializer(serializers.Serializer):
    trigger = serializers.ChoiceField(choices=Execution.Trigger.choices)
    version = serializers.IntegerField(help_text="The compiled revision that ran.")
    environment = serializers.CharField()
    rerun_of = serializers.UUIDField(allow_null=True)
    parent_execution_id = serializers.UUIDField(allow_null=True)


class ExecutionListSerializer(serializers.ModelSerializer):
    execution_id = serializers.UUIDField(source="id", read_only=True)
    workflow_name = serializers.CharField(source="workflow.name", read_only=True)
    user = serializers.CharField(source="owner.get_username", read_only=True)

    class Meta:
        model = Execution
        fields = ["execution_id", "workflow_id", "workflow_name", "user", "status", "trigger",
                  "inputs", "current_step", "created_at", "started_at", "finished_at",
                  "duration_ms", "error"]
        read_only_fields = fields


class ExecutionSerializer(ExecutionListSerializer):
    """ExecutionContext (docs/execution.md)."""

    step_results = serializers.SerializerMethodField()
    metadata = serializers.SerializerMethodField()

    class Meta(ExecutionListSerializer.Meta):
        fields = [*ExecutionListSerializer.Meta.fields, "output", "step_results", "metadata",
                  "last_event_seq"]
        read_only_fields = fields

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
                else None}


class RerunSerializer(serializers.Serializer):
    inputs = serializers.JSONField(required=False, help_text="Edited inputs; omit to reuse "
                                   "the same ones (secrets included).")


class RetrySerializer(serializers.Serializer):
    inputs = serializers.JSONField(required=False, help_text="Replacement step inputs.")
    timeout_seconds = serializers.IntegerField(required=False, min_value=1)
    memory_limit_mb = serializers.IntegerField(required=False, min_value=1)


class SkipSerializer(serializers.Serializer):
    output = serializers.JSONField(required=False, allow_null=True, default=None,
                                   help_text="Substitute output the next steps will see.")


class LogLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = LogLine
        fields = ["seq", "timestamp", "level", "step_id", "attempt", "message"]
        read_only_fields = fields


class EventSerializer(serializers.Serializer):
    """ProgressEvent (docs/events.md)."""

    seq = serializers.IntegerField()
    execution_id = serializers.UUIDField()
    timestamp = serializers.DateTimeField()
    type = serializers.CharField()
    step_id = serializers.CharField(allow_null=True)
    data = serializers.JSONField()
    duration = serializers.FloatField(allow_null=True)


# --- runtime settings ------------------------------------------------------------------------

class SettingSerializer(serializers.Serializer):
    key = serializers.CharField()
    value = serializers.JSONField()
    default = serializers.JSONField()
    description = serializers.CharField()


class SettingsPatchSerializer(serializers.Serializer):
    """Any of the runtime settings, by key."""

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, dict) or not data:
            raise serializers.ValidationError(
                {"non_field_errors": "Send an object of settings to change, e.g. "
                                     '{"debug_mode": true}.'})
        return data


for _key, _param in PARAMS.items():  # documented one by one in the schema
    SettingsPatchSerializer._declared_fields[_key] = serializers.JSONField(  # noqa: SLF001
        required=False, help_text=f"{_param.description} Default: {_param.default!r}.")


class EnvVarSerializer(serializers.ModelSerializer):
    value = serializers.CharField(required=False, allow_blank=True,
                                  max_length=65_536, trim_whitespace=False,
                                  help_text="Write-only when is_secret: read back as ••••••.")

    class Meta:
        model = EnvVar
        fields = ["id", "name", "value", "is_secret", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": [RegexValidator(ENV_NAME.pattern)]}}

    def to_representation(self, instance: EnvVar) -> dict[str, Any]:
        return {"id": instance.pk, "name": instance.name, "is_secret": instance.is_secret,
                "value": MASK if instance.is_secret else instance.get_value(),
                "created_at": serializers.DateTimeField().to_representation(instance.created_at),
                "updated_at": serializers.DateTimeField().to_representation(instance.updated_at)}


class ConnectionSerializer(serializers.ModelSerializer):
    secret = serializers.JSONField(write_only=True, required=False,
                                   help_text="Token, password or header value; write-only.")
    has_secret = serializers.BooleanField(read_only=True)

    class Meta:
        model = Connection
        fields = ["id", "name", "kind", "config", "secret", "has_secret", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "has_secret", "created_at", "updated_at"]
        extra_kwargs = {"name": {"validators": [RegexValidator(CONNECTION_NAME.pattern)]}}

    def validate_config(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise serializers.ValidationError("Expected an object.")
        return value


# --- tokens and files ------------------------------------------------------------------------

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


class StepTrendSerializer(serializers.Serializer):
    step_id = serializers.CharField()
    type = serializers.CharField(allow_null=True)
    runs = serializers.IntegerField()
    failures = serializers.IntegerField()
    failure_rate = serializers.FloatField(allow_null=True)
    retry_rate = serializers.FloatField(allow_null=True)
    p50_ms = serializers.FloatField(allow_null=True)
    p95_ms = serializers.FloatField(allow_null=True)
    trend = serializers.FloatField(allow_null=True, help_text="p50 of the newer half of the "
                                   "runs over the older half (> 1: getting slower).")
    peak_rss_mb = serializers.FloatField(allow_null=True)
    memory_limit_mb = serializers.IntegerField()
    timeout_seconds = serializers.FloatField()


class WorkflowTrendsSerializer(serializers.Serializer):
    workflow_id = serializers.IntegerField()
    runs = serializers.IntegerField(help_text="Recent runs considered (at most 100).")
    succeeded = serializers.IntegerField()
    failed = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    duration_ms = serializers.DictField(child=serializers.FloatField(allow_null=True))
    steps = StepTrendSerializer(many=True)
    recent = serializers.ListField(child=serializers.DictField())
    recommendations = serializers.ListField(child=serializers.DictField())


class RecommendationSerializer(serializers.Serializer):
    rule = serializers.ChoiceField(choices=[
        "near_timeout", "timeout_oversized", "near_memory_limit", "memory_oversized", "flaky",
        "dominates_critical_path", "http_without_timeout", "could_run_in_parallel"])
    step_id = serializers.CharField(allow_null=True)
    message = serializers.CharField()
    numbers = serializers.DictField(help_text="The figures that made the rule fire.")


class StepBreakdownSerializer(serializers.Serializer):
    step_id = serializers.CharField()
    status = serializers.CharField()
    attempts = serializers.IntegerField()
    queue_wait_ms = serializers.FloatField(allow_null=True)
    run_ms = serializers.FloatField(allow_null=True)
    retry_ms = serializers.FloatField()
    total_ms = serializers.FloatField(allow_null=True)
    cpu_seconds = serializers.FloatField(allow_null=True)
    peak_rss_mb = serializers.FloatField(allow_null=True)
    samples = serializers.ListField(child=serializers.DictField(),
                                    help_text="CPU and memory over time: {t, cpu, rss_mb}.")


class ExecutionMetricsSerializer(serializers.Serializer):
    execution_id = serializers.UUIDField()
    status = serializers.CharField()
    duration_ms = serializers.FloatField(allow_null=True)
    steps = StepBreakdownSerializer(many=True)
    critical_path = serializers.ListField(child=serializers.CharField())
    critical_path_ms = serializers.FloatField()
    bottleneck = serializers.DictField(allow_null=True)
    error_patterns = serializers.ListField(child=serializers.DictField(),
                                           help_text="Per failed step: other runs that failed "
                                                     "the same way.")


class ErrorPatternSerializer(serializers.Serializer):
    signature = serializers.CharField()
    step_id = serializers.CharField()
    workflow_id = serializers.IntegerField()
    type = serializers.CharField(allow_null=True)
    pattern = serializers.CharField(help_text="The message with ids, numbers, paths replaced.")
    example = serializers.CharField()
    count = serializers.IntegerField()
    first_seen = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(allow_null=True)
    executions = serializers.ListField(child=serializers.UUIDField(),
                                       help_text="Up to 20 affected runs, newest first.")
