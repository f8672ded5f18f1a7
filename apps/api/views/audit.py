"""GET /api/v1/audit/: who did what to your things, newest first (append-only)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics

from apps.api import serializers as s
from apps.api.filters import AuditFilter
from apps.api.pagination import AuditCursor
from apps.audit.models import AuditEntry


@extend_schema(summary="Your audit trail: starts, controls, approvals, settings, env vars, "
                       "connections and tokens (names, never values)")
class AuditListView(generics.ListAPIView):
    serializer_class = s.AuditEntrySerializer
    pagination_class = AuditCursor
    filterset_class = AuditFilter
    queryset = AuditEntry.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[AuditEntry]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        user: Any = self.request.user
        return AuditEntry.objects.filter(owner=user)
