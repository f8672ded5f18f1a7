"""The project's URLs plus a bare view answering 202: the webhook benchmark's baseline, served
by the same daphne process (DJANGO_SETTINGS_MODULE=bench.raw_settings)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as project


@csrf_exempt
def accepted(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"accepted": True}, status=202)


urlpatterns = [path("raw-202/", accepted), *project]
