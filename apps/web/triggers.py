"""The workflow page's schedules and webhook: list, add, pause, resume, delete a schedule;
create, rotate or disable the webhook. Forms in, one service each, back to the page.

A schedule the service refuses comes back to its form, not to the top of the page: the form's
values and the errors by field wait in the session for the next render of the workflow page
(redirected to the form's anchor), whichever view renders that page, as long as it takes its
context from triggers_context (templates/web/partials/_triggers.html shows them)."""

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
SCHEDULE_FIELDS = {"kind": "cron", "name": "", "cron": "", "interval_seconds": "",
                   "timezone": "UTC", "inputs": "{}", "catch_up": "skip", "priority": "normal"}
# The form field each of the service's error fields belongs to.
FORM_FIELD = {"cron": "cron", "interval_seconds": "interval_seconds", "timezone": "timezone",
              "catch_up": "catch_up", "inputs": "inputs"}


def _form_key(workflow: Workflow) -> str:
    return f"schedule-form:{workflow.pk}"


def triggers_context(request: HttpRequest, workflow: Workflow,
                     new_secret: str = "") -> dict[str, Any]:
    """What the workflow page shows of its schedules and webhook, and a refused schedule's
    form as it was sent, with its errors (once)."""
    rows = []
    for schedule in Schedule.objects.filter(workflow=workflow).order_by("id"):
        rows.append({"schedule": schedule,
                     "description": firetimes.describe(schedule.cron or None,
                                                       schedule.interval_seconds),
                     "next_runs": schedules.next_runs(schedule),
                     "last": schedule.fires.order_by("-fire_time").first()})
    hook = Hook.objects.filter(workflow=workflow).first()
    url = request.build_absolute_uri(hooks.delivery_path(hook)) if hook else ""
    refused = request.session.pop(_form_key(workflow), None)
    errors = (refused or {}).get("errors", {})
    form = {"values": {**SCHEDULE_FIELDS, **(refused or {}).get("values", {})},
            "errors": errors, "problem": (refused or {}).get("problem", ""),
            "focus": next((name for name in SCHEDULE_FIELDS if name in errors), "")}
    return {"schedule_rows": rows, "hook": hook, "hook_url": url, "zones": ZONES,
            "new_secret": new_secret, "priorities": Priority.choices,
            "hook_max_bytes": settings.HOOK_MAX_BODY_BYTES, "schedule_form": form,
            "curl": hooks.curl_line(url, new_secret or "<secret>", hooks.example_body(workflow))
            if hook else ""}


def _back(workflow: Workflow, anchor: str = "schedules") -> HttpResponse:
    return redirect(reverse("web:workflow", kwargs={"pk": workflow.pk}) + f"#{anchor}")


def _error(request: HttpRequest, error: ApplicationError) -> None:
    detail = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
    messages.error(request, f"{error.message} {detail}".strip())


def _refused(request: HttpRequest, workflow: Workflow, values: dict[str, str],
             errors: dict[str, str], problem: str) -> HttpResponse:
    """Back to the schedule form, with what was typed and each error at its field."""
    request.session[_form_key(workflow)] = {"values": values, "errors": errors,
                                            "problem": problem}
    return _back(workflow, "schedule-form")


def _field_errors(error: ApplicationError) -> tuple[dict[str, str], str]:
    """The service's errors by form field (inputs.x at the inputs field, named); what has
    no field is said above the form, after the error's message and suggestion."""
    errors: dict[str, str] = {}
    elsewhere = [error.message, error.suggestion or ""]
    for name, message in error.fields.items():
        field = FORM_FIELD.get(name.split(".")[0])
        if field is None:
            elsewhere.append(f"{name}: {message}")
            continue
        text = f"{name.removeprefix('inputs.')}: {message}" if "." in name else str(message)
        errors[field] = f"{errors[field]} {text}" if field in errors else text
    return errors, " ".join(part for part in elsewhere if part)


@login_required
@require_POST
def schedule_add(request: HttpRequest, pk: int) -> HttpResponse:
    workflow = get_object_or_404(Workflow, owner=request.user, pk=pk)
    form = request.POST
    values = {name: form.get(name, default).strip() if name != "inputs"
              else form.get(name, default) for name, default in SCHEDULE_FIELDS.items()}
    kind, every = values["kind"], values["interval_seconds"]
    try:
        inputs = json.loads(values["inputs"] or "{}")
    except ValueError as exc:
        return _refused(request, workflow, values, {"inputs": f"Not JSON: {exc}"},
                        "The schedule cannot be saved.")
    if kind == "interval" and not every.isdigit():
        return _refused(request, workflow, values,
                        {"interval_seconds": "A whole number of seconds, at least 1."},
                        "The schedule cannot be saved.")
    try:
        schedules.schedule_create(
            workflow=workflow, name=values["name"],
            cron=values["cron"] if kind == "cron" else "",
            interval_seconds=int(every) if kind == "interval" else None,
            timezone_name=values["timezone"] or "UTC", inputs=inputs,
            catch_up=values["catch_up"], priority=Priority.named(values["priority"]))
    except ApplicationError as error:
        errors, problem = _field_errors(error)
        return _refused(request, workflow, values, errors, problem)
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
    # Rendered here, not redirected: the secret is shown this once and stored nowhere (not
    # even in the session, as a refused schedule form is).
    messages.success(request, "Webhook ready. Copy the secret now: it is not shown again.")
    return render(request, "web/workflow_editor.html", {
        "flower_url": settings.FLOWER_URL, "workflow": workflow,
        "page": {"workflow_id": workflow.pk},
        **triggers_context(request, workflow, new_secret=secret)})
