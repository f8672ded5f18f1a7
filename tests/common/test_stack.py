"""The README's first command: the real stack (private Redis, daphne, a Celery worker, Flower)
starts on a machine with no Redis at REDIS_URL, answers, and Ctrl-C leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx
import psutil
import pytest

from apps.common.stack import free_port
from tests.conftest import ROOT

pytestmark = pytest.mark.slow


def wait_for(url: str, deadline: float, expect=(200,)) -> httpx.Response:  # type: ignore[no-untyped-def]
    last: object = None
    while time.monotonic() < deadline:
        try:
            response = httpx.get(url, timeout=2, follow_redirects=False)
            if response.status_code in expect:
                return response
            last = response.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in time: {last}")


def test_runstack_starts_everything_and_sigint_leaves_nothing(tmp_path):
    # given: no Redis at REDIS_URL (a closed port), SQLite in a fresh var dir
    web, flower, dead_redis = free_port(), free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": f"redis://127.0.0.1:{dead_redis}/0",
        "PYTHONUNBUFFERED": "1",
    })
    log = (tmp_path / "stack.log").open("w+")
    stack = subprocess.Popen(
        [sys.executable, "manage.py", "runstack", "--port", str(web), "--flower-port",
         str(flower)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        # when / then: the pages answer
        login = wait_for(f"http://127.0.0.1:{web}/accounts/login/", deadline)
        assert b'name="username"' in login.content
        wait_for(f"http://127.0.0.1:{web}/admin/login/", deadline)
        wait_for(f"http://127.0.0.1:{web}/static/css/app.css", deadline)
        wait_for(f"http://127.0.0.1:{flower}/", deadline)
        output = (tmp_path / "stack.log").read_text()
        assert "starting a private one" in output
        assert "Created login 'admin' with password" in output
        assert "hello-transform: revision 1, compiled success" in output
        _wait_worker_ready(tmp_path / "stack.log", deadline)
        family = [stack, *psutil.Process(stack.pid).children(recursive=True)]
        family_pids = {p.pid for p in family}
        names = " ".join(" ".join(p.cmdline()) for p in family[1:])
        assert "daphne" in names and "worker" in names and "flower" in names
        assert "redis-server" in names

        # a second start says so instead of failing obscurely
        second = subprocess.run(
            [sys.executable, "manage.py", "runstack", "--port", str(free_port()),
             "--flower-port", str(free_port())], cwd=ROOT, env=env, capture_output=True,
            text=True, timeout=60, check=False)
        assert second.returncode != 0
        assert "already running" in second.stderr
    finally:
        # Ctrl-C
        stack.send_signal(signal.SIGINT)
        try:
            stack.wait(timeout=60)
        except subprocess.TimeoutExpired:
            stack.kill()
            raise
    time.sleep(0.5)
    alive = [pid for pid in family_pids if psutil.pid_exists(pid)
             and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert alive == [], (tmp_path / "stack.log").read_text()[-3000:]
    assert not (tmp_path / "runstack.lock").exists()


def _wait_worker_ready(log_path, deadline: float) -> None:  # type: ignore[no-untyped-def]
    while time.monotonic() < deadline:
        if "ready." in log_path.read_text():
            return
        time.sleep(0.3)
    raise AssertionError("the Celery worker never said ready")
