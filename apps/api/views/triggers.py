"""Schedules and the webhook of a workflow: the owner's endpoints, and the public hook URL
that a sender POSTs to (authenticated by the hook's secret, not by a user)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import serializers as s
from apps.api.errors import error_body
from apps.api.pagination import SmallPages
from apps.api.views.common import error_responses, valid
from apps.common import throttle
from apps.common.exceptions import ApplicationError
from apps.executions.models import Priority
from apps.triggers.models import Hook, Schedule
from apps.triggers.services import hooks, schedules
from apps.workflows.models import Workflow


def _workflow(request: Request, pk: Any) -> Workflow:
    return get_object_or_404(Workflow, owner=request.user, pk=pk)


def _changes(body: dict[str, Any]) -> dict[str, Any]:
    changes = dict(body)
    if "timezone" in changes:
        changes["timezone_name"] = changes.pop("timezone")
    return changes


@extend_schema_view(
    list=extend_schema(summary="The workflow's schedules, with their next five fire times"),
    retrieve=extend_schema(summary="One schedule", responses={200: s.ScheduleSerializer,
                                                              **error_responses(404)}),
    destroy=extend_schema(summary="Delete a schedule", responses={204: None,
                                                                  **error_responses(404)}),
)
class ScheduleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.ScheduleSerializer
    pagination_class = SmallPages
    filter_backends: list[Any] = []
    queryset = Schedule.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[Schedule]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        workflow = _workflow(self.request, self.kwargs["workflow_pk"])  # anybody else's: 404
        return Schedule.objects.filter(workflow=workflow).order_by("id")

    def perform_destroy(self, instance: Schedule) -> None:
        schedules.schedule_delete(schedule=instance)

    @extend_schema(summary="Add a schedule (cron or interval; inputs checked now)",
                   request=s.ScheduleWriteSerializer,
                   responses={201: s.ScheduleSerializer, **error_responses(400, 404, 409)})
    def create(self, request: Request, workflow_pk: Any = None) -> Response:
        body = _changes(valid(s.ScheduleWriteSerializer, request.data))
        schedule = schedules.schedule_create(workflow=_workflow(request, workflow_pk), **body)
        return Response(s.ScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a schedule", request=s.ScheduleWriteSerializer,
                   responses={200: s.ScheduleSerializer, **error_responses(400, 404, 409)})
    def partial_update(self, request: Request, workflow_pk: Any = None,
                       pk: Any = None) -> Response:
        body = _changes(valid(s.ScheduleWriteSerializer, request.data))
        schedule = schedules.schedule_update(schedule=self.get_object(), **body)
        return Response(s.ScheduleSerializer(schedule).data)

    @extend_schema(summary="Pause: no fire time starts a run until resumed", request=None,
                   responses={200: s.ScheduleSerializer, **error_responses(404)})
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, workflow_pk: Any = None, pk: Any = None) -> Response:
        return Response(s.ScheduleSerializer(
            schedules.schedule_pause(schedule=self.get_object())).data)

    @extend_schema(summary="Resume (fire times missed meanwhile follow catch_up)",
                   request=None, responses={200: s.ScheduleSerializer, **error_responses(404)})
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, workflow_pk: Any = None, pk: Any = None) -> Response:
        return Response(s.ScheduleSerializer(
            schedules.schedule_resume(schedule=self.get_object())).data)


def hook_url(request: Any, hook: Hook) -> str:
    return request.build_absolute_uri(hooks.delivery_path(hook))


def _webhook(request: Any, hook: Hook | None) -> dict[str, Any]:
    return {"enabled": bool(hook and hook.enabled), "url": hook_url(request, hook) if hook
            else None, "priority": hook.priority if hook else Priority.NORMAL,
            "max_body_bytes": settings.HOOK_MAX_BODY_BYTES,
            "created_at": hook.created_at if hook else None,
            "rotated_at": hook.rotated_at if hook else None}


class WebhookView(APIView):
    """The workflow's webhook: its URL, a new secret, or disabled."""

    @extend_schema(summary="The webhook URL and whether it is enabled",
                   responses={200: s.WebhookSerializer, **error_responses(404)})
    def get(self, request: Request, workflow_pk: Any) -> Response:
        hook = Hook.objects.filter(workflow=_workflow(request, workflow_pk)).first()
        return Response(s.WebhookSerializer(_webhook(request, hook)).data)

    @extend_schema(summary="Create the webhook, or rotate its secret (shown once)", request=None,
                   responses={201: s.WebhookCreatedSerializer, **error_responses(404)})
    def post(self, request: Request, workflow_pk: Any) -> Response:
        hook, secret = hooks.hook_rotate(workflow=_workflow(request, workflow_pk))
        body = {**_webhook(request, hook), "secret": secret,
                "curl": hooks.curl_line(hook_url(request, hook), secret,
                                        hooks.example_body(hook.workflow))}
        return Response(s.WebhookCreatedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change the priority of the runs its deliveries start",
                   request=s.WebhookChangeSerializer,
                   responses={200: s.WebhookSerializer, **error_responses(400, 404)})
    def patch(self, request: Request, workflow_pk: Any) -> Response:
        body = valid(s.WebhookChangeSerializer, request.data)
        hook = hooks.hook_set_priority(workflow=_workflow(request, workflow_pk),
                                       priority=body["priority"])
        return Response(s.WebhookSerializer(_webhook(request, hook)).data)

    @extend_schema(summary="Disable the webhook (its URL answers 404)",
                   responses={204: None, **error_responses(404)})
    def delete(self, request: Request, workflow_pk: Any) -> Response:
        hooks.hook_disable(workflow=_workflow(request, workflow_pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


@csrf_exempt
@require_POST
def hook_delivery(request: HttpRequest, hook_id: Any) -> JsonResponse:
    """POST /hooks/<id>/: the JSON body becomes the inputs; 202 with the execution id."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = settings.HOOK_MAX_BODY_BYTES
    body = request.read(limit + 1) if length <= limit else b""
    if length > limit or len(body) > limit:
        return JsonResponse(error_body(
            "request_too_large", f"The body is {max(length, len(body)):,} bytes; a webhook "
            f"takes at most {limit:,} bytes.", suggestion="Send less data, or a reference "
            "to it (a URL the workflow fetches)."), status=413)
    try:
        execution = hooks.hook_deliver(hook_id=hook_id, body=body, headers=request.headers,
                                       address=throttle.client_address(request))
    except ApplicationError as exc:
        response = JsonResponse({"error": exc.as_dict()}, status=exc.status)
        if exc.extra.get("retry_after"):
            response["Retry-After"] = str(exc.extra["retry_after"])
        return response
    return JsonResponse({"execution_id": str(execution.pk), "status": execution.status,
                         "url": request.build_absolute_uri(
                             f"/api/v1/executions/{execution.pk}/")}, status=202)
