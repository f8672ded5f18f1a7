"""Compilations, workflows, presets and starts."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.api.serializers.executions import PRIORITY_HELP, PriorityField
from apps.workflows.events import compilation_as_dict
from apps.workflows.models import Compilation, InputPreset, Workflow


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
    priority = PriorityField(required=False, help_text="Default normal. " + PRIORITY_HELP)


# --- workflows as files ----------------------------------------------------------------------

class WorkflowFilesSerializer(serializers.Serializer):
    files = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        help_text="File name (<slug>.json) -> the file's text, as `workflows export` writes it.")


class ApplySerializer(WorkflowFilesSerializer):
    prune = serializers.BooleanField(required=False, default=False, help_text=(
        "Delete your workflows that have no file here."))
    dry_run = serializers.BooleanField(required=False, default=False, help_text=(
        "Compile and report what would change; change nothing."))


class WorkflowChangeSerializer(serializers.Serializer):
    slug = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update", "unchanged", "delete"])
    changes = serializers.ListField(child=serializers.CharField(), help_text=(
        "What changed: `~ definition.nodes[fetch].data.config.url`, `+ …`, `- …`."))
    revision = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=Compilation.Status.choices, allow_null=True,
                                     help_text="The compilation's status after the save.")
    issues = IssueSerializer(many=True)


class ApplyResultSerializer(serializers.Serializer):
    applied = serializers.BooleanField(help_text="False for a dry run.")
    dry_run = serializers.BooleanField()
    prune = serializers.BooleanField()
    ok = serializers.BooleanField()
    workflows = WorkflowChangeSerializer(many=True)
