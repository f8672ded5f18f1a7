"""Hostile definitions and requests over the API (docs/operations.md, "Faults"): deep nesting, megabyte
strings, 100,000 nodes, unicode oddities, expression-language escapes, odd query strings.
Each gets a clear 4xx in the one error shape or is stored intact: never a 500, never a hang."""

from __future__ import annotations

import json

import pytest

from apps.workflows.models import Workflow
from apps.workflows.services import DefinitionTooLarge, workflow_create
from tests.api.conftest import create_workflow
from tests.conftest import load_example

pytestmark = pytest.mark.django_db

ODD_STRINGS = [
    "nul\x00byte", "lone \ud800 surrogate", "rtl \u202e override", "zero\u200bwidth",
    "emoji 🧨💥", "combining e\u0301\u0301\u0301", "newline\r\n\tand tabs", "\ufeffbom",
    "' OR 1=1 --", "<script>alert(1)</script>", "{{ 7*7 }}", "%s%n%x", "../../etc/passwd",
]


def _raw_post(api, url: str, body: str, method: str = "POST"):  # type: ignore[no-untyped-def]
    api.raise_request_exception = False
    return api.generic(method, url, body.encode("utf-8", "surrogatepass"),
                       content_type="application/json")


def _bodies(value: dict) -> list[str]:
    """The same document as raw UTF-8 and with every non-ASCII character escaped: a lone
    surrogate is invalid UTF-8 in the first and a legal escape in the second."""
    return [json.dumps(value, ensure_ascii=False), json.dumps(value)]


def _assert_clear_error(response, status: int = 400) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content[:500]
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return error


def test_deeply_nested_json_is_a_clear_400(api):
    body = '{"definition": ' + "[" * 100_000 + "]" * 100_000 + "}"
    error = _assert_clear_error(_raw_post(api, "/api/v1/workflows/", body))
    assert "nest" in error["message"].lower()


def test_nested_definition_within_the_parser_limit_is_a_compile_issue(api):
    deep: object = "x"
    for _ in range(200):
        deep = {"a": deep}
    definition = load_example("hello-transform")
    definition["nodes"][0]["data"]["config"]["value"] = deep
    response = api.post("/api/v1/workflows/", {"definition": definition}, format="json")
    assert response.status_code in (201, 400), response.content[:300]
    if response.status_code == 201:
        assert response.json()["compilation"]["status"] == "error"


def test_megabyte_strings_are_stored_or_refused_cleanly(api):
    definition = load_example("hello-transform")
    definition["description"] = "d" * 1_000_000
    response = api.post("/api/v1/workflows/", {"definition": definition, "name": "n" * 100_000},
                        format="json")
    _assert_clear_error(response)
    response = api.post("/api/v1/workflows/", {"definition": definition}, format="json")
    assert response.status_code in (201, 400), response.content[:300]


def test_a_hundred_thousand_nodes_are_refused_with_the_limit(api):
    nodes = [{"id": f"n{i}", "type": "transform", "data": {"config": {"value": i}}}
             for i in range(100_000)]
    response = _raw_post(api, "/api/v1/workflows/", json.dumps(
        {"definition": {"name": "huge", "nodes": nodes, "edges": []}}))
    if response.status_code == 201:  # stored as written; the compilation names the limit
        issues = response.json()["compilation"]["issues"]
        assert "nodes" in issues[0]["message"] and "10000" in issues[0]["message"].replace(
            ",", "")
    else:
        _assert_clear_error(response, 413)


