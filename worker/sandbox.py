"""Run python step code in the sandbox: a fork server inside bubblewrap, one child per step.

The server (worker/sandbox_server.py) starts once per worker process (and per package
environment) with no environment, no network (unless allowed), and a read-only view of the
Python installation's standard library only: the project, its settings, the database file,
the worker's environment and every site-packages directory of the host are not in its
filesystem. A step that declares packages gets a server of its own lock's environment
(worker/packages.py), mounted read-only at /packages and put on its path. Each step is a
forked child that drops to an unprivileged uid under rlimits (memory, CPU, processes, file
size). Without bubblewrap the server still runs with an empty environment and the same child
limits, and cuts the network with a namespace when it can.
"""

from __future__ import annotations

import contextlib
import glob
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)
SERVER = Path(__file__).with_name("sandbox_server.py")
SERVER_FILES = (SERVER, SERVER.with_name("sandbox_report.py"))  # what the server loads
PACKAGES_MOUNT = "/packages"  # where a step's environment is, inside the sandbox
MAX_WARM = 6  # warm servers per worker process; past it the least recently used one stops


@dataclass
class SandboxOutcome:
    ok: bool
    output: Any = None
    error: dict[str, Any] | None = None
    debug: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, float] = field(default_factory=dict)  # the child's own getrusage
    pid: int | None = None
    exit_code: int | None = None
    killed_for: str | None = None  # "timeout" | "memory" | "cancel"


def _site_directories() -> list[str]:
    """Every site-packages of the host the sandbox's read-only binds would show: hidden, so
    a step imports the standard library and its own lock's packages, nothing else (not
    even by editing sys.path)."""
    found = set()
    for prefix in {sys.prefix, sys.base_prefix}:
        paths = sysconfig.get_paths(vars={"base": prefix, "platbase": prefix})
        found.update(paths[key] for key in ("purelib", "platlib"))
    for pattern in ("/usr/lib/python3*/*-packages", "/usr/local/lib/python3*/*-packages"):
        found.update(glob.glob(pattern))
    return sorted(path for path in found if os.path.isdir(path))


def _bwrap_command(network: bool, packages: Path | None = None) -> list[str] | None:
    bwrap = shutil.which("bwrap")
    if not bwrap or os.environ.get("SANDBOX_DISABLE_BWRAP"):
        return None
    binds: list[str] = []
    bound = sorted({sys.base_prefix, sys.prefix, *map(str, SERVER_FILES)})
    ancestors = sorted({str(parent) for path in bound for parent in Path(path).parents
                        if str(parent) not in ("/", "/tmp")}, key=lambda p: p.count("/"))
    for parent in ancestors:
        # Fresh, traversable parents: the step's unprivileged uid must reach the interpreter
        # even when the host's parent (e.g. /root) is private. Nothing else of them is visible.
        binds += ["--perms", "0755", "--dir", parent]
    for path in bound:
        binds += ["--ro-bind", path, path]
    for path in _site_directories():
        binds += ["--perms", "0555", "--tmpfs", path, "--remount-ro", path]
    if packages is not None:
        binds += ["--ro-bind", str(packages), PACKAGES_MOUNT]
    # The private /tmp first: binds that live under /tmp (a checkout there) go on top of it.
    command = [bwrap, "--perms", "1777", "--tmpfs", "/tmp", "--ro-bind", "/usr", "/usr"]
    for name in ("lib", "lib64", "bin", "sbin"):
        if Path(f"/{name}").is_symlink():
            command += ["--symlink", f"usr/{name}", f"/{name}"]
        elif Path(f"/{name}").exists():
            command += ["--ro-bind", f"/{name}", f"/{name}"]
    if network:
        for path in ("/etc/resolv.conf", "/etc/hosts", "/etc/ssl", "/etc/nsswitch.conf"):
            if Path(path).exists():
                command += ["--ro-bind", path, path]
    command += [*binds, "--proc", "/proc", "--dev", "/dev",
                "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--die-with-parent",
                "--new-session", "--clearenv", "--setenv", "HOME", "/tmp",
                "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--chdir", "/tmp"]
    if not network:
        command.append("--unshare-net")
    return command


CLEANUP_WAIT_S = 5.0  # how long the next step waits for the server to end the last one


