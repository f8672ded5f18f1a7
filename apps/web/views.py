"""The ten screens (README.md, "The web app"). Pages are server-rendered shells: what
changes live is fetched from the REST API and the WebSocket by the page's script
(static/js/), so the browser and integrations see exactly the same data. History and
settings are plain forms."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from apps.common.exceptions import ApplicationError
from apps.common.jsontext import loads_storable
from apps.executions.models import Execution
from apps.executions.selectors import execution_search
from apps.executions.services import execution_rerun
from apps.runtime import services as runtime_services
from apps.runtime.models import Connection, EnvVar
from apps.runtime.params import PARAMS
from apps.runtime.selectors import runtime_config_get
from apps.web.alerts import alerts_context
from apps.web.triggers import triggers_context
from apps.workflows import services as workflow_services
from apps.workflows.models import Workflow

HISTORY_PAGE = 25
HISTORY_COUNT_CAP = 1_000


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, {"flower_url": settings.FLOWER_URL, **context})


NEW_WORKFLOW = {"name": "My workflow", "nodes": [
    {"id": "hello", "type": "transform", "position": {"x": 0, "y": 0},
     "data": {"label": "Hello", "config": {"value": "Hello, {{ inputs.who }}!"}}}],
    "edges": [], "input_schema": {"type": "object", "properties": {
        "who": {"type": "string", "default": "world"}}},
    "output": "{{ steps.hello.output }}"}


@login_required
@require_http_methods(["GET", "POST"])
def workflow_new(request: HttpRequest) -> HttpResponse:
    """Paste a builder's JSON; it is saved (and compiled) even with errors, to be fixed."""
    text = request.POST.get("definition") or json.dumps(NEW_WORKFLOW, indent=2)
    error = ""
    if request.method == "POST":
        try:
            workflow_services.check_definition_size(len(text.encode()))
            definition = loads_storable(text)
        except ApplicationError as exc:
            error = exc.message
        except ValueError as exc:
            error = f"Not valid JSON: {exc}"
        else:
            try:
                workflow = workflow_services.workflow_create(
                    owner=request.user, definition=definition,
                    name=request.POST.get("name") or None)
            except ApplicationError as exc:
                error = exc.message + " " + "; ".join(f"{k}: {v}" for k, v in
                                                     exc.fields.items())
            else:
                return redirect("web:workflow", pk=workflow.pk)
    return _page(request, "web/workflow_new.html", text=text, error=error)


@login_required
def workflow_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """Screens 1 and 2: edit, save, watch the compilation; run with a generated form; its
    schedules and webhook (apps/web/triggers.py)."""
    workflow = get_object_or_404(Workflow, owner=request.user, pk=pk)
    return _page(request, "web/workflow_editor.html", workflow=workflow,
                 page={"workflow_id": workflow.pk}, **triggers_context(request, workflow))


@login_required
def execution_monitor(request: HttpRequest, pk: Any) -> HttpResponse:
    """Screens 3 and 5: the live graph, timeline, controls, output; the full record."""
    execution = get_object_or_404(Execution.objects.select_related("workflow"),
                                  owner=request.user, pk=pk)
    return _page(request, "web/execution_monitor.html", execution=execution,
                 page={"execution_id": str(execution.pk),
                       "definition": execution.compilation.definition})


@login_required
def step_debug(request: HttpRequest, pk: Any, step_id: str) -> HttpResponse:
    """Screens 6 and 8: one step's record, its error in plain words, retry or skip."""
    execution = get_object_or_404(Execution.objects.select_related("compilation"),
                                  owner=request.user, pk=pk)
    step = get_object_or_404(execution.steps, step_id=step_id)
    node = next((n for n in execution.compilation.definition.get("nodes", [])
                 if isinstance(n, dict) and n.get("id") == step.step_id), {})
    code = ((node.get("data") or {}).get("config") or {}).get("code")
    return _page(request, "web/step_debug.html", execution=execution, step=step,
                 page={"execution_id": str(execution.pk), "step_id": step.step_id,
                       "workflow_id": execution.workflow_id,
                       "revision": execution.compilation.revision,
                       "code": code if node.get("type") == "python" else None})


@login_required
def execution_logs(request: HttpRequest, pk: Any) -> HttpResponse:
    """Screen 7: the live console."""
    execution = get_object_or_404(Execution, owner=request.user, pk=pk)
    return _page(request, "web/execution_logs.html", execution=execution,
                 page={"execution_id": str(execution.pk)})


@login_required
def execution_performance(request: HttpRequest, pk: Any) -> HttpResponse:
    """Screen 9: where the time went, and how this workflow does across runs."""
    execution = get_object_or_404(Execution, owner=request.user, pk=pk)
    return _page(request, "web/execution_performance.html", execution=execution,
                 page={"execution_id": str(execution.pk),
                       "workflow_id": execution.workflow_id})