@pytest.mark.parametrize("odd", ODD_STRINGS)
def test_unicode_oddities_in_names_ids_and_inputs(api, odd):
    definition = load_example("hello-transform")
    definition["name"] = odd
    definition["description"] = odd
    workflow = None
    for body in _bodies({"definition": definition, "name": odd}):
        response = _raw_post(api, "/api/v1/workflows/", body)
        assert response.status_code in (201, 400), response.content[:300]
        if response.status_code == 400:
            _assert_clear_error(response)
            continue
        workflow = response.json()
        assert workflow["name"] == odd and workflow["definition"]["description"] == odd
    if workflow is None:
        return
    node = dict(definition["nodes"][0], id=odd)
    for body in _bodies({"definition": dict(definition, nodes=[node])}):
        response = _raw_post(api, f"/api/v1/workflows/{workflow['id']}/", body, method="PUT")
        assert response.status_code in (200, 400), response.content[:300]
    for params in ({"search": odd}, {"status": odd}, {"cursor": odd}, {"ordering": odd},
                   {"started_after": odd}, {"workflow": odd}):
        listed = api.get("/api/v1/executions/", params)
        assert listed.status_code in (200, 400, 404), (params, listed.content[:300])


@pytest.mark.parametrize("expression", [
    "{{ inputs.__class__.__mro__ }}", "{{ ''.__class__.__subclasses__() }}",
    "{{ steps['__init__'] }}", "{{ inputs|attr('__dict__') }}", "{{ self._TemplateReference__context }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}", "{% for x in range(10**9) %}{% endfor %}",
])
def test_expression_escapes_are_compile_errors(api, expression):
    definition = load_example("hello-transform")
    definition["nodes"][0]["data"]["config"]["value"] = expression
    response = api.post("/api/v1/workflows/", {"definition": definition}, format="json")
    assert response.status_code == 201
    compilation = response.json()["compilation"]
    assert compilation["status"] == "error", compilation
    assert compilation["issues"][0]["message"]


@pytest.mark.parametrize("odd", ODD_STRINGS)
def test_unicode_oddities_as_inputs_and_settings(api, odd):
    definition = {"name": "echo", "input_schema": {"type": "object", "properties": {
        "text": {"type": "string"}}}, "nodes": [{"id": "t", "type": "transform", "data": {
            "config": {"value": "{{ inputs.text }}"}}}], "edges": []}
    workflow = create_workflow(api, definition)
    for body in _bodies({"inputs": {"text": odd}}):
        response = _raw_post(api, f"/api/v1/workflows/{workflow['id']}/executions/", body)
        assert response.status_code in (201, 400), response.content[:300]
    for body in _bodies({"name": odd, "value": odd}):
        response = _raw_post(api, "/api/v1/env-vars/", body)
        assert response.status_code in (201, 400), response.content[:300]
    for body in _bodies({"log_forward_url": odd, "http_allowed_hosts": [odd]}):
        response = _raw_post(api, "/api/v1/settings/", body, method="PATCH")
        assert response.status_code in (200, 400), response.content[:300]


def _definition_of(size: int) -> dict:
    filler = "x" * size
    return {"name": "big", "nodes": [{"id": "t", "type": "transform",
                                      "data": {"config": {"value": filler}}}], "edges": []}


def test_a_definition_over_5_mb_is_refused_before_it_is_parsed(api):
    # when
    response = _raw_post(api, "/api/v1/workflows/",
                         json.dumps({"definition": _definition_of(5_300_000)}))
    # then: 413 naming the limit and the size, nothing stored
    error = _assert_clear_error(response, 413)
    assert error["code"] == "definition_too_large"
    assert "5,242,880 bytes" in error["message"] and "5,300," in error["message"]
    assert api.get("/api/v1/workflows/").json()["count"] == 0


def test_a_definition_over_5_mb_by_any_door_is_refused_before_it_is_stored(user):
    with pytest.raises(DefinitionTooLarge) as caught:
        workflow_create(owner=user, definition=_definition_of(5_250_000))
    assert caught.value.status == 413 and "5,242,880" in caught.value.message
    assert not Workflow.objects.filter(owner=user).exists()
    assert workflow_create(owner=user, definition=_definition_of(4_000_000)).pk


def test_a_definition_over_5_mb_pasted_in_the_web_app_is_refused(client, user):
    client.force_login(user)
    page = client.post("/workflows/new/", {"definition": json.dumps(_definition_of(5_300_000))})
    assert "5,242,880 bytes" in page.content.decode()
    assert not user.workflows.exists()
