"""What waits on the user: the approvals page (approve with the form's data, or reject with a
reason) and the count in the navigation."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.common.exceptions import ApplicationError
from apps.executions.models import Execution
from apps.executions.services import approvals


def pending_count(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the navigation badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"pending_approvals": approvals.approvals_pending(owner=user).count()}


@login_required
@require_http_methods(["GET", "POST"])
def approvals_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        _decide(request)
        return redirect("web:approvals")
    rows = []
    for step in approvals.approvals_pending(owner=request.user)[:200]:
        message, fields = approvals.approval_request(step)
        rows.append({"step": step, "message": message, "fields": fields,
                     "example": json.dumps(dict.fromkeys(fields.get("properties") or {}, ""))})
    return render(request, "web/approvals.html", {"flower_url": settings.FLOWER_URL,
                                                  "rows": rows})


def _decide(request: HttpRequest) -> None:
    try:
        execution_id = uuid.UUID(request.POST.get("execution", ""))
    except ValueError:
        raise Http404("No such execution.") from None
    execution = get_object_or_404(Execution, owner=request.user, pk=execution_id)
    step_id = request.POST.get("step", "")
    try:
        if request.POST.get("decision") == "approve":
            data = json.loads(request.POST.get("data") or "{}")
            approvals.step_approve(execution=execution, step_id=step_id, user=request.user,
                                   data=data)
            messages.success(request, f"Approved {step_id}: the run goes on.")
        else:
            approvals.step_reject(execution=execution, step_id=step_id, user=request.user,
                                  reason=request.POST.get("reason", "").strip())
            messages.success(request, f"Rejected {step_id}.")
    except ValueError as exc:
        messages.error(request, f"The data is not JSON: {exc}")
    except ApplicationError as error:
        detail = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
        messages.error(request, f"{error.message} {detail}".strip())
