"""GET /metrics: the Prometheus text of every web and worker process (apps/executions/
metrics.py), for operators only: the configured METRICS_TOKEN as a bearer token, or a staff
user (token or session). Anybody else gets a 401 and learns nothing."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from knox.auth import TokenAuthentication
from prometheus_client import CONTENT_TYPE_LATEST
from rest_framework.exceptions import AuthenticationFailed

from apps.api.errors import error_body
from apps.executions import metrics

HOW = ("Send `Authorization: Bearer <METRICS_TOKEN>` (set on the server), or the API token "
       "of a staff user: `Authorization: Token <token>`.")


def _operator(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and settings.METRICS_TOKEN:
        return hmac.compare_digest(header.removeprefix("Bearer ").strip().encode(),
                                   settings.METRICS_TOKEN.encode())
    if header.startswith("Token "):
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed:
            return False
        return bool(found and found[0].is_active and found[0].is_staff)
    return bool(request.user.is_authenticated and request.user.is_staff)


@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _operator(request):
        return JsonResponse(error_body("unauthenticated", "Metrics are for operators.",
                                       suggestion=HOW), status=401,
                            headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
    return HttpResponse(metrics.scrape(), content_type=CONTENT_TYPE_LATEST)
