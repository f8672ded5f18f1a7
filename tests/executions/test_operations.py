"""Operations: the health endpoint and custom log integration (forwarding to an HTTP
endpoint the owner names) with a real worker and a loopback HTTP server."""

from __future__ import annotations

import json
import time

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from apps.runtime.services import runtime_setting_set
from tests.conftest import wait_until
from tests.executions.helpers import finished, py_node, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

CHATTY = ("def run(inputs, ctx):\n    for i in range(30):\n        print(f'line {i}')\n"
          "    return 'ok'\n")


def _definition() -> dict:
    return {"name": "chatty", "nodes": [py_node("talk", CHATTY)], "edges": []}


def test_health_reports_database_redis_and_workers(worker):
    response = APIClient().get("/api/v1/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["checks"]["workers"]["count"] >= 1
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        down = APIClient().get("/api/v1/health/")
    assert down.status_code == 503
    assert not down.json()["checks"]["redis"]["ok"] and not down.json()["ok"]


def test_logs_are_forwarded_in_batches_in_order(user, worker, http_server):
    runtime_setting_set(owner=user, key="http_allowed_hosts", value=["127.0.0.1"])
    runtime_setting_set(owner=user, key="log_forward_url", value=f"{http_server.url}/ingest")
    execution = finished(start(user, _definition()))
    assert execution.status == "succeeded"

    def forwarded() -> list[str]:
        batches = [json.loads(r["body"]) for r in http_server.requests
                   if r["path"] == "/ingest"]
        return [line["message"] for batch in batches for line in batch["lines"]]

    wait_until(lambda: len(forwarded()) >= 30, timeout=30)
    assert forwarded() == [f"line {i}" for i in range(30)]
    batch = json.loads(next(r["body"] for r in http_server.requests if r["path"] == "/ingest"))
    assert batch["execution_id"] == str(execution.pk) and batch["workflow"]["slug"]


def test_a_dead_endpoint_neither_slows_nor_fails_the_execution(user, worker):
    runtime_setting_set(owner=user, key="http_allowed_hosts", value=["127.0.0.1"])
    runtime_setting_set(owner=user, key="log_forward_url", value="http://127.0.0.1:1/ingest")
    began = time.monotonic()
    execution = finished(start(user, _definition()))
    assert execution.status == "succeeded" and time.monotonic() - began < 30
    assert execution.log_lines.count() == 30  # the record is complete either way


def test_forwarding_to_a_private_address_is_refused_without_permission(user, worker,
                                                                        http_server):
    runtime_setting_set(owner=user, key="log_forward_url", value=f"{http_server.url}/ingest")
    execution = finished(start(user, _definition()))
    assert execution.status == "succeeded"
    time.sleep(1.5)
    assert not [r for r in http_server.requests if r["path"] == "/ingest"]
