"""The workflow list page: the owner's workflows, each with its last run and a Run button
(the run dialog of templates/web/partials/_run_dialog.html). A screen of the web app, so it
may read both workflows and their runs."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from apps.executions.selectors import workflows_with_last_run
from apps.workflows import selectors

# A status is never shown by its colour alone (the monitor's and the CLI's signs).
STATUS_ICONS = {"queued": "…", "running": "▶", "paused": "❚❚", "succeeded": "✔",
                "failed": "✖", "cancelled": "■"}


@login_required
def workflow_list_page(request: HttpRequest) -> HttpResponse:
    """The owner's workflows by name (any case), searched by name, slug or description."""
    search = request.GET.get("q", "").strip()
    workflows = workflows_with_last_run(selectors.workflow_list(owner=request.user,
                                                                search=search))
    rows = [(wf, selectors.compilation_latest(workflow=wf),
             {"id": wf.last_run_id, "status": wf.last_run_status, "at": wf.last_run_at,
              "icon": STATUS_ICONS.get(wf.last_run_status, "")} if wf.last_run_id else None)
            for wf in workflows]
    return render(request, "workflows/workflow_list.html",
                  {"rows": rows, "search": search, "flower_url": settings.FLOWER_URL})


# Included by config/urls.py under the "workflows" namespace its templates name.
app_name = "workflows"
urlpatterns = [path("", workflow_list_page, name="workflow-list")]
