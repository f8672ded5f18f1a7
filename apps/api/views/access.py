"""Access for integrations: API tokens (created and revoked by their user, stored hashed by
knox) and uploaded input files."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from knox.auth import TokenAuthentication
from knox.models import AuthToken
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api import serializers as s
from apps.api.authentication import ThrottledBasicAuthentication, TokenCreationThrottle
from apps.api.pagination import SmallPages
from apps.api.views.common import UUID_PATTERN, error_responses, valid
from apps.audit.services import audit_record
from apps.executions.models import InputFile
from apps.executions.services import files

MAX_TOKENS_PER_USER = 50


def _token_row(token: AuthToken) -> dict[str, Any]:
    return {"token_key": token.token_key, "created": token.created, "expiry": token.expiry}


class TokenViewSet(viewsets.ViewSet):
    """Your API tokens. Create one with your session or username and password (HTTP Basic);
    the token is shown once."""

    lookup_field = "token_key"
    lookup_value_regex = "[A-Za-z0-9]{1,64}"
    authentication_classes = [TokenAuthentication, SessionAuthentication,
                              ThrottledBasicAuthentication]
    throttle_classes = [TokenCreationThrottle]
    throttle_scope = "tokens"

    @extend_schema(summary="Your tokens (never the secret part)",
                   responses=s.TokenSerializer(many=True))
    def list(self, request: Request) -> Response:
        tokens = AuthToken.objects.filter(user=request.user).order_by("-created")
        return Response(s.TokenSerializer([_token_row(t) for t in tokens], many=True).data)

    @extend_schema(summary="Create a token", request=s.TokenCreateSerializer,
                   responses={201: s.TokenCreatedSerializer, **error_responses(400)})
    def create(self, request: Request) -> Response:
        valid(s.TokenCreateSerializer, request.data if request.data else {})
        if AuthToken.objects.filter(user=request.user).count() >= MAX_TOKENS_PER_USER:
            return Response({"error": {"code": "too_many_tokens",
                                       "message": f"At most {MAX_TOKENS_PER_USER} tokens.",
                                       "suggestion": "Revoke tokens you no longer use."}},
                            status=400)
        instance, token = AuthToken.objects.create(user=request.user, expiry=None)
        audit_record("token.create", owner_id=request.user.pk,
                     target=f"token:{instance.token_key}")
        body = {**_token_row(instance), "token": token}
        return Response(s.TokenCreatedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary="Revoke a token", responses={204: None, **error_responses(404)},
                   parameters=[OpenApiParameter("token_key", str, OpenApiParameter.PATH)])
    def destroy(self, request: Request, token_key: str | None = None) -> Response:
        token = get_object_or_404(AuthToken, user=request.user, token_key=token_key)
        audit_record("token.revoke", owner_id=request.user.pk, target=f"token:{token_key}")
        token.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(summary="Your uploaded input files"),
    retrieve=extend_schema(summary="One uploaded file",
                           responses={200: s.InputFileSerializer, **error_responses(404)}),
    destroy=extend_schema(summary="Delete an uploaded file",
                          responses={204: None, **error_responses(404)}),
)
class InputFileViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.DestroyModelMixin, viewsets.GenericViewSet):
    lookup_value_regex = UUID_PATTERN
    serializer_class = s.InputFileSerializer
    pagination_class = SmallPages
    filter_backends: list[Any] = []
    parser_classes = [MultiPartParser]

    queryset = InputFile.objects.none()  # the schema generator reads the model

    def get_queryset(self) -> QuerySet[InputFile]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return InputFile.objects.filter(owner=self.request.user)

    @extend_schema(summary="Upload a file for a `format: file` input; send its file_id",
                   request={"multipart/form-data": s.FileUploadSerializer},
                   responses={201: s.InputFileSerializer, **error_responses(400, 413)})
    def create(self, request: Request) -> Response:
        body = valid(s.FileUploadSerializer, request.data)
        stored = files.file_store(owner=request.user, upload=body["file"])
        return Response(s.InputFileSerializer(stored).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: InputFile) -> None:
        instance.file.delete(save=False)
        instance.delete()
