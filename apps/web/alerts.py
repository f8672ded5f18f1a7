"""The Alerts panel of the settings page (screen 10): the owner's rules with what each last
sent, a form to add one, delete; the rules' checks and wording are apps/alerts/services.py's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.alerts import services
from apps.alerts.models import AlertNotification, AlertRule
from apps.common.exceptions import ApplicationError
from apps.workflows.models import Workflow

# The form's one number field, read as the param each kind needs.
PARAM_FOR_KIND = {"step_failures": ("count", "minutes"), "slow_execution": ("factor",),
                  "approval_waiting": ("minutes",), "execution_failed": ()}


def alerts_context(owner: Any) -> dict[str, Any]:
    return {"alert_rules": AlertRule.objects.filter(owner=owner).select_related("workflow"),
            "alert_notifications": AlertNotification.objects.filter(rule__owner=owner)
            .select_related("rule")[:20],
            "alert_kinds": AlertRule.Kind.choices, "alert_channels": AlertRule.Channel.choices,
            "alert_workflows": Workflow.objects.filter(owner=owner).order_by("name")}


@login_required
@require_POST
def alert_action(request: HttpRequest) -> HttpResponse:
    form = request.POST
    if form.get("delete"):
        rule = get_object_or_404(AlertRule, owner=request.user,
                                 pk=int(form["delete"]) if form["delete"].isdigit() else -1)
        services.alert_rule_delete(rule=rule)
        messages.success(request, f"Alert rule {rule.name!r} deleted.")
        return redirect(reverse("web:settings") + "#alerts")
    kind = form.get("kind", "")
    params = {name: form.get(name, "") for name in PARAM_FOR_KIND.get(kind, ())}
    if form.get("step_id"):
        params["step_id"] = form["step_id"].strip()
    try:
        services.alert_rule_save(
            owner_id=request.user.pk, name=form.get("name", "").strip(), kind=kind,
            workflow=form.get("workflow") or None, params=params,
            channel=form.get("channel", ""), target=form.get("target", ""),
            cooldown_minutes=int(form["cooldown_minutes"])
            if form.get("cooldown_minutes", "").isdigit() else 30)
    except ApplicationError as error:
        detail = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        messages.error(request, f"{error.message} {detail}".strip())
    else:
        messages.success(request, "Alert rule saved.")
    return redirect(reverse("web:settings") + "#alerts")
