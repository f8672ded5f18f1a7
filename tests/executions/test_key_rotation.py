"""Key rotation with the platform running: a worker on FERNET_KEYS=new,old keeps reading
secrets written under the old key, rotate_secret_key re-encrypts them all under the new one,
and afterwards the new key alone reads every secret, which still works in a run."""

from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.test import override_settings

from apps.common import crypto
from apps.runtime import services as runtime_services
from apps.runtime.models import Connection, EnvVar
from config.celery_app import app
from tests.executions.helpers import finished, start
from tests.workers import WorkerProcess

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture
def keys(settings):  # type: ignore[no-untyped-def]
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FERNET_KEYS = [old]
    crypto._fernet.cache_clear()
    yield old, new
    crypto._fernet.cache_clear()


@pytest.fixture
def worker_on(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """A worker of its own, on its own queue, started with the given FERNET_KEYS; this test
    process's messages go to it (the session's worker knows other keys)."""
    started: list[WorkerProcess] = []
    send_task = app.send_task

    def start_worker(fernet_keys: str) -> WorkerProcess:
        for process in started:
            process.stop()
        queue = f"rotation-{uuid.uuid4().hex[:8]}"
        with override_settings(CELERY_TASK_DEFAULT_QUEUE=queue):
            process = WorkerProcess(tmp_path, name=f"r{len(started)}", beat=False,
                                    env={"FERNET_KEYS": fernet_keys}).start()
        monkeypatch.setattr(app, "send_task",
                            lambda *args, **options: send_task(*args, **options, queue=queue))
        started.append(process)
        return process

    yield start_worker
    for process in started:
        process.stop()


def _definition(url: str) -> dict:
    return {"name": f"uses-secrets-{uuid.uuid4().hex[:6]}", "nodes": [
        {"id": "len", "type": "transform", "data": {"config": {"value": "{{ env.TOKEN | length }}"}}},
        {"id": "call", "type": "http", "data": {"timeout_seconds": 5, "config": {
            "url": url, "connection": "api"}}}],
        "edges": [{"source": "len", "target": "call"}], "output": "{{ steps.len.output }}"}


def test_rotation_with_a_running_platform_keeps_every_secret_working(
        keys, worker_on, user, http_server, settings):
    old, new = keys
    token, bearer = "tok-" + uuid.uuid4().hex, "bearer-" + uuid.uuid4().hex
    # given: secrets written under the old key
    runtime_services.env_var_upsert(owner=user, name="TOKEN", value=token, is_secret=True)
    runtime_services.connection_upsert(owner=user, name="api", kind="bearer", config={},
                                       secret={"token": bearer})
    runtime_services.runtime_setting_set(owner=user, key="http_allowed_hosts",
                                         value=["127.0.0.1"])
    before = EnvVar.objects.get(owner=user, name="TOKEN").encrypted_value
    # when: every process runs with new,old, and the secrets are rotated
    settings.FERNET_KEYS = [new, old]
    crypto._fernet.cache_clear()
    worker_on(f"{new},{old}")
    assert finished(start(user, _definition(f"{http_server.url}/echo"))).output == len(token)
    counts = crypto.rotate_all()
    # then: all re-encrypted, and the new key alone reads them
    assert counts["runtime.EnvVar.encrypted_value"] >= 1
    assert counts["runtime.Connection.encrypted_secret"] >= 1
    assert EnvVar.objects.get(owner=user, name="TOKEN").encrypted_value != before
    settings.FERNET_KEYS = [new]
    crypto._fernet.cache_clear()
    call_command("rotate_secret_key", "--verify")
    assert EnvVar.objects.get(owner=user, name="TOKEN").get_value() == token
    assert Connection.objects.get(owner=user, name="api").get_secret() == {"token": bearer}
    # and a run on a worker that knows only the new key uses both secrets
    worker_on(new)
    http_server.requests.clear()
    execution = finished(start(user, _definition(f"{http_server.url}/echo")))
    assert execution.status == "succeeded", execution.error
    assert execution.output == len(token)
    assert http_server.requests[-1]["headers"]["Authorization"] == f"Bearer {bearer}"
