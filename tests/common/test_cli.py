"""The README's commands, run as a new user would from a terminal: no traceback for a
database that is not set up or not reachable, compile_workflow without any database, and
run_workflow that says when no worker answers, or runs the workflow itself with --local."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _manage(*args: str, database: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": database,
                "REDIS_URL": settings.REDIS_URL, "DEBUG": "false", "LOG_LEVEL": "WARNING",
                # A queue nobody consumes: no worker of the test session answers on it.
                "CELERY_QUEUE": f"nobody-{uuid.uuid4().hex[:8]}"})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def fresh_database(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


def _one_line_error(run: subprocess.CompletedProcess) -> str:
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    return lines[0]


def test_compile_workflow_needs_no_database(fresh_database):
    run = _manage("compile_workflow", "examples/hello-transform.json", database=fresh_database)
    assert run.returncode == 0, run.stderr
    assert "examples/hello-transform.json: success" in run.stdout


@pytest.mark.parametrize("command", [
    ["run_workflow", "examples/parallel-fanout.json", "--input", "n=3", "--local"],
    ["purge_executions", "--dry-run"],
    ["compile_workflow", "examples/hello-transform.json", "--owner", "admin"],
    ["load_examples", "--owner", "admin"],
])
def test_an_unmigrated_database_is_one_line_saying_what_to_run(fresh_database, command):
    line = _one_line_error(_manage(*command, database=fresh_database))
    assert "not set up yet" in line and "manage.py prepare" in line


def test_an_unreachable_database_is_one_line(tmp_path):
    unreachable = "postgres://postgres@127.0.0.1:1/nothing"  # loopback, nothing listens
    line = _one_line_error(_manage("purge_executions", "--dry-run", database=unreachable))
    assert "cannot use the database" in line and "DATABASE_URL" in line


@pytest.fixture
def prepared_database(fresh_database) -> str:  # type: ignore[no-untyped-def]
    run = _manage("prepare", database=fresh_database)
    assert run.returncode == 0, run.stderr
    return fresh_database


def test_run_workflow_says_when_no_worker_answers(prepared_database):
    run = _manage("run_workflow", "examples/hello-transform.json", "--input", "who=Ada",
                  database=prepared_database, timeout=60)
    line = _one_line_error(run)
    assert "no worker answers on queue" in line and "--local" in line and "make run" in line


def test_run_workflow_local_runs_it_here_with_python_steps_sandboxed(prepared_database):
    run = _manage("run_workflow", "examples/parallel-fanout.json", "--input", "n=3", "--local",
                  database=prepared_database)
    assert run.returncode == 0, run.stderr + run.stdout
    assert "✔ succeeded" in run.stdout
    for expected in ('"squares": 5', '"cubes": 9', '"primes": 2'):
        assert expected in run.stdout, run.stdout
