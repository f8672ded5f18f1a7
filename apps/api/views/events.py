"""GET /api/v1/executions/{id}/events/: an execution's events as Server-Sent Events for API
clients (session or token), replaying from `Last-Event-ID` or `?after=`. A plain async view
(DRF's views are sync): it checks who asks and answers errors in the API's one shape, then
hands the stream to apps/realtime/sse.py."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.api.errors import error_body
from apps.executions.streams import EXECUTION_EVENTS
from apps.realtime.auth import user_for_token
from apps.realtime.groups import group_for_execution
from apps.realtime.sse import event_stream, position
from apps.realtime.stream import EventCursor, owned


async def execution_events(request: HttpRequest, pk: Any) -> HttpResponse:
    if request.method != "GET":
        return JsonResponse(error_body("method_not_allowed", "Use GET."), status=405)
    user = await request.auser()
    if not user.is_authenticated and request.headers.get("Authorization"):
        user = await database_sync_to_async(user_for_token)(request.headers["Authorization"])
    if not user.is_authenticated:
        response = JsonResponse(error_body("not_authenticated",
                                           "Authentication credentials were not provided."),
                                status=401)
        response["WWW-Authenticate"] = "Token"
        return response
    after = position(request)
    if after is None:
        return JsonResponse(error_body("invalid", "Last-Event-ID / after must be a sequence "
                                                  "number.", fields={"after": "A whole number "
                                                                              ">= 0."}),
                            status=400)
    if not await owned(EXECUTION_EVENTS, pk, user):
        return JsonResponse(error_body("not_found", "Not found: it does not exist or it is "
                                                    "not yours."), status=404)
    return event_stream(EventCursor(EXECUTION_EVENTS, pk, after), group_for_execution(pk))
