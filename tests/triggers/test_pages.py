"""The workflow page's schedules and webhook forms, and history filtered by trigger."""

from __future__ import annotations

import json
import re

import pytest

from apps.executions.models import Execution
from apps.executions.services import execution_start
from apps.triggers.models import Hook, Schedule
from apps.workflows import services as workflow_services
from tests.api.conftest import token_client
from tests.conftest import load_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    workflow = workflow_services.workflow_create(owner=user, slug="hello",
                                                 definition=load_example("hello-transform"))
    return client, workflow


def test_a_schedule_is_added_shown_paused_and_deleted(page):
    client, workflow = page
    base = f"/workflows/{workflow.pk}/"
    added = client.post(f"{base}schedules/", {"kind": "cron", "cron": "30 2 * * *",
                                              "timezone": "Europe/Berlin",
                                              "inputs": json.dumps({"who": "Ada"}),
                                              "catch_up": "latest"}, follow=True)
    schedule = Schedule.objects.get(workflow=workflow)
    text = added.content.decode()
    assert "Schedule added." in text and "At 02:30" in text and "Europe/Berlin" in text
    assert text.count("<time data-local") >= 5
    client.post(f"{base}schedules/{schedule.pk}/", {"action": "pause"})
    assert "❚❚ paused" in client.get(base).content.decode()
    client.post(f"{base}schedules/{schedule.pk}/", {"action": "delete"})
    assert not Schedule.objects.exists()


def test_the_webhook_secret_is_shown_once_with_a_curl_line(page):
    client, workflow = page
    created = client.post(f"/workflows/{workflow.pk}/webhook/", {"action": "rotate"})
    hook = Hook.objects.get(workflow=workflow)
    text = created.content.decode()
    assert f"/hooks/{hook.pk}/" in text and "Secret, shown once" in text
    assert "{#" not in text and "{%" not in text  # the partial's own comment stays unseen
    assert "curl -X POST" in text and "Authorization: Bearer whsec_" in text
    later = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert "whsec_" not in later and "Bearer &lt;secret&gt;" in later
    client.post(f"/workflows/{workflow.pk}/webhook/", {"action": "disable"})
    assert "No webhook (disabled)" in client.get(f"/workflows/{workflow.pk}/").content.decode()


def test_the_webhook_priority_is_set_on_the_page_and_needs_a_webhook(page):
    client, workflow = page
    refused = client.post(f"/workflows/{workflow.pk}/webhook/",
                          {"action": "priority", "priority": "high"}, follow=True)
    assert refused.status_code == 200 and "no webhook yet" in refused.content.decode()
    client.post(f"/workflows/{workflow.pk}/webhook/", {"action": "rotate"})
    client.post(f"/workflows/{workflow.pk}/webhook/", {"action": "priority", "priority": "high"})
    assert Hook.objects.get(workflow=workflow).get_priority_display() == "high"


def test_history_filters_by_trigger(page, user):
    client, workflow = page
    manual = execution_start(workflow=workflow, owner=user, inputs={}, trigger="manual")
    hooked = execution_start(workflow=workflow, owner=user, inputs={}, trigger="webhook")
    listed = client.get("/executions/?trigger=webhook").content.decode()
    assert str(hooked.pk)[:8] in listed and str(manual.pk)[:8] not in listed
    assert Execution.objects.count() == 2


def test_starts_from_the_web_app_are_manual_and_with_a_token_api(page, user):
    client, workflow = page
    by_hand = client.post(f"/api/v1/workflows/{workflow.pk}/executions/", {"inputs": {}},
                          content_type="application/json")
    by_token = token_client(user).post(f"/api/v1/workflows/{workflow.pk}/executions/",
                                       {"inputs": {}}, format="json")
    assert by_hand.status_code == by_token.status_code == 201
    assert Execution.objects.get(pk=by_hand.json()["execution_id"]).trigger == "manual"
    assert Execution.objects.get(pk=by_token.json()["execution_id"]).trigger == "api"


def test_a_bad_cron_is_shown_at_its_field_with_what_was_typed(page):
    client, workflow = page
    # given a cron with a minute that does not exist
    sent = client.post(f"/workflows/{workflow.pk}/schedules/",
                       {"kind": "cron", "cron": "61 * * * *", "timezone": "Europe/Berlin",
                        "inputs": json.dumps({"who": "Ada"}), "catch_up": "latest",
                        "priority": "high"})
    # then the page comes back at the form, with the error beside the cron field and what
    # was typed, once
    assert sent["Location"] == f"/workflows/{workflow.pk}/#schedule-form"
    assert not Schedule.objects.exists()
    text = client.get(sent["Location"]).content.decode()
    cron = re.search(r'<input[^>]*id="sched-cron"[^>]*>', text).group(0)
    assert 'value="61 * * * *"' in cron and 'aria-invalid="true"' in cron
    assert "autofocus" in cron and "sched-cron-error" in cron
    error = re.search(r'id="sched-cron-error"[^>]*>(.*?)<', text, re.S).group(1)
    assert "not valid" in error
    assert re.search(r'id="sched-zone"[^>]*value="Europe/Berlin"', text)
    assert 'value="{&quot;who&quot;: &quot;Ada&quot;}"' in text
    assert re.search(r'<option value="latest" selected', text)
    assert re.search(r'<option value="high" selected', text)
    assert '<ul class="messages"' not in text  # nothing at the top of the page
    again = client.get(f"/workflows/{workflow.pk}/").content.decode()
    assert "61 * * * *" not in again and "sched-cron-error" not in again


def test_a_bad_schedule_says_why_at_the_inputs_field(page):
    client, workflow = page
    sent = client.post(f"/workflows/{workflow.pk}/schedules/",
                       {"kind": "interval", "interval_seconds": "60",
                        "inputs": json.dumps({"times": "many"})}, follow=True)
    text = sent.content.decode()
    error = re.search(r'id="sched-inputs-error"[^>]*>(.*?)<', text, re.S).group(1)
    assert error.startswith("times:")
    assert re.search(r'id="sched-every"[^>]*value="60"', text)
    assert "not valid for this workflow" in text
    assert not Schedule.objects.exists()


def test_the_curl_line_sends_the_required_inputs_with_example_values(page, user):
    client, _ = page
    workflow = workflow_services.workflow_create(owner=user, slug="cond",
                                                 definition=load_example("conditional-branches"))
    text = client.post(f"/workflows/{workflow.pk}/webhook/", {"action": "rotate"}
                       ).content.decode()
    body = re.search(r"-d '(\{.*?\})'", text.replace("&quot;", '"').replace("&#x27;", "'"))
    assert body and json.loads(body.group(1)) == {"score": 0, "level": "strict"}
