"""Admin: every page renders for staff; a stored secret never appears in any of them."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from apps.executions.models import Execution, ExecutionEvent, LogLine, StepAttempt, StepRun
from apps.runtime import services as runtime_services
from apps.workflows.models import InputPreset
from tests.factories import make_workflow

pytestmark = pytest.mark.django_db
CANARY = "cnry-admin-7f3a9c"


@pytest.fixture
def populated(staff_client):  # type: ignore[no-untyped-def]
    owner = staff_client.staff_user
    runtime_services.env_var_upsert(owner=owner, name="SECRET_TOKEN", value=CANARY,
                                    is_secret=True)
    runtime_services.env_var_upsert(owner=owner, name="PLAIN", value="visible-value")
    runtime_services.connection_upsert(owner=owner, name="pager", kind="bearer",
                                       config={"note": "n"}, secret={"token": CANARY})
    runtime_services.runtime_setting_set(owner=owner, key="debug_mode", value=True)
    workflow = make_workflow(owner=owner)
    InputPreset.objects.create(workflow=workflow, owner=owner, name="p", inputs={"a": 1})
    execution = Execution.objects.create(owner=owner, workflow=workflow,
                                         compilation=workflow.latest_compilation,
                                         inputs={"api_key": "••••••"})
    step = StepRun.objects.create(execution=execution, step_id="t", step_type="transform")
    StepAttempt.objects.create(step_run=step, number=1, status="succeeded")
    ExecutionEvent.objects.create(execution=execution, seq=1, type="execution_queued",
                                  timestamp=timezone.now())
    LogLine.objects.create(execution=execution, seq=1, message="hello", timestamp=timezone.now())
    return staff_client


def _admin_urls():
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        yield model, model_admin, f"admin:{meta.app_label}_{meta.model_name}"


def test_every_admin_page_renders_and_hides_secrets(populated):
    client = populated
    checked = 0
    for model, model_admin, base in _admin_urls():
        pages = [reverse(f"{base}_changelist")]
        if model_admin.has_add_permission(_request(client)):
            pages.append(reverse(f"{base}_add"))
        obj = model.objects.first()
        if obj is not None:
            pages.append(reverse(f"{base}_change", args=[obj.pk]))
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert CANARY.encode() not in response.content, url
            checked += 1
    assert checked >= 25


def test_admin_changelist_filters_and_search(populated):
    response = populated.get(reverse("admin:executions_execution_changelist"),
                             {"status__exact": "queued", "q": "Workflow"})
    assert response.status_code == 200
    assert b"1 result" in response.content or b"queued" in response.content


def test_saving_a_workflow_in_admin_compiles_it(staff_client):
    # given
    url = reverse("admin:workflows_workflow_add")
    definition = '{"nodes": [{"id": "a", "type": "transform", "data": {"config": {"value": 1}}}]}'
    # when
    response = staff_client.post(url, {
        "owner": staff_client.staff_user.pk, "slug": "from-admin", "name": "From admin",
        "description": "", "definition": definition,
        "compilations-TOTAL_FORMS": "0", "compilations-INITIAL_FORMS": "0",
    })
    # then
    assert response.status_code == 302, response.content[:2000]
    from apps.workflows.models import Workflow

    workflow = Workflow.objects.get(slug="from-admin")
    assert workflow.latest_compilation.status == "success"


def _request(client):  # type: ignore[no-untyped-def]
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = client.staff_user
    return request