@login_required
def history(request: HttpRequest) -> HttpResponse:
    """Screen 4: newest first; filter, search, sort; keyset pages (fast at any depth)."""
    query = Execution.objects.filter(owner=request.user, parent__isnull=True).select_related(
        "workflow")
    status = request.GET.get("status", "")
    if status in Execution.Status.values:
        query = query.filter(status=status)
    workflow_id = request.GET.get("workflow", "")
    if workflow_id.isdigit():
        query = query.filter(workflow_id=int(workflow_id))
    trigger = request.GET.get("trigger", "")
    if trigger in Execution.Trigger.values:
        query = query.filter(trigger=trigger)
    search = request.GET.get("q", "").strip()
    query = execution_search(query, search)
    # How many match the filter, counted up to a cap: a count stops at HISTORY_COUNT_CAP + 1
    # rows, so a history of millions costs no more than a page does (bench/api_bench.py).
    matching = query.order_by()[:HISTORY_COUNT_CAP + 1].count()
    oldest_first = request.GET.get("sort") == "oldest"
    before = _parse_time(request.GET.get("before"))
    after = _parse_time(request.GET.get("after"))
    if before:
        query = query.filter(created_at__lt=before)
    if after:
        query = query.filter(created_at__gt=after)
    rows = list(query.order_by("created_at" if oldest_first else "-created_at")[
        :HISTORY_PAGE + 1])
    more = len(rows) > HISTORY_PAGE
    rows = rows[:HISTORY_PAGE]
    params = request.GET.copy()
    for key in ("before", "after"):
        params.pop(key, None)
    next_key = "after" if oldest_first else "before"
    next_query = None
    if more and rows:
        params[next_key] = rows[-1].created_at.isoformat()
        next_query = params.urlencode()
    return _page(request, "web/history.html", rows=rows, next_query=next_query,
                 statuses=Execution.Status.values, status=status, search=search,
                 triggers=Execution.Trigger.values, trigger=trigger,
                 workflows=Workflow.objects.filter(owner=request.user).order_by("name"),
                 workflow_id=workflow_id, sort="oldest" if oldest_first else "newest",
                 first_page=not (before or after), matching=matching,
                 more_than=matching > HISTORY_COUNT_CAP, count_cap=f"{HISTORY_COUNT_CAP:,}")


def _parse_time(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


@login_required
@require_POST
def rerun(request: HttpRequest, pk: Any) -> HttpResponse:
    """History's one-click re-run with the same inputs."""
    execution = get_object_or_404(Execution, owner=request.user, pk=pk)
    try:
        new = execution_rerun(execution=execution)
    except ApplicationError as error:
        messages.error(request, f"Re-run refused: {error.message}")
        return redirect("web:history")
    return redirect("web:execution", pk=new.pk)


@login_required
@require_http_methods(["GET", "POST"])
def runtime_settings(request: HttpRequest) -> HttpResponse:
    """Screen 10: limits, concurrency, debug mode, log level, retention, env vars,
    connections. Secrets are write-only: a blank field keeps the stored one."""
    if request.method == "POST":
        try:
            _apply_settings(request)
        except ApplicationError as error:
            detail = "; ".join(f"{PARAMS[k].label if k in PARAMS else k}: {v}"
                               for k, v in error.fields.items())
            messages.error(request, f"{error.message} {detail}".strip())
        else:
            messages.success(request, "Saved.")
        return redirect("web:settings")
    config = runtime_config_get(owner=request.user)
    params = [{"key": key, "value": config[key], "param": param,
               "kind": _kind(param.default)} for key, param in PARAMS.items()]
    return _page(request, "web/settings.html", params=params,
                 env_vars=EnvVar.objects.filter(owner=request.user).order_by("name"),
                 connections=Connection.objects.filter(owner=request.user).order_by("name"),
                 kinds=Connection.Kind.values, **alerts_context(request.user))


def _kind(default: Any) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, list):
        return "list"
    return "text"


def _apply_settings(request: HttpRequest) -> None:
    form = request.POST.get("form")
    owner = request.user
    if form == "settings":
        changes: dict[str, Any] = {}
        for key, param in PARAMS.items():
            kind, raw = _kind(param.default), request.POST.get(key, "")
            if kind == "bool":
                changes[key] = raw == "on"
            elif kind == "int":
                changes[key] = int(raw) if raw.strip().lstrip("-").isdigit() else raw
            elif kind == "list":
                changes[key] = [h.strip() for h in raw.split(",") if h.strip()]
            else:
                changes[key] = raw.strip()
        runtime_services.runtime_settings_update(owner=owner, changes=changes)
    elif form == "env":
        if request.POST.get("delete"):
            runtime_services.env_var_delete(env_var=get_object_or_404(
                EnvVar, owner=owner, pk=_int(request.POST["delete"])))
            return
        value = request.POST.get("value", "")
        saved = runtime_services.env_var_upsert(owner=owner, name=request.POST.get("name", ""),
                                                value=value if value != "" else None,
                                                is_secret=request.POST.get("is_secret") == "on")
        if saved.short_secret:
            messages.warning(request, f"{saved.name} is shorter than 8 characters: it is "
                             "masked only where it is printed whole. Use a longer secret.")
    elif form == "connection":
        if request.POST.get("delete"):
            runtime_services.connection_delete(connection=get_object_or_404(
                Connection, owner=owner, pk=_int(request.POST["delete"])))
            return
        kind = request.POST.get("kind", "bearer")
        raw = request.POST.get("secret", "")
        secret: Any = None  # blank: keep the stored secret
        if raw and kind == "basic_auth":
            secret = {"username": request.POST.get("username", ""), "password": raw}
        elif raw and kind == "http_header":
            secret = {"headers": {request.POST.get("header") or "Authorization": raw}}
        elif raw:
            secret = raw
        runtime_services.connection_upsert(owner=owner, name=request.POST.get("name", ""),
                                           kind=kind, config={}, secret=secret)


def _int(text: str) -> int:
    """A posted row id; anything else is no row (404), not a server error."""
    return int(text) if text.isdigit() else -1
