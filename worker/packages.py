"""Python steps' environments on this worker host: one per lock, content-addressed under
PACKAGES_DIR (`<digest>/site`), built from uv's cache (or the index) the first time a step
needs it, then shared read-only by every step and execution that uses the same lock. Two
processes needing it at once build it once: the builder holds a file lock, the other waits
and finds it ready. docs/operations.md ("Packages") says what lives where.

An environment is built in a scratch directory and renamed into place complete, so a reader
never sees half of one; it is made read-only (and the sandbox mounts it read-only).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import stat
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from apps.common import uv

logger = logging.getLogger(__name__)
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
READY = "lock.json"  # written last: its presence says the environment is complete


class PackagesUnavailable(Exception):  # noqa: N818 - what the step's error says
    """The environment cannot be had on this host (the step fails with this message)."""


@dataclass(frozen=True)
class Environment:
    path: Path  # the site directory a step's sandbox puts on its path
    digest: str
    packages: int
    installed_s: float | None = None  # set when this call built it
    from_cache: bool = False

    @property
    def identity(self) -> tuple[Path, int]:
        """Which build of the environment this is: one rebuilt at the same address (removed,
        then needed again) is another directory, and a warm sandbox of the old one must not
        serve it."""
        return self.path, os.stat(self.path).st_ino


def root() -> Path:
    return Path(settings.PACKAGES_DIR)


_CHECKED: dict[str, tuple[Any, Any, list[tuple[str, str, str]]]] = {}  # digest -> seen as


def _check(payload: dict[str, Any]) -> tuple[str, list[tuple[str, str, str]]]:
    """The lock as the artifact carries it, checked: its digest is the address, so it must
    be the digest of what it lists, and for this interpreter. A lock seen before in this
    process is compared, not hashed again (a warm step's path)."""
    digest = str(payload.get("digest") or "")
    seen = _CHECKED.get(digest)
    if seen is not None and seen[0] == payload.get("packages") and \
            seen[1] == payload.get("target"):
        return digest, seen[2]
    packages = [(str(n), str(v), str(h)) for n, v, h in payload.get("packages") or []]
    target = {str(k): str(v) for k, v in (payload.get("target") or {}).items()}
    if not _DIGEST.match(digest) or uv.lock_digest(target, packages) != digest:
        raise PackagesUnavailable("the step's package lock is damaged (its digest does not match)")
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if target.get("python") != here or target.get("platform") != sysconfig.get_platform():
        raise PackagesUnavailable(
            f"the step's packages were resolved for Python {target.get('python')} on "
            f"{target.get('platform')}; this worker runs Python {here} on "
            f"{sysconfig.get_platform()}. Save the workflow again to resolve them for it.")
    _CHECKED[digest] = (payload.get("packages"), payload.get("target"), packages)
    return digest, packages


def environment_for(payload: dict[str, Any] | None) -> Environment | None:
    """The environment of a step's lock (None: it declares no packages), built if this host
    has not got it yet. Raises PackagesUnavailable when it cannot be built."""
    if not payload or not payload.get("packages"):
        return None
    digest, packages = _check(payload)
    home = root() / digest
    if (home / READY).exists():
        return Environment(home / "site", digest, len(packages))
    with _locked(digest):
        if (home / READY).exists():  # another process built it while this one waited
            return Environment(home / "site", digest, len(packages))
        return _build(home, digest, packages, payload)


@contextlib.contextmanager
def _locked(digest: str, *, wait: bool = True) -> Iterator[bool]:
    """This host's lock on one environment (flock: released if the holder dies)."""
    locks = root() / ".locks"
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / f"{digest}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _build(home: Path, digest: str, packages: list[tuple[str, str, str]],
           payload: dict[str, Any]) -> Environment:
    scratch = root() / f".building-{digest}-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    (scratch / "site").mkdir(parents=True)
    try:
        installed = uv.install(packages, scratch / "site",
                               timeout_s=settings.PACKAGES_INSTALL_TIMEOUT_S)
    except (uv.UvError, TimeoutError, OSError) as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        message = exc.message if isinstance(exc, uv.UvError) else str(exc)
        raise PackagesUnavailable(f"installing the step's packages failed: {message}") from None
    (scratch / READY).write_text(json.dumps({**payload, "built_at": time.time(),
                                             "seconds": round(installed.seconds, 3)}))
    _read_only(scratch)
    if home.exists():  # damaged (its lock.json removed by hand): replaced whole
        _remove(home)
    os.rename(scratch, home)
    logger.info("built package environment %s (%d packages) in %.2f s", digest[:12],
                len(packages), installed.seconds)
    return Environment(home / "site", digest, len(packages), installed.seconds,
                       installed.from_cache)


def _read_only(folder: Path) -> None:
    """Nobody writes into an environment once built: files 0444, directories 0555."""
    for path in [*folder.rglob("*"), folder]:
        if path.is_symlink():
            continue
        mode = 0o555 if path.is_dir() else (0o555 if path.stat().st_mode & stat.S_IXUSR
                                             else 0o444)
        path.chmod(mode)


def _writable(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)


def prune(keep: set[str]) -> dict[str, int]:
    """Remove this host's environments whose lock no kept compilation uses, and what killed
    builders left behind. One in use by a build here (its file lock held) is left for the
    next time."""
    report = {"removed": 0, "kept": 0}
    if not root().is_dir():
        return report
    for entry in root().iterdir():
        if entry.name.startswith((".building-", ".removing-")):
            owner = entry.name.rsplit("-", 1)[-1]
            if owner.isdigit() and not _alive(int(owner)):
                _writable(entry)
                shutil.rmtree(entry, ignore_errors=True)
            continue
        if not _DIGEST.match(entry.name):
            continue
        if entry.name in keep:
            report["kept"] += 1
            continue
        with _locked(entry.name, wait=False) as held:
            if held:
                _remove(entry)
                report["removed"] += 1
    return report


def _remove(folder: Path) -> None:
    trash = folder.with_name(f".removing-{folder.name}-{os.getpid()}")
    os.rename(folder, trash)  # gone from its address at once; deleted below
    _writable(trash)
    shutil.rmtree(trash, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
