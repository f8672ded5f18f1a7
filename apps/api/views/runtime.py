"""Runtime settings, env vars and connections over HTTP. Secrets go in and never come out:
env var secrets read back as ••••••, connection secrets only as has_secret."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api import serializers as s
from apps.api.pagination import SmallPages
from apps.api.views.common import error_responses, valid, with_defaults
from apps.common.exceptions import ApplicationError
from apps.runtime import services
from apps.runtime.models import Connection, EnvVar
from apps.runtime.params import PARAMS
from apps.runtime.selectors import runtime_config_get


def _settings_list(user: Any) -> list[dict[str, Any]]:
    config = runtime_config_get(owner=user)
    return [{"key": key, "label": param.label, "value": config[key], "default": param.default,
             "description": param.description} for key, param in PARAMS.items()]


class SettingsView(APIView):
    @extend_schema(summary="Your runtime settings, with defaults and descriptions",
                   responses=s.SettingSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(_settings_list(request.user))

    @extend_schema(summary="Change some settings (all or nothing)",
                   request=s.SettingsPatchSerializer,
                   responses={200: s.SettingSerializer(many=True), **error_responses(400)})
    def patch(self, request: Request) -> Response:
        changes = valid(s.SettingsPatchSerializer, request.data)
        services.runtime_settings_update(owner=request.user, changes=changes)
        return Response(_settings_list(request.user))


@extend_schema_view(
    list=extend_schema(summary="Your env vars (secret values masked)"),
    retrieve=extend_schema(summary="One env var", responses={200: s.EnvVarSerializer,
                                                             **error_responses(404)}),
    destroy=extend_schema(summary="Delete an env var", responses={204: None,
                                                                  **error_responses(404)}),
)
class EnvVarViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.DestroyModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = s.EnvVarSerializer
    pagination_class = SmallPages
    filter_backends: list[Any] = []

    queryset = EnvVar.objects.none()  # the schema generator reads the model

    def perform_destroy(self, instance: EnvVar) -> None:
        services.env_var_delete(env_var=instance)

    def get_queryset(self) -> QuerySet[EnvVar]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return EnvVar.objects.filter(owner=self.request.user).order_by("name")

    @extend_schema(summary="Create or replace an env var (by name)",
                   responses={201: s.EnvVarSerializer, **error_responses(400)})
    def create(self, request: Request) -> Response:
        body = valid(s.EnvVarSerializer, request.data)
        env_var = services.env_var_upsert(owner=request.user, name=body["name"],
                                          value=body.get("value"),
                                          is_secret=body.get("is_secret", False))
        return Response(s.EnvVarSerializer(env_var).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change an env var; omit value to keep a stored secret",
                   request=s.EnvVarSerializer,
                   responses={200: s.EnvVarSerializer, **error_responses(400, 404)})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        env_var = self.get_object()
        body = valid(s.EnvVarSerializer, with_defaults(request.data, name=env_var.name))
        if body["name"] != env_var.name:
            raise ApplicationError("Rename by creating a new variable and deleting this one.",
                                   code="invalid_env_var", fields={"name": "Cannot change."})
        env_var = services.env_var_upsert(owner=request.user, name=env_var.name,
                                          value=body.get("value"),
                                          is_secret=body.get("is_secret", env_var.is_secret))
        return Response(s.EnvVarSerializer(env_var).data)


@extend_schema_view(
    list=extend_schema(summary="Your connections (secrets never returned)"),
    retrieve=extend_schema(summary="One connection", responses={200: s.ConnectionSerializer,
                                                                **error_responses(404)}),
    destroy=extend_schema(summary="Delete a connection", responses={204: None,
                                                                    **error_responses(404)}),
)
class ConnectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.DestroyModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = "[0-9]+"
    serializer_class = s.ConnectionSerializer
    pagination_class = SmallPages
    filter_backends: list[Any] = []

    queryset = Connection.objects.none()  # the schema generator reads the model

    def perform_destroy(self, instance: Connection) -> None:
        services.connection_delete(connection=instance)

    def get_queryset(self) -> QuerySet[Connection]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return Connection.objects.filter(owner=self.request.user).order_by("name")

    @extend_schema(summary="Create or replace a connection (by name)",
                   responses={201: s.ConnectionSerializer, **error_responses(400)})
    def create(self, request: Request) -> Response:
        body = valid(s.ConnectionSerializer, request.data)
        connection = services.connection_upsert(
            owner=request.user, name=body["name"], kind=body.get("kind", "bearer"),
            config=body.get("config") or {}, secret=body.get("secret"))
        return Response(s.ConnectionSerializer(connection).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(summary="Change a connection; omit secret to keep the stored one",
                   request=s.ConnectionSerializer,
                   responses={200: s.ConnectionSerializer, **error_responses(400, 404)})
    def partial_update(self, request: Request, pk: Any = None) -> Response:
        connection = self.get_object()
        body = valid(s.ConnectionSerializer, with_defaults(request.data, name=connection.name))
        if body["name"] != connection.name:
            raise ApplicationError("Rename by creating a new connection.",
                                   code="invalid_connection", fields={"name": "Cannot change."})
        connection = services.connection_upsert(
            owner=request.user, name=connection.name, kind=body.get("kind", connection.kind),
            config=body.get("config", connection.config), secret=body.get("secret"))
        return Response(s.ConnectionSerializer(connection).data)
