"""What every benchmark shares: an isolated environment (own queue, own VAR_DIR, a fresh
SQLite file unless DATABASE_URL is set), real processes started and stopped, one table out.
Import this module before Django."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ["VAR_DIR"] = str(TMP)
os.environ["CELERY_QUEUE"] = f"bench-{uuid.uuid4().hex[:6]}"
os.environ["RAW_QUEUE"] = f"bench-raw-{uuid.uuid4().hex[:6]}"
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()


def _on(host: Any, command: list[str]) -> tuple[list[str], dict[str, str]]:
    """command and environment for a process on `host` (a tests/netns.py Host) or here."""
    env = dict(os.environ)
    if host is None:
        return command, env
    env.update(DATABASE_URL=host.url(env["DATABASE_URL"]), REDIS_URL=host.url(env["REDIS_URL"]),
               ALLOWED_HOSTS=f"{host.address},127.0.0.1,localhost")
    return host.command(command), env


def start_worker(app: str, log: str, extra: list[str] | None = None,
                 name: str | None = None, host: Any = None,
                 concurrency: int = 2) -> subprocess.Popen[bytes]:
    command, env = _on(host, [
        sys.executable, "-m", "celery", "-A", app, "worker", "-P", "prefork", "-c",
        str(concurrency),
        "-l", "warning", "--without-mingle", "--without-gossip", "-n",
        name or f"{log}-{uuid.uuid4().hex[:4]}@%h", *(extra or [])])
    proc = subprocess.Popen(command, cwd=ROOT, env=env,
                            stdout=(TMP / f"{log}.log").open("a"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    time.sleep(6)
    return proc


def start_daphne(host: Any = None, port: int = 0) -> tuple[subprocess.Popen[bytes], str]:
    """daphne on a free port (or `port`), on loopback or on `host`'s address."""
    address = host.address if host is not None else "127.0.0.1"
    if not port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    command, env = _on(host, [sys.executable, "-m", "daphne", "-b", address, "-p", str(port),
                              "config.asgi:application"])
    proc = subprocess.Popen(command, cwd=ROOT, env=env,
                            stdout=(TMP / "daphne.log").open("a"), stderr=subprocess.STDOUT,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((address, port), 0.5):
            return proc, f"http://{address}:{port}"
        time.sleep(0.2)
    raise RuntimeError("daphne did not start: " + (TMP / "daphne.log").read_text()[-2000:])


def stop(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def print_table(title: str, rows: list[tuple[str, str, str]]) -> None:
    from django.conf import settings  # noqa: PLC0415 - after setup

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"\n{title} ({db}, Redis {settings.REDIS_URL.rsplit('@', 1)[-1]}, "
          f"{os.cpu_count()} cores)")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>12}  notes")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>12}  {note}")


def bench_user(*, max_concurrent: int | None = None):  # type: ignore[no-untyped-def]
    """Migrate, then a fresh user (with a raised concurrency cap when asked)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415 - after setup
    from django.core.management import call_command  # noqa: PLC0415

    from apps.runtime.services import runtime_setting_set  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(username=f"bench-{uuid.uuid4().hex[:6]}")
    if max_concurrent:
        runtime_setting_set(owner=user, key="max_concurrent_executions", value=max_concurrent)
    return user


def token_client(user):  # type: ignore[no-untyped-def]
    """An API client authenticated the way integrations are (a knox token)."""
    from knox.models import AuthToken  # noqa: PLC0415
    from rest_framework.test import APIClient  # noqa: PLC0415

    client = APIClient(HTTP_HOST="127.0.0.1")
    client.credentials(HTTP_AUTHORIZATION="Token " + AuthToken.objects.create(
        user=user, expiry=None)[1])
    return client


def start_idle_worker(app: str, log: str,
                      concurrency: int = 2) -> tuple[subprocess.Popen[bytes], str]:
    """A worker that is up but consumes nothing yet (its startup is over before a measured
    drain begins); `consume` then points it at the queue."""
    name = f"{log}-{uuid.uuid4().hex[:4]}@{socket.gethostname()}"
    return start_worker(app, log, ["-Q", f"idle-{uuid.uuid4().hex[:6]}"], name=name,
                        concurrency=concurrency), name


def consume(celery_app, name: str, queue: str) -> None:  # type: ignore[no-untyped-def]
    replies = celery_app.control.add_consumer(queue, destination=[name], reply=True,
                                              timeout=10)
    if not replies:
        raise RuntimeError(f"worker {name} did not answer add_consumer")
