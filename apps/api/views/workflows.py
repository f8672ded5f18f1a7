"""Workflows over HTTP: CRUD (every save compiles), compile, compilations, presets, metrics,
and starting an execution. Views translate HTTP to the services and back; nothing else."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import SearchFilter
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import serializers as s
from apps.api.pagination import SmallPages
from apps.api.views.common import error_responses, trigger_of, valid
from apps.common.exceptions import ApplicationError
from apps.executions.services import execution_start, files
from apps.executions.services.insights import RECENT_RUNS, workflow_trends
from apps.workflows import files as workflow_files
from apps.workflows import services
from apps.workflows.models import Compilation, InputPreset, Workflow
from compiler.schema import published_schema


@extend_schema_view(
    list=extend_schema(summary="List your workflows",
                       responses=s.WorkflowListSerializer(many=True)),
    retrieve=extend_schema(summary="A workflow with its latest compilation",
                           responses={200: s.WorkflowSerializer, **error_responses(404)}),
    destroy=extend_schema(summary="Delete a workflow and its history",
                          responses={204: None, **error_responses(404)}),
)
class WorkflowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.DestroyModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = s.WorkflowSerializer
    pagination_class = SmallPages
    filter_backends = [SearchFilter]
    search_fields = ["name", "slug", "description"]

    queryset = Workflow.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[Workflow]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return Workflow.objects.filter(owner=self.request.user).order_by("name", "id")

    def get_serializer_class(self) -> type:
        return s.WorkflowListSerializer if self.action == "list" else s.WorkflowSerializer

    def perform_destroy(self, instance: Workflow) -> None:
        services.workflow_delete(workflow=instance)

    @extend_schema(summary="Create a workflow (compiles it)", request=s.WorkflowWriteSerializer,
                   responses={201: s.WorkflowSerializer, **error_responses(400)})
    def create(self, request: Request) -> Response:
        body = valid(s.WorkflowWriteSerializer, request.data)
        workflow = services.workflow_create(owner=request.user, **body)
        return Response(s.WorkflowSerializer(workflow).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Replace a workflow (a new revision; compiles it)",
                   request=s.WorkflowWriteSerializer,
                   responses={200: s.WorkflowSerializer, **error_responses(400, 404)})
    def update(self, request: Request, pk: Any = None) -> Response:
        return self._save(request, s.WorkflowWriteSerializer)

    @extend_schema(summary="Change some fields of a workflow (compiles it)",
                   request=s.WorkflowPatchSerializer,
                   responses={200: s.WorkflowSerializer, **error_responses(400, 404)})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        return self._save(request, s.WorkflowPatchSerializer)

    def _save(self, request: Request, serializer: type) -> Response:
        workflow = self.get_object()
        body = valid(serializer, request.data)
        workflow = services.workflow_update(workflow=workflow, **body)
        return Response(s.WorkflowSerializer(workflow).data)

    @extend_schema(summary="Your workflows as files: {<slug>.json: text}, for a Git repository",
                   responses={200: s.WorkflowFilesSerializer})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def export(self, request: Request) -> Response:
        return Response({"files": workflow_files.workflows_export(owner=request.user)})

    @extend_schema(summary="Apply workflow files: create or update by slug, compile each, "
                           "optionally prune; all or nothing (400 apply_refused with the plan "
                           "when any would fail)", request=s.ApplySerializer,
                   responses={200: s.ApplyResultSerializer, **error_responses(400, 413)})
    @action(detail=False, methods=["post"], filter_backends=[], pagination_class=None)
    def apply(self, request: Request) -> Response:
        body = valid(s.ApplySerializer, request.data)
        result = workflow_files.workflows_apply(owner=request.user, files=body["files"],
                                       prune=body["prune"], dry_run=body["dry_run"])
        return Response(result.as_dict())

    @extend_schema(summary="Compile the current revision again", request=None,
                   responses={200: s.CompilationSerializer, **error_responses(404)})
    @action(detail=True, methods=["post"])
    def compile(self, request: Request, pk: Any = None) -> Response:
        compilation = services.workflow_recompile(workflow=self.get_object())
        return Response(s.CompilationSerializer(compilation).data)

    @extend_schema(summary="Past compilations, newest first",
                   responses={200: s.CompilationSerializer(many=True), **error_responses(404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def compilations(self, request: Request, pk: Any = None) -> Response:
        workflow = self.get_object()
        query: QuerySet[Compilation] = workflow.compilations.order_by("-id")
        page = self.paginate_queryset(query)
        return self.get_paginated_response(s.CompilationSerializer(page, many=True).data)

    @extend_schema(summary="Trends across runs: per-step p50/p95, failure and retry rates, "
                           "memory against limits, recommendations",
                   parameters=[OpenApiParameter("runs", int, description="How many recent "
                                                "runs (1-1000, default 100).")],
                   responses={200: s.WorkflowTrendsSerializer, **error_responses(404)})
    @action(detail=True, methods=["get"], filter_backends=[])
    def metrics(self, request: Request, pk: Any = None) -> Response:
        workflow = self.get_object()
        try:
            runs = int(request.query_params.get("runs", RECENT_RUNS))
        except ValueError:
            raise ApplicationError("runs must be a whole number.", code="invalid",
                                   fields={"runs": "A whole number from 1 to 1000."}) from None
        return Response(workflow_trends(workflow=workflow, runs=runs))

    @extend_schema(summary="Start an execution (trigger: api with a token, manual from the "
                           "web app)", request={
        "application/json": s.StartSerializer, "multipart/form-data": s.StartSerializer},
        responses={201: s.ExecutionSerializer, **error_responses(400, 404, 409)})
    @action(detail=True, methods=["post"], url_path="executions", filter_backends=[])
    def start(self, request: Request, pk: Any = None) -> Response:
        workflow = self.get_object()
        body = valid(s.StartSerializer, request.data)
        inputs = body["inputs"]
        if not isinstance(inputs, dict):
            return Response({"error": {"code": "input_validation",
                                       "message": "Invalid input data provided.",
                                       "fields": {"inputs": "Expected an object."}}},
                            status=400)
        for name, upload in request.FILES.items():  # files sent with the request
            inputs[name] = str(files.file_store(owner=request.user, upload=upload).id)
        execution = execution_start(workflow=workflow, owner=request.user, inputs=inputs,
                                    trigger=trigger_of(request),
                                    idempotency_key=body.get("idempotency_key") or "",
                                    priority=body.get("priority"))
        return Response(s.ExecutionSerializer(execution).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Saved inputs of a workflow"),
    create=extend_schema(summary="Save inputs under a name (secrets are never saved)",
                         responses={201: s.PresetSerializer, **error_responses(400, 404)}),
    destroy=extend_schema(summary="Delete a preset", responses={204: None,
                                                                **error_responses(404)}),
)
class PresetViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = s.PresetSerializer
    pagination_class = SmallPages
    filter_backends: list[Any] = []

    def _workflow(self) -> Workflow:
        return _owned_workflow(self.request, self.kwargs["workflow_pk"])

    queryset = InputPreset.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[InputPreset]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return self._workflow().presets.order_by("name")

    def create(self, request: Request, workflow_pk: Any = None) -> Response:
        workflow = self._workflow()
        body = valid(s.PresetSerializer, request.data)
        preset = services.preset_save(workflow=workflow, owner=request.user,
                                      name=body["name"], inputs=body["inputs"])
        return Response(s.PresetSerializer(preset).data, status=status.HTTP_201_CREATED)


class WorkflowSchemaView(APIView):
    """The JSON Schema the builder's definitions are checked against."""

    @extend_schema(summary="The workflow definition JSON Schema",
                   responses={200: OpenApiResponse(description="A JSON Schema (2020-12).")})
    def get(self, request: Request) -> Response:
        return Response(published_schema())


def _owned_workflow(request: Request, pk: Any) -> Workflow:
    return get_object_or_404(Workflow, owner=request.user, pk=pk)


