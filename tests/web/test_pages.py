"""The web app's views without a browser: who may see what, forms, history paging."""

from __future__ import annotations

import json
import re

import pytest

from apps.executions.models import Execution
from apps.runtime.models import Connection, EnvVar
from apps.runtime.selectors import runtime_config_get
from apps.workflows.models import Workflow
from tests.factories import make_execution, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(user):  # type: ignore[no-untyped-def]
    execution = make_execution(owner=user, status="failed")
    return {"workflow": execution.workflow_id, "execution": execution.pk, "step": "t"}


PAGES = ["/workflows/{workflow}/", "/executions/{execution}/",
         "/executions/{execution}/logs/", "/executions/{execution}/performance/",
         "/executions/{execution}/steps/{step}/"]


@pytest.mark.parametrize("template", PAGES)
def test_pages_for_owner_stranger_and_anonymous(client, user, owned, template):
    url = template.format(**owned)
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user())
    assert client.get(url).status_code == 404
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert b'aria-live' in response.content and b"page-data" in response.content


@pytest.mark.parametrize("url", ["/", "/executions/", "/settings/", "/workflows/new/"])
def test_lists_and_forms_render(client, user, url):
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_history_filters_and_keyset_pages(client, user):
    client.force_login(user)
    executions = [make_execution(owner=user, status="succeeded") for _ in range(27)]
    make_execution(owner=make_user(), status="succeeded")  # somebody else's
    first = client.get("/executions/")
    assert len(first.context["rows"]) == 25 and first.context["next_query"]
    second = client.get(f"/executions/?{first.context['next_query']}")
    assert len(second.context["rows"]) == 2
    seen = {e.pk for e in first.context["rows"]} | {e.pk for e in second.context["rows"]}
    assert seen == {e.pk for e in executions}
    assert not client.get("/executions/?status=failed").context["rows"]
    found = client.get(f"/executions/?q={str(executions[3].pk)[:8]}").context["rows"]
    assert [e.pk for e in found] == [executions[3].pk]
    oldest = client.get("/executions/?sort=oldest").context["rows"]
    assert oldest[0].created_at <= oldest[-1].created_at


def test_rerun_from_history(client, user, monkeypatch):
    execution = make_execution(owner=user, status="succeeded")
    client.force_login(user)
    response = client.post(f"/executions/{execution.pk}/rerun/")
    rerun = Execution.objects.exclude(pk=execution.pk).get()
    assert response.status_code == 302 and response["Location"] == f"/executions/{rerun.pk}/"
    assert rerun.rerun_of_id == execution.pk


def test_settings_forms_save_and_keep_secrets(client, user):
    client.force_login(user)
    page = client.get("/settings/")
    form = {p["key"]: p["value"] for p in page.context["params"]}
    form.update({"form": "settings", "max_concurrent_executions": "4", "debug_mode": "on",
                 "http_allowed_hosts": "127.0.0.1, api.local", "allow_network_in_code": ""})
    form = {k: ("on" if v is True else "" if v is False else v) for k, v in form.items()
            if not isinstance(v, list)} | {"http_allowed_hosts": "127.0.0.1, api.local"}
    client.post("/settings/", form)
    config = runtime_config_get(owner=user)
    assert config["max_concurrent_executions"] == 4 and config["debug_mode"] is True
    assert config["http_allowed_hosts"] == ["127.0.0.1", "api.local"]
    client.post("/settings/", {"form": "env", "name": "TOKEN", "value": "s3cret-v",
                               "is_secret": "on"})
    client.post("/settings/", {"form": "env", "name": "TOKEN", "value": "",
                               "is_secret": "on"})  # blank keeps the stored secret
    assert EnvVar.objects.get(owner=user, name="TOKEN").get_value() == "s3cret-v"
    client.post("/settings/", {"form": "connection", "name": "crm", "kind": "basic_auth",
                               "username": "u", "secret": "p4ss"})
    assert Connection.objects.get(owner=user, name="crm").get_secret() == {
        "username": "u", "password": "p4ss"}
    content = client.get("/settings/").content
    assert b"s3cret-v" not in content and b"p4ss" not in content
    bad = client.post("/settings/", {**form, "max_concurrent_executions": "0"}, follow=True)
    assert b"max_concurrent_executions" in bad.content


def test_new_workflow_from_pasted_json(client, user):
    client.force_login(user)
    assert b"Not valid JSON" in client.post("/workflows/new/", {"definition": "{"}).content
    definition = {"name": "Pasted", "nodes": [], "edges": []}
    response = client.post("/workflows/new/", {"definition": json.dumps(definition)})
    workflow = Workflow.objects.get(owner=user, name="Pasted")
    assert response["Location"] == f"/workflows/{workflow.pk}/"


def test_forms_refuse_a_post_without_the_csrf_token(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/settings/", {"form": "env", "name": "X", "value": "y"})
    assert response.status_code == 403
    assert not EnvVar.objects.filter(owner=user).exists()


def test_history_says_how_many_executions_match_the_filter(client, user):
    client.force_login(user)
    for _ in range(27):
        make_execution(owner=user, status="succeeded")
    make_execution(owner=user, status="failed")
    make_execution(owner=make_user(), status="failed")  # somebody else's
    assert "28 executions" in client.get("/executions/").content.decode()
    assert "1 execution" in client.get("/executions/?status=failed").content.decode()
    assert "27 executions" in client.get("/executions/?status=succeeded&sort=oldest"
                                         ).content.decode()


def test_history_counts_up_to_a_cap(client, user, monkeypatch):
    from apps.web import views

    monkeypatch.setattr(views, "HISTORY_COUNT_CAP", 3)
    client.force_login(user)
    for _ in range(4):
        make_execution(owner=user, status="succeeded")
    assert "More than 3 executions" in client.get("/executions/").content.decode()


def test_settings_have_human_labels_and_help_with_the_real_default(client, user):
    from apps.runtime.params import PARAMS

    client.force_login(user)
    page = client.get("/settings/").content.decode()
    assert "Default: ." not in page
    for key, param in PARAMS.items():
        label = re.search(rf'<label[^>]*for="set-{key}"[^>]*>(.*?)</label>', page, re.S)
        text = re.sub(r"<[^>]+>", "", label.group(1)).strip() if label else ""
        if not text:  # a checkbox is labelled by the label around it
            wrapped = re.search(rf'<label>\s*<input[^>]*id="set-{key}"[^>]*>(.*?)</label>',
                                page, re.S)
            text = wrapped.group(1).strip() if wrapped else ""
        assert text and "_" not in text and text != key, (key, text)
        help_text = re.search(rf'id="help-{key}">(.*?)</small>', page, re.S).group(1)
        assert param.description in help_text and re.search(r"Default: \S", help_text), help_text
    assert "Default: none" in page  # log_forward_url, http_allowed_hosts: empty by default
    assert "Default: 300 s" in page or "Default: 300 seconds" in page
