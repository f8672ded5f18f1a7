"""GET /api/v1/health/: for load balancers and operators (no secrets, no auth)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.common.health import health

_Check = inline_serializer("HealthCheck", fields={
    "ok": serializers.BooleanField(), "ms": serializers.FloatField(required=False),
    "error": serializers.CharField(required=False),
    "count": serializers.IntegerField(required=False)})
_Health = inline_serializer("Health", fields={
    "ok": serializers.BooleanField(),
    "checks": inline_serializer("HealthChecks", fields={
        "database": _Check, "redis": _Check, "workers": _Check})})


class HealthView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(summary="Database, Redis and worker status", auth=[],
                   responses={200: _Health, 503: OpenApiResponse(_Health, "Something is down.")})
    def get(self, request: Request) -> Response:
        report = health()
        return Response(report, status=200 if report["ok"] else 503)
