"""Real processes started by the tests: a Celery worker (prefork, with beat for the sweeper)
and a daphne ASGI server, both against the test database and Redis."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
from django.conf import settings
from django.db import connection

from apps.common.stack import free_port, private_redis_command, redis_reachable
from tests.conftest import ROOT
from tests.netns import Host


def database_url_for_tests() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    host = db.get("HOST") or "127.0.0.1"
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


def _test_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' own process only
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url_for_tests(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": settings.CELERY_TASK_DEFAULT_QUEUE,
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _host_env(env: dict[str, str], host: Host | None) -> dict[str, str]:
    """The services' URLs as a process on `host` reaches them."""
    if host is not None:
        env.update(DATABASE_URL=host.url(env["DATABASE_URL"]), REDIS_URL=host.url(env["REDIS_URL"]))
    return env


class WorkerProcess:
    """celery -A config worker -B, against the test database and the session's queue."""

    def __init__(self, log_dir: Path, name: str = "w1", concurrency: int = 2,
                 beat: bool | None = None, env: dict[str, str] | None = None,
                 host: Host | None = None) -> None:
        self.log_path = log_dir / f"worker-{name}.log"
        self.name = name
        self.concurrency = concurrency
        self.beat = name == "w1" if beat is None else beat
        self.extra_env = env or {}
        self.host = host  # a network namespace of tests/netns.py, or this one
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> WorkerProcess:
        env = _host_env({**_test_env(), **self.extra_env}, self.host)
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "prefork",
                   "-c", str(self.concurrency), "-l", "info", "--without-mingle",
                   "--without-gossip", "-n", f"{self.name}@%h",
                   "-Q", settings.CELERY_TASK_DEFAULT_QUEUE]
        if self.beat:
            command += ["-B", "-s", str(self.log_path.parent / f"celerybeat-{self.name}")]
        if self.host is not None:
            command = self.host.command(command)
        self.log = self.log_path.open("ab")
        offset = self.log_path.stat().st_size
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log_path.read_bytes()[offset:]:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("worker did not start:\n" + self.log_path.read_text()[-3000:])
            time.sleep(0.2)
        return self

    def pool_pids(self) -> list[int]:
        assert self.proc is not None
        main = self._main()
        return [child.pid for child in main.children()
                if "celery" in " ".join(child.cmdline())]

    def _main(self) -> psutil.Process:
        assert self.proc is not None
        return psutil.Process(self.proc.pid)

    def kill_hard(self) -> None:
        """SIGKILL the worker and all its children: a machine lost mid-step."""
        if self.proc is None:
            return
        with_children = [self._main(), *self._main().children(recursive=True)]
        for proc in with_children:
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()


class BeatProcess:
    """celery beat alone (the sweeper's clock), as the services host runs it in production."""

    def __init__(self, log_dir: Path) -> None:
        self.log_path = log_dir / "beat.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BeatProcess:
        self.log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info", "-s",
             str(self.log_path.parent / "celerybeat-alone")], cwd=ROOT, env=_test_env(),
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        self.log.close()


class DaphneProcess:
    """daphne config.asgi:application on a free loopback port."""

    def __init__(self, log_dir: Path, env: dict[str, str] | None = None,
                 host: Host | None = None) -> None:
        self.log_path = log_dir / "daphne.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.extra_env = env or {}
        self.host = host
        self.address = host.address if host is not None else "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://{self.address}:{self.port}"

    def start(self, timeout: float = 60) -> DaphneProcess:
        if not self.port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                self.port = probe.getsockname()[1]
        env = _host_env({**_test_env(), "STREAM_CATCH_UP_S": "1", **self.extra_env}, self.host)
        command = [sys.executable, "-m", "daphne", "-b", self.address, "-p", str(self.port),
                   "config.asgi:application"]
        if self.host is not None:
            env["ALLOWED_HOSTS"] = f"{self.address},127.0.0.1,localhost"
            command = self.host.command(command)
        self.log = self.log_path.open("ab")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection(
                    (self.address, self.port), timeout=0.5):
                return self
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("daphne did not start:\n" + self.log_path.read_text()[-3000:])
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.log.close()


class PrivateRedis:
    """A redis-server of the test's own, with nothing on disk, to stop and start at will."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.command = private_redis_command(directory, self.port)
        self.command[self.command.index("--appendonly") + 1] = "no"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(self.command, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not redis_reachable(self.url):
            assert time.monotonic() < deadline, "private redis did not start"
            time.sleep(0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(timeout=10)
