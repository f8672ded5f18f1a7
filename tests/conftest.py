"""Shared fixtures: users, clients, example definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(config, items):  # type: ignore[no-untyped-def]
    """Browser tests last: Playwright's sync API keeps an event loop running in the main
    thread for the rest of the session, and tests that call asyncio.run() cannot follow."""
    items.sort(key=lambda item: item.nodeid.startswith("tests/web/"))


def pytest_configure(config):  # type: ignore[no-untyped-def]
    """Retry the between-tests flush when it deadlocks: PostgreSQL's multi-table TRUNCATE can
    deadlock with the real worker's sweeper reading the same tables (a join) at that moment;
    the detector kills one side, and trying again a moment later succeeds."""
    import time

    from django.core.management.base import CommandError
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for attempt in range(5):
            try:
                return original(self, *args, **options)
            except CommandError as error:
                if "deadlock" not in str(error.__cause__ or error) or attempt == 4:
                    raise
                time.sleep(0.2)
        return None

    flush.Command.handle = handle
EXAMPLES = ROOT / "examples"


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return make_user(username="alice")


@pytest.fixture
def other_user(db):  # type: ignore[no-untyped-def]
    return make_user(username="bob")


@pytest.fixture
def staff_client(client, db):  # type: ignore[no-untyped-def]
    staff = make_user(username="operator", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff_user = staff
    return client


def load_example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.json") if not p.name.startswith("_"))


@pytest.fixture(scope="session")
def package_index(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A package index on loopback for python steps' requirements (tests/packages_index.py)."""
    from tests.packages_index import start_index

    index = start_index(tmp_path_factory.mktemp("index"))
    yield index
    index.shutdown()


@pytest.fixture(scope="session")
def worker_packages(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The session worker's host: its PACKAGES_DIR and uv cache (not the test process's)."""
    home = tmp_path_factory.mktemp("worker-host")
    return {"PACKAGES_DIR": str(home / "packages"), "PACKAGES_CACHE_DIR": str(home / "uv-cache")}


@pytest.fixture(scope="session")
def worker(django_db_setup, django_db_blocker, tmp_path_factory, package_index,  # type: ignore[no-untyped-def]
           worker_packages):
    """One real worker for the session; tests using it need django_db(transaction=True). It
    installs python steps' packages from the session's package index."""
    from tests.workers import WorkerProcess

    with django_db_blocker.unblock():
        process = WorkerProcess(tmp_path_factory.mktemp("worker"), env={
            "UV_INDEX_URL": package_index.url, **worker_packages}).start()
    yield process
    process.stop()


@pytest.fixture
def packages(settings, package_index, tmp_path):  # type: ignore[no-untyped-def]
    """This process resolves (and, for in-process steps, installs) against the session's
    package index, with a uv cache and PACKAGES_DIR of its own."""
    settings.PACKAGES_INDEX_URL = package_index.url
    settings.PACKAGES_CACHE_DIR = tmp_path / "uv-cache"
    settings.PACKAGES_DIR = tmp_path / "packages"
    return package_index


@pytest.fixture
def steps_in_the_test_transaction(monkeypatch):  # type: ignore[no-untyped-def]
    """For tests that run a step that holds a worker (python, http) in-process inside the
    test's transaction: the heartbeat thread's own connection cannot see those uncommitted
    rows, so a beat would find the lease gone and the runner drop the step's result. No beat
    then (a step here ends long before any lease would go stale); logs are flushed by the
    runner's thread when the step ends."""
    from worker import heartbeat

    monkeypatch.setattr(heartbeat, "HEARTBEAT_S", float("inf"))


@pytest.fixture(scope="session")
def daphne(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A real ASGI server (HTTP, SSE, WebSocket) on a loopback port, for the session."""
    from tests.workers import DaphneProcess

    with django_db_blocker.unblock():
        process = DaphneProcess(tmp_path_factory.mktemp("daphne")).start()
    yield process
    process.stop()


def wait_until(predicate, timeout: float = 30, interval: float = 0.1):  # type: ignore[no-untyped-def]
    """Poll until predicate() is truthy; return its value or fail with what it last was."""
    import time

    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s (last value: {value!r})")


@pytest.fixture
def http_server():  # type: ignore[no-untyped-def]
    from tests.httpserver import start_server

    server = start_server()
    yield server
    server.shutdown()
