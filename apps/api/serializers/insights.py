"""Performance insights: workflow trends, an execution's breakdown, error patterns."""

from __future__ import annotations

from rest_framework import serializers


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
