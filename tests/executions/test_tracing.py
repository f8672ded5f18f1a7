"""Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set on the web and worker processes, a local
OTLP/HTTP receiver (started here) gets one trace per execution: the execution's root span,
a span per step attempt (a retry and a failure among them) with status, error type, CPU and
peak memory, the API call that started it linked to the caller's traceparent; the http
step's request carries a traceparent of the same trace."""

from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from django.test import override_settings
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from apps.executions.models import Execution
from apps.runtime import services as runtime_services
from config.celery_app import app
from tests.api.conftest import token_client
from tests.conftest import load_example, wait_until
from tests.executions.helpers import finished
from tests.workers import DaphneProcess, WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
CALLER_TRACE, CALLER_SPAN = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


class Receiver(ThreadingHTTPServer):
    """OTLP/HTTP (protobuf) on loopback: keeps every span it is sent."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.spans: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = ExportTraceServiceRequest.FromString(body)
        for resource in request.resource_spans:
            service = next(a.value.string_value for a in resource.resource.attributes
                           if a.key == "service.name")
            for scope in resource.scope_spans:
                for span in scope.spans:
                    self.server.spans.append({
                        "service": service, "name": span.name, "trace": span.trace_id.hex(),
                        "id": span.span_id.hex(), "parent": span.parent_span_id.hex(),
                        "status": span.status.code, "links": [
                            (link.trace_id.hex(), link.span_id.hex()) for link in span.links],
                        "attributes": {a.key: getattr(a.value, a.value.WhichOneof("value"))
                                       for a in span.attributes}})
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()


def test_one_trace_per_execution_with_attempt_spans_and_traceparent(user, tmp_path, monkeypatch,
                                                                    http_server):
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "100"}
    queue = f"traces-{uuid.uuid4().hex[:8]}"
    send_task = app.send_task
    monkeypatch.setattr(app, "send_task",
                        lambda *args, **options: send_task(*args, **options, queue=queue))
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])
    definition = load_example("retry-and-continue")
    definition["nodes"].append({"id": "call", "type": "http", "data": {
        "timeout_seconds": 5, "config": {"url": f"{http_server.url}/traced"}}})
    definition["edges"].append({"source": "report", "target": "call"})
    api = token_client(user)
    created = api.post("/api/v1/workflows/", {"definition": definition}, format="json").json()
    with override_settings(CELERY_TASK_DEFAULT_QUEUE=queue):
        worker = WorkerProcess(tmp_path, name="tr", beat=False, env=env).start()
        web = DaphneProcess(tmp_path, env=env).start()
    try:
        started = httpx.post(
            f"{web.url}/api/v1/workflows/{created['id']}/executions/", json={"inputs": {}},
            headers={"Authorization": f"Token {api.token}",
                     "traceparent": f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"}, timeout=30)
        assert started.status_code == 201, started.text
        execution_id = started.json()["execution_id"]
        run = finished(Execution.objects.get(pk=execution_id))
        assert run.status == "succeeded", run.error
        trace = uuid.UUID(execution_id).hex
        wait_until(lambda: any(s["name"] == "execution" for s in receiver.spans), timeout=20)
    finally:
        worker.stop()
        web.stop()
        receiver.shutdown()
    spans = [s for s in receiver.spans if s["trace"] == trace]
    root = next(s for s in spans if s["name"] == "execution")
    assert root["parent"] == "" and root["service"] == "runtime-worker"
    assert root["attributes"]["runtime.execution.status"] == "succeeded"
    attempts = [s for s in spans if s["name"].startswith("step ")]
    assert all(s["parent"] == root["id"] for s in attempts)
    flaky = sorted((s for s in attempts if s["name"] == "step flaky"),
                   key=lambda s: s["attributes"]["runtime.step.attempt"])
    assert [s["attributes"]["runtime.step.status"] for s in flaky] == ["failed", "succeeded"]
    assert flaky[0]["attributes"]["runtime.error.type"] == "code_error"
    assert flaky[0]["status"] == 2  # STATUS_CODE_ERROR
    assert "runtime.peak_rss_mb" in flaky[1]["attributes"]
    assert "runtime.cpu_seconds" in flaky[1]["attributes"]
    (optional,) = [s for s in attempts if s["name"] == "step optional"]
    assert optional["attributes"]["runtime.step.status"] == "failed"
    (call,) = [s for s in spans if s["name"] == "start execution"]
    assert call["service"] == "runtime-web" and call["parent"] == root["id"]
    assert call["links"] == [(CALLER_TRACE, CALLER_SPAN)]
    (sent,) = [r for r in http_server.requests if r["path"] == "/traced"]
    (call_step,) = [s for s in attempts if s["name"] == "step call"]
    assert sent["headers"]["traceparent"] == f"00-{trace}-{call_step['id']}-01"
