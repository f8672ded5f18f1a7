"""Server-rendered pages of the workflows app."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.workflows import selectors


@login_required
def workflow_list_page(request: HttpRequest) -> HttpResponse:
    workflows = selectors.workflow_list(owner=request.user).prefetch_related("compilations")
    rows = [(wf, selectors.compilation_latest(workflow=wf)) for wf in workflows]
    return render(request, "workflows/workflow_list.html",
                  {"rows": rows, "flower_url": settings.FLOWER_URL})
