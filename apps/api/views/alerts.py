"""Alert rules of the owner (/alert-rules/) and what each sent (…/notifications/)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.alerts import services
from apps.alerts.models import AlertRule
from apps.api import serializers as s
from apps.api.pagination import SmallPages
from apps.api.views.common import error_responses, valid


@extend_schema_view(
    list=extend_schema(summary="Your alert rules"),
    retrieve=extend_schema(summary="One alert rule", responses={200: s.AlertRuleSerializer,
                                                                **error_responses(404)}),
    destroy=extend_schema(summary="Delete an alert rule", responses={204: None,
                                                                     **error_responses(404)}),
)
class AlertRuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = s.AlertRuleSerializer
    pagination_class = SmallPages
    filter_backends: list[Any] = []
    queryset = AlertRule.objects.none()

    def get_queryset(self) -> QuerySet[AlertRule]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return AlertRule.objects.filter(owner=self.request.user)

    def perform_destroy(self, instance: AlertRule) -> None:
        services.alert_rule_delete(rule=instance)

    @extend_schema(summary="Add an alert rule (a webhook to a private address is refused "
                           "unless its host is allowed)", request=s.AlertRuleWriteSerializer,
                   responses={201: s.AlertRuleSerializer, **error_responses(400)})
    def create(self, request: Request) -> Response:
        body = valid(s.AlertRuleWriteSerializer, request.data)
        rule = services.alert_rule_save(owner_id=request.user.pk, **body)
        return Response(s.AlertRuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change an alert rule", request=s.AlertRuleWriteSerializer,
                   responses={200: s.AlertRuleSerializer, **error_responses(400, 404)})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        body = valid(s.AlertRuleWriteSerializer, request.data)
        rule = services.alert_rule_save(owner_id=request.user.pk, rule=self.get_object(),
                                        **body)
        return Response(s.AlertRuleSerializer(rule).data)

    @extend_schema(summary="What the rule sent: each notification, its outcome and error",
                   responses={200: s.AlertNotificationSerializer(many=True),
                              **error_responses(404)})
    @action(detail=True, methods=["get"])
    def notifications(self, request: Request, pk: Any = None) -> Response:
        rows = self.get_object().notifications.all()[:200]
        return Response(s.AlertNotificationSerializer(rows, many=True).data)
