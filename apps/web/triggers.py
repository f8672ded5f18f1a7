"""The workflow page's schedules and webhook: list, add, pause, resume, delete a schedule;
create, rotate or disable the webhook. Forms in, one service each, back to the page."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.common.exceptions import ApplicationError
from apps.executions.models import Priority
from apps.triggers import firetimes
from apps.triggers.models import Hook, Schedule
from apps.triggers.services import hooks, schedules
from apps.workflows.models import Workflow

ZONES = sorted(available_timezones())


def triggers_context(request: HttpRequest, workflow: Workflow,
                     new_secret: str = "") -> dict[str, Any]:
    """What the workflow page shows of its schedules and webhook."""
    rows = []
    for schedule in Schedule.objects.filter(workflow=workflow).order_by("id"):
        rows.append({"schedule": schedule,
                     "description": firetimes.describe(schedule.cron or None,
                                                       schedule.interval_seconds),
                     "next_runs": schedules.next_runs(schedule),
                     "last": schedule.fires.order_by("-fire_time").first()})
    hook = Hook.objects.filter(workflow=workflow).first()
    url = request.build_absolute_uri(hooks.delivery_path(hook)) if hook else ""
    return {"schedule_rows": rows, "hook": hook, "hook_url": url, "zones": ZONES,
            "new_secret": new_secret, "priorities": Priority.choices,
            "hook_max_bytes": settings.HOOK_MAX_BODY_BYTES,
            "curl": hooks.curl_line(url, new_secret or "<secret>") if hook else ""}


def _back(workflow: Workflow) -> HttpResponse:
    return redirect(reverse("web:workflow", kwargs={"pk": workflow.pk}) + "#schedules")


def _error(request: HttpRequest, error: ApplicationError) -> None:
    detail = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
    messages.error(request, f"{error.message} {detail}".strip())


@login_required
@require_POST
def schedule_add(request: HttpRequest, pk: int) -> HttpResponse:
    workflow = get_object_or_404(Workflow, owner=request.user, pk=pk)
    form = request.POST
    every = form.get("interval_seconds", "").strip()
    try:
        inputs = json.loads(form.get("inputs") or "{}")
    except ValueError as exc:
        messages.error(request, f"The inputs are not JSON: {exc}")
        return _back(workflow)
    try:
        schedules.schedule_create(
            workflow=workflow, name=form.get("name", "").strip(),
            cron=form.get("cron", "").strip() if form.get("kind") == "cron" else "",
            interval_seconds=int(every) if form.get("kind") == "interval" and every.isdigit()
            else None,
            timezone_name=form.get("timezone", "").strip() or "UTC", inputs=inputs,
            catch_up=form.get("catch_up", "skip"),
            priority=Priority.named(form.get("priority")))
    except ApplicationError as error:
        _error(request, error)
    else:
        messages.success(request, "Schedule added.")
    return _back(workflow)


@login_required
@require_POST
def schedule_action(request: HttpRequest, pk: int, schedule_id: int) -> HttpResponse:
    schedule = get_object_or_404(Schedule, owner=request.user, workflow_id=pk, pk=schedule_id)
    action = request.POST.get("action")
    if action == "pause":
        schedules.schedule_pause(schedule=schedule)
    elif action == "resume":
        schedules.schedule_resume(schedule=schedule)
    elif action == "delete":
        schedules.schedule_delete(schedule=schedule)
    return _back(schedule.workflow)


@login_required
@require_POST
def webhook_action(request: HttpRequest, pk: int) -> HttpResponse:
    workflow = get_object_or_404(Workflow, owner=request.user, pk=pk)
    if request.POST.get("action") == "disable":
        hooks.hook_disable(workflow=workflow)
        messages.success(request, "Webhook disabled: its URL now answers 404.")
        return _back(workflow)
    if request.POST.get("action") == "priority":
        priority = Priority.named(request.POST.get("priority"))
        try:
            hooks.hook_set_priority(workflow=workflow, priority=priority)
        except ApplicationError as error:  # no webhook yet
            _error(request, error)
        else:
            messages.success(request, f"Runs the webhook starts now have {priority.label} "
                                      "priority.")
        return _back(workflow)
    _, secret = hooks.hook_rotate(workflow=workflow)
    # Rendered here, not redirected: the secret is shown this once and stored nowhere.
    messages.success(request, "Webhook ready. Copy the secret now: it is not shown again.")
    return render(request, "web/workflow_editor.html", {
        "flower_url": settings.FLOWER_URL, "workflow": workflow,
        "page": {"workflow_id": workflow.pk},
        **triggers_context(request, workflow, new_secret=secret)})
