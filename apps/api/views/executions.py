"""Executions over HTTP: history, the ExecutionContext, controls, steps and logs. The live
stream (SSE) is apps/realtime/sse.py: it must not hold a worker thread per client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.db.models import F, Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import serializers as s
from apps.api.filters import ExecutionFilter, ExecutionOrdering, LogFilter
from apps.api.pagination import ExecutionCursor, LogCursor
from apps.api.views.common import UUID_PATTERN, error_responses, trigger_of, valid
from apps.common.exceptions import ApplicationError
from apps.executions import services
from apps.executions.models import Execution, LogLine, StepAttempt, StepRun
from apps.executions.services import approvals, insights
from apps.workflows.models import Workflow

_CONTROL = {200: s.ExecutionSerializer, **error_responses(404, 409)}


@extend_schema_view(
    list=extend_schema(summary="Execution history, newest first (cursor pages)"),
    retrieve=extend_schema(summary="The ExecutionContext: status, inputs, every step's result",
                           responses={200: s.ExecutionSerializer, **error_responses(404)}),
)
class ExecutionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    lookup_value_regex = UUID_PATTERN
    pagination_class = ExecutionCursor
    filter_backends = [DjangoFilterBackend, ExecutionOrdering]
    filterset_class = ExecutionFilter

    queryset = Execution.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[Execution]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        query = Execution.objects.filter(owner=self.request.user)
        if self.action == "list":  # a page shows the workflow's name and the owner's, no more
            return query.select_related("workflow", "owner").only(
                *s.LIST_COLUMNS, "workflow__name", "owner__username")
        return query.select_related("workflow", "owner", "compilation").defer(
            "compilation__generated_code", "compilation__source_map", "compilation__definition",
            "encrypted_secret_inputs").prefetch_related(
            Prefetch("steps", queryset=StepRun.objects.order_by("id").only(*s.RESULT_COLUMNS)))

    def get_serializer_class(self) -> type:
        return s.ExecutionListSerializer if self.action == "list" else s.ExecutionSerializer

    def _respond(self, execution: Execution, code: int = 200) -> Response:
        fresh = self.get_queryset().get(pk=execution.pk)
        return Response(s.ExecutionSerializer(fresh).data, status=code)

    @extend_schema(summary="Cancel: running steps stop within 2 s, pending ones are cancelled",
                   request=None, responses=_CONTROL)
    @action(detail=True, methods=["post"], filter_backends=[])
    def cancel(self, request: Request, pk: Any = None) -> Response:
        return self._respond(services.execution_cancel(execution=self.get_object()))

    @extend_schema(summary="Pause: no new step starts until resumed", request=None,
                   responses=_CONTROL)
    @action(detail=True, methods=["post"], filter_backends=[])
    def pause(self, request: Request, pk: Any = None) -> Response:
        return self._respond(services.execution_pause(execution=self.get_object()))

    @extend_schema(summary="Resume a paused execution", request=None, responses=_CONTROL)
    @action(detail=True, methods=["post"], filter_backends=[])
    def resume(self, request: Request, pk: Any = None) -> Response:
        return self._respond(services.execution_resume(execution=self.get_object()))

    @extend_schema(summary="Run the same revision (or another) again, with the same or edited "
                           "inputs", request=s.RerunSerializer,
                   responses={201: s.ExecutionSerializer, **error_responses(400, 404, 409)})
    @action(detail=True, methods=["post"], filter_backends=[])
    def rerun(self, request: Request, pk: Any = None) -> Response:
        body = valid(s.RerunSerializer, request.data)
        execution = services.execution_rerun(execution=self.get_object(),
                                             inputs=body.get("inputs"),
                                             trigger=trigger_of(request),
                                             priority=body.get("priority"),
                                             revision=body.get("revision"))
        return self._respond(execution, status.HTTP_201_CREATED)


    @extend_schema(summary="Where the time went: per-step queue/run/retry time, CPU and "
                           "memory series, critical path and bottleneck, error patterns",
                   responses={200: s.ExecutionMetricsSerializer, **error_responses(404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def metrics(self, request: Request, pk: Any = None) -> Response:
        return Response(insights.execution_metrics(self.get_object()))


class ErrorPatternView(APIView):
    """Your failures across runs, grouped by signature."""

    @extend_schema(summary="Error patterns: failures grouped across runs",
                   parameters=[OpenApiParameter("workflow", int, description="A workflow id.")],
                   responses={200: s.ErrorPatternSerializer(many=True),
                              **error_responses(400, 404)})
    def get(self, request: Request) -> Response:
        workflow = None
        if request.query_params.get("workflow"):
            raw = request.query_params["workflow"]
            if not raw.isdigit():
                raise ApplicationError("workflow must be a workflow id.", code="invalid",
                                       fields={"workflow": "A whole number."})
            workflow = get_object_or_404(Workflow, owner=request.user, pk=int(raw))
        return Response(insights.error_patterns(owner=request.user, workflow=workflow))


def _owned_execution(request: Request, pk: Any) -> Execution:
    return get_object_or_404(Execution, owner=request.user, pk=pk)


@extend_schema_view(
    list=extend_schema(summary="Every step's result, in plan order"),
    retrieve=extend_schema(summary="One step: inputs, output, attempts, error, metrics, debug",
                           responses={200: s.StepDetailSerializer, **error_responses(404)}),
)
class StepViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "step_id"
    lookup_value_regex = "[^/]+"
    filter_backends: list[Any] = []
    pagination_class = None

    queryset = StepRun.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[StepRun]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        execution = _owned_execution(self.request, self.kwargs["execution_pk"])
        return execution.steps.order_by("id").prefetch_related(
            Prefetch("attempt_rows", queryset=StepAttempt.objects.order_by("number").annotate(
                revision=F("compilation__revision"))))

    def get_serializer_class(self) -> type:
        return s.StepResultSerializer if self.action == "list" else s.StepDetailSerializer

    @extend_schema(summary="Retry a failed step (optionally new inputs, timeout, memory) and "
                           "continue from it", request=s.RetrySerializer,
                   responses={200: s.StepDetailSerializer, **error_responses(400, 404, 409)})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, execution_pk: Any = None,
              step_id: str | None = None) -> Response:
        step = self.get_object()
        body = valid(s.RetrySerializer, request.data)
        services.step_retry(execution=step.execution, step_id=step.step_id, **body)
        return Response(s.StepDetailSerializer(self.get_object()).data)

    @extend_schema(summary="Skip a failed or pending step with a substitute output and continue",
                   request=s.SkipSerializer,
                   responses={200: s.StepDetailSerializer, **error_responses(400, 404, 409)})
    @action(detail=True, methods=["post"])
    def skip(self, request: Request, execution_pk: Any = None,
             step_id: str | None = None) -> Response:
        step = self.get_object()
        body = valid(s.SkipSerializer, request.data)
        services.step_skip(execution=step.execution, step_id=step.step_id,
                           output=body.get("output"))
        return Response(s.StepDetailSerializer(self.get_object()).data)

    @extend_schema(summary="Approve a waiting approval step (data checked against its fields)",
                   request=s.ApproveSerializer,
                   responses={200: s.StepDetailSerializer, **error_responses(400, 404, 409)})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, execution_pk: Any = None,
                step_id: str | None = None) -> Response:
        step = self.get_object()
        body = valid(s.ApproveSerializer, request.data)
        approvals.step_approve(execution=step.execution, step_id=step.step_id,
                               user=request.user, data=body.get("data"))
        return Response(s.StepDetailSerializer(self.get_object()).data)

    @extend_schema(summary="Reject a waiting approval step (it fails with approval_rejected)",
                   request=s.RejectSerializer,
                   responses={200: s.StepDetailSerializer, **error_responses(400, 404, 409)})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, execution_pk: Any = None,
               step_id: str | None = None) -> Response:
        step = self.get_object()
        body = valid(s.RejectSerializer, request.data)
        approvals.step_reject(execution=step.execution, step_id=step.step_id,
                              user=request.user, reason=body.get("reason", ""))
        return Response(s.StepDetailSerializer(self.get_object()).data)


class ApprovalListView(APIView):
    """What waits on you: approval steps of your executions, oldest first."""

    @extend_schema(summary="Pending approvals", responses={200: s.ApprovalSerializer(many=True)})
    def get(self, request: Request) -> Response:
        rows = []
        for step in approvals.approvals_pending(owner=request.user)[:500]:
            message, fields = approvals.approval_request(step)
            rows.append({"execution_id": step.execution_id,
                         "workflow_id": step.execution.workflow_id,
                         "workflow_name": step.execution.workflow.name, "step_id": step.step_id,
                         "message": message, "fields": fields, "waiting_since": step.started_at})
        return Response(s.ApprovalSerializer(rows, many=True).data)


_FORMAT = OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "text", "jsonl"],
                           description="`text` or `jsonl` download every matching line "
                                       "as a file instead of a JSON page.")


class LogViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.LogLineSerializer
    pagination_class = LogCursor
    filterset_class = LogFilter

    queryset = LogLine.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[LogLine]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        execution = _owned_execution(self.request, self.kwargs["pk"])
        return LogLine.objects.filter(execution=execution).order_by("seq")

    @extend_schema(summary="Log lines (filter by level, step, text, after a seq); downloads",
                   parameters=[_FORMAT],
                   responses={200: s.LogLineSerializer(many=True), **error_responses(400, 404)})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        kind = request.query_params.get("format", "json")
        if kind == "json":
            return super().list(request, *args, **kwargs)
        if kind not in ("text", "jsonl"):
            return Response({"error": {"code": "invalid", "message": "Unknown format.",
                                       "fields": {"format": "One of json, text, jsonl."}}},
                            status=400)
        lines = self.filter_queryset(self.get_queryset())
        execution_id = self.kwargs["pk"]
        response = StreamingHttpResponse(
            _download(lines, kind), content_type="text/plain; charset=utf-8"
            if kind == "text" else "application/x-ndjson")
        extension = "log" if kind == "text" else "jsonl"
        response["Content-Disposition"] = (f'attachment; filename="execution-{execution_id}'
                                           f'-logs.{extension}"')
        return response


def _download(lines: QuerySet[LogLine], kind: str) -> Iterator[str]:
    # Blocks of lines rather than one write per line: the web app's console streams a whole
    # run's lines this way (100,000 of them), and each chunk is a message through the server.
    block: list[str] = []
    rows = lines.values_list("seq", "timestamp", "level", "step_id", "attempt", "message")
    for seq, at, level, step_id, attempt, message in rows.iterator(chunk_size=5000):
        if kind == "text":
            block.append(f"{at.isoformat()} {level.upper():7} [{step_id or '-'}] {message}\n")
        else:
            block.append(json.dumps({"seq": seq, "timestamp": at.isoformat(), "level": level,
                                     "step_id": step_id, "attempt": attempt,
                                     "message": message}) + "\n")
        if len(block) >= 2000:
            yield "".join(block)
            block = []
    if block:
        yield "".join(block)