class Sandbox:
    """One fork server; not thread-safe (one step at a time, like a prefork pool process).

    A step's outcome is returned as soon as its result arrives: the server then reaps the
    child and kills whatever the step left behind while the worker commits the result, and
    the next request first reads that step's `exit`, so no step starts before the last one's
    leftovers are gone."""

    def __init__(self, *, network: bool, packages: Path | None = None) -> None:
        self.network = network
        self.packages = packages  # the site directory of a lock's environment, if any
        self.proc: subprocess.Popen[bytes] | None = None
        self.isolated_by = "none"
        self.ending = False  # a step's result came back; its `exit` has not yet

    def _start(self) -> subprocess.Popen[bytes]:
        prefix = _bwrap_command(self.network, self.packages)
        # Absolute: a worker started as `../.venv/bin/python` would otherwise look for the
        # interpreter relative to the sandbox's working directory.
        python = [os.path.abspath(sys.executable), "-I", "-S", str(SERVER)]
        if prefix:
            command, self.isolated_by = [*prefix, *python, "--bwrap"], "bubblewrap"
            packages = PACKAGES_MOUNT
        else:
            command, self.isolated_by = python, "rlimits+uid"
            packages = str(self.packages)
        if self.packages is not None:
            command += ["--packages", packages]
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}  # not the worker's environment
        return subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=env, cwd="/tmp",
                                start_new_session=True)

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self.proc is not None and self.ending:
            self._await_exit(self.proc)
        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
            self.ending = False
        return self.proc

    def _await_exit(self, proc: subprocess.Popen[bytes]) -> None:
        """Read up to the last step's `exit` (the server has cleaned up after it); a server
        that does not get there in time is replaced."""
        assert proc.stdout is not None  # noqa: S101 - requested in _start
        fd, buffer = proc.stdout.fileno(), b""
        deadline = time.monotonic() + CLEANUP_WAIT_S
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            chunk = os.read(fd, 65536) if ready else b""
            if not chunk:
                break
            *lines, buffer = (buffer + chunk).split(b"\n")
            if any(line.startswith(b'{"type": "exit"') for line in lines):  # the server's
                self.ending = False
                return
        logger.warning("the sandbox server did not end the last step in time; restarting it")
        self.close()

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        self.proc = None
        self.ending = False

    def run(self, request: dict[str, Any], *, timeout_s: float,
            on_log: Callable[[float, str, str], None],
            on_started: Callable[[int], None] | None = None,
            should_stop: Callable[[], str | None] | None = None) -> SandboxOutcome:
        """Run one request; kill the child on timeout or when should_stop() names a reason."""
        proc = self._ensure()
        assert proc.stdin is not None  # noqa: S101 - both pipes were requested above
        assert proc.stdout is not None  # noqa: S101
        try:
            proc.stdin.write((json.dumps(request) + "\n").encode())
            proc.stdin.flush()
        except BrokenPipeError:
            self.close()
            proc = self._ensure()
            assert proc.stdin is not None  # noqa: S101
            proc.stdin.write((json.dumps(request) + "\n").encode())
            proc.stdin.flush()
        outcome = SandboxOutcome(ok=False)
        deadline = time.monotonic() + timeout_s
        fd = proc.stdout.fileno()
        buffer = b""
        lock = threading.Lock()

        def kill(reason: str) -> None:
            with lock:
                if outcome.killed_for or outcome.pid is None:
                    return
                outcome.killed_for = reason
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(outcome.pid, signal.SIGKILL)

        self.kill = kill  # the monitor thread may call it (memory limit)
        while True:
            now = time.monotonic()
            if now >= deadline:
                kill("timeout")
                deadline = now + 5  # give the server time to report the exit
                if outcome.killed_for != "timeout":
                    break
            if should_stop is not None:
                reason = should_stop()
                if reason:
                    kill(reason)
            ready, _, _ = select.select([fd], [], [], min(0.2, max(0.0, deadline - now)))
            if not ready:
                if proc.poll() is not None:
                    outcome.error = {"type": "sandbox_error",
                                     "message": "the sandbox server stopped unexpectedly"}
                    self.proc = None
                    return outcome
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                self.proc = None
                outcome.error = outcome.error or {"type": "sandbox_error",
                                                  "message": "the sandbox server exited"}
                return outcome
            *lines, buffer = (buffer + chunk).split(b"\n")  # one pass, not one per line
            for position, line in enumerate(lines):
                try:
                    message = json.loads(line)
                except ValueError:
                    continue
                kind = message.get("type")
                if kind == "started":
                    outcome.pid = int(message["pid"])
                    if on_started:
                        on_started(outcome.pid)
                elif kind == "log":
                    on_log(float(message.get("at") or time.time()), str(message.get("level")),
                           str(message.get("message")))
                elif kind == "result":
                    outcome.ok = bool(message.get("ok"))
                    outcome.output = message.get("output")
                    outcome.error = message.get("error")
                    outcome.debug = message.get("debug") or {}
                    outcome.usage = message.get("usage") or {}
                    if outcome.killed_for is None:  # the step is over: see the class's note
                        # Its `exit` may have come in the same read (a busy machine): then
                        # the server is already done with it, and nothing is left to await.
                        self.ending = not any(later.startswith(b'{"type": "exit"')
                                              for later in lines[position + 1:])
                        return outcome
                elif kind == "exit":
                    outcome.exit_code = message.get("code")
                    return outcome


_SANDBOXES: dict[tuple[bool, tuple[Path, int] | None], Sandbox] = {}


def sandbox_for(*, network: bool, packages: tuple[Path, int] | None = None) -> Sandbox:
    """This process's warm sandbox for a network setting and a package environment (its
    path and build, worker/packages.py `identity`), started on first use; at most MAX_WARM
    of them stay warm (the least recently used one stops)."""
    key = (network, packages)
    sandbox = _SANDBOXES.pop(key, None)
    if sandbox is None:
        sandbox = Sandbox(network=network, packages=packages[0] if packages else None)
    _SANDBOXES[key] = sandbox  # last: the most recently used
    while len(_SANDBOXES) > MAX_WARM:
        _SANDBOXES.pop(next(iter(_SANDBOXES))).close()
    return sandbox


def close_all() -> None:
    for sandbox in _SANDBOXES.values():
        sandbox.close()
    _SANDBOXES.clear()
