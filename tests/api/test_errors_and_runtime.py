"""One error shape for every failure, body size limits, runtime settings, env vars,
connections and input files over the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_malformed_json_is_a_400_in_the_error_shape(api):
    response = api.generic("POST", "/api/v1/workflows/", "{not json",
                           content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "malformed_request" and error["suggestion"]


def test_wrong_method_and_media_type(api):
    response = api.delete("/api/v1/workflows/")
    assert response.status_code == 405 and response.json()["error"]["code"] == \
        "method_not_allowed"
    response = api.generic("POST", "/api/v1/workflows/", "a=b", content_type="text/csv")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@override_settings(API_MAX_REQUEST_BYTES=1000)
def test_bodies_over_the_limit_get_413(api):
    response = api.post("/api/v1/workflows/", {"definition": {"x": "y" * 2000}},
                        format="json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "request_too_large" and "1000" in error["message"]


def test_settings_list_and_change(api):
    settings = {s["key"]: s for s in api.get("/api/v1/settings/").json()}
    assert settings["max_concurrent_executions"]["value"] == 10
    assert settings["debug_mode"]["description"]
    response = api.patch("/api/v1/settings/", {"debug_mode": True, "retention_days": 7},
                         format="json")
    assert response.status_code == 200
    changed = {s["key"]: s["value"] for s in response.json()}
    assert changed["debug_mode"] is True and changed["retention_days"] == 7


def test_invalid_settings_change_nothing(api):
    response = api.patch("/api/v1/settings/", {"debug_mode": False, "retention_days": 0,
                                               "nope": 1}, format="json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"retention_days", "nope"}
    values = {s["key"]: s["value"] for s in api.get("/api/v1/settings/").json()}
    assert values["retention_days"] == 30
    assert api.patch("/api/v1/settings/", [], format="json").status_code == 400


def test_env_vars_secret_values_are_write_only(api):
    response = api.post("/api/v1/env-vars/", {"name": "API_KEY", "value": "s3cr3t-value",
                                              "is_secret": True}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["value"] == "••••••" and "s3cr3t" not in response.content.decode()
    # Changing the flag without a value keeps the stored secret.
    response = api.patch(f"/api/v1/env-vars/{body['id']}/", {"is_secret": True}, format="json")
    assert response.status_code == 200
    from apps.runtime.models import EnvVar

    assert EnvVar.objects.get(pk=body["id"]).get_value() == "s3cr3t-value"
    plain = api.post("/api/v1/env-vars/", {"name": "REGION", "value": "eu"}, format="json")
    assert plain.json()["value"] == "eu"
    bad = api.post("/api/v1/env-vars/", {"name": "1BAD", "value": "x"}, format="json")
    assert bad.status_code == 400 and "name" in bad.json()["error"]["fields"]
    assert api.delete(f"/api/v1/env-vars/{body['id']}/").status_code == 204


def test_connections_secrets_are_never_returned(api):
    response = api.post("/api/v1/connections/", {
        "name": "crm", "kind": "bearer", "config": {"base_url": "http://127.0.0.1:1"},
        "secret": "tok-abcdef123"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["has_secret"] and "secret" not in body and b"tok-abcdef" not in response.content
    response = api.patch(f"/api/v1/connections/{body['id']}/", {"config": {"x": 1}},
                         format="json")
    assert response.json()["config"] == {"x": 1} and response.json()["has_secret"]
    bad = api.post("/api/v1/connections/", {"name": "x y", "kind": "nope"}, format="json")
    assert bad.status_code == 400


def test_files_upload_list_delete(api):
    upload = SimpleUploadedFile("orders.csv", b"id,total\n1,10\n", content_type="text/csv")
    response = api.post("/api/v1/files/", {"file": upload}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "orders.csv" and body["size"] == 14 and len(body["sha256"]) == 64
    assert api.get("/api/v1/files/").json()["results"][0]["file_id"] == body["file_id"]
    assert api.post("/api/v1/files/", {}, format="multipart").status_code == 400
    assert api.delete(f"/api/v1/files/{body['file_id']}/").status_code == 204


def test_openapi_schema_and_docs_are_served(api):
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/executions/{id}/events/" in schema["paths"]
    assert schema["paths"]["/api/v1/workflows/{id}/executions/"]["post"]["requestBody"]
    assert api.get("/api/v1/docs/").status_code == 200
