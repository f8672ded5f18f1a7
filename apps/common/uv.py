"""uv, the package resolver and installer (its PyPI wheel ships the binary), driven for
python steps' requirements: resolve lines into a lock of exact wheels, install a lock into a
directory. The save resolves (apps/workflows/packages.py); each worker host installs
(worker/packages.py).

Wheels only: uv never builds a source distribution here, since building one runs the
package's own code, outside any sandbox. uv sees only what the settings give it: the index
(PACKAGES_INDEX_URL), its cache (PACKAGES_CACHE_DIR), the proxy and certificate variables;
none of this process's environment (secrets, database URL) and no uv or pip config file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import uv as uv_package
from django.conf import settings
from packaging.tags import sys_tags
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from compiler.requirements import LockedPackage

_CREDENTIALS = re.compile(r"(?<=//)[^/@\s]+@")
_PACKAGE = re.compile(r"Because (?:there (?:is|are) no versions? of )?([A-Za-z0-9][A-Za-z0-9._-]*)")


class UvError(Exception):
    """uv said no (or did not answer in time): its message, and the package it names."""

    def __init__(self, message: str, package: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.package = package


@dataclass(frozen=True)
class Installed:
    seconds: float
    from_cache: bool  # everything came from uv's cache, nothing from the index


def target() -> dict[str, str]:
    """What a lock is resolved for: this interpreter (web and workers run one image)."""
    return {"python": f"{sys.version_info.major}.{sys.version_info.minor}",
            "implementation": sys.implementation.name, "platform": sysconfig.get_platform()}


def redact(text: str) -> str:
    """URLs without their credentials (a private index's token never reaches an issue)."""
    return _CREDENTIALS.sub("****@", text)


def index_url() -> str:
    return settings.PACKAGES_INDEX_URL


def _environment() -> dict[str, str]:
    cache = Path(settings.PACKAGES_CACHE_DIR)
    cache.mkdir(parents=True, exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": str(cache), "LANG": "C.UTF-8",
            "UV_CACHE_DIR": str(cache), "UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never",
            "UV_HTTP_RETRIES": str(settings.PACKAGES_HTTP_RETRIES), "UV_NO_PROGRESS": "1",
            **settings.PACKAGES_UV_ENV}


def _run(args: list[str], *, timeout_s: float, cwd: Path) -> str:
    """Run uv; its stdout, or UvError with its message. A whole process group, so a timeout
    also stops the interpreters uv starts (bytecode compilation)."""
    command = [uv_package.find_uv_bin(), *args]
    proc = subprocess.Popen(command, cwd=cwd, env=_environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=max(0.1, timeout_s))
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise TimeoutError(f"uv did not finish within {timeout_s:.0f} s") from None
    if proc.returncode != 0:
        message = _message(err)
        found = _PACKAGE.search(message)
        raise UvError(message, found.group(1) if found else "")
    return out


def _message(stderr: str) -> str:
    """uv's own words, without its progress chatter, credentials or hints about flags
    the platform sets for it."""
    lines = [line.rstrip() for line in stderr.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.lower().startswith("error")), 0)
    kept = [line.strip() for line in lines[start:]
            if line.strip() and not line.startswith("hint: Wheels are required")]
    return redact(" ".join(kept))[:2000] or "uv failed without a message"


def _common() -> list[str]:
    return ["--python", sys.executable, "--index-url", index_url(), "--only-binary", ":all:",
            "--quiet"]


def lock(lines: tuple[str, ...], *, timeout_s: float) -> list[LockedPackage]:
    """Resolve requirement lines into exact wheels for this target (pylock.toml, PEP 751).
    Raises UvError or TimeoutError."""
    with tempfile.TemporaryDirectory(prefix="resolve-") as tmp:
        folder = Path(tmp)
        (folder / "requirements.in").write_text("\n".join(lines) + "\n")
        _run(["pip", "compile", "requirements.in", "--format", "pylock.toml", "--output-file",
              "pylock.toml", "--no-header", *_common()], timeout_s=timeout_s, cwd=folder)
        document = tomllib.loads((folder / "pylock.toml").read_text())
    supported = {str(tag): rank for rank, tag in enumerate(sys_tags())}
    return [_pick_wheel(entry, supported) for entry in document.get("packages", [])]


def _pick_wheel(entry: dict[str, object], supported: dict[str, int]) -> LockedPackage:
    """The best wheel of a locked package for this interpreter (pylock lists them all)."""
    name, version = str(entry.get("name")), str(entry.get("version"))
    best: tuple[int, str, str, str] | None = None
    wheels = entry.get("wheels")
    for wheel in wheels if isinstance(wheels, list) else []:
        url = str(wheel.get("url") or "")
        filename = str(wheel.get("name") or unquote(urlsplit(url).path.rsplit("/", 1)[-1]))
        digest = (wheel.get("hashes") or {}).get("sha256")
        try:
            tags = parse_wheel_filename(filename)[3]
        except InvalidWheelFilename:
            continue
        rank = min((supported.get(str(tag), 10**9) for tag in tags), default=10**9)
        if digest and rank < 10**9 and (best is None or rank < best[0]):
            best = (rank, filename, redact(url), f"sha256:{digest}")
    if best is None:
        raise UvError(f"{name} {version} has no wheel for this platform "
                      f"({next(iter(supported), 'unknown')}), and only wheels are installed",
                      name)
    return LockedPackage(name=name, version=version, hash=best[3], wheel=best[1], url=best[2])


def install(packages: list[tuple[str, str, str]], into: Path, *, timeout_s: float) -> Installed:
    """Install exactly these (name, version, hash) wheels into `into` (no dependencies: a
    lock is complete), bytecode compiled so a read-only environment imports fast. From uv's
    cache alone when it has them all, else from the index. Raises UvError or TimeoutError."""
    started = time.monotonic()
    requirements = into.parent / f".{into.name}.requirements.txt"
    requirements.write_text("".join(f"{name}=={version} --hash={digest}\n"
                                    for name, version, digest in packages))
    args = ["pip", "install", "--target", str(into), "--no-deps", "--require-hashes",
            "--link-mode", "copy", "--compile-bytecode", "-r", str(requirements), *_common()]
    try:
        try:
            _run([*args, "--offline"], timeout_s=timeout_s, cwd=into.parent)
            from_cache = True
        except UvError:
            remaining = timeout_s - (time.monotonic() - started)
            _run(args, timeout_s=remaining, cwd=into.parent)
            from_cache = False
    finally:
        requirements.unlink(missing_ok=True)
    (into / ".lock").unlink(missing_ok=True)  # uv's own, world-writable
    return Installed(seconds=time.monotonic() - started, from_cache=from_cache)


def modules_in(folder: Path) -> dict[str, tuple[str, ...]]:
    """Canonical distribution name -> the top-level modules it installed into `folder`
    (read from each wheel's RECORD: `yaml` for pyyaml, `bs4` for beautifulsoup4)."""
    found: dict[str, tuple[str, ...]] = {}
    for record in folder.glob("*.dist-info/RECORD"):
        name = _metadata_name(record.parent) or record.parent.name.rsplit("-", 1)[0]
        tops = set()
        for row in record.read_text(errors="replace").splitlines():
            path = row.split(",", 1)[0]
            first = path.split("/", 1)[0]
            if not first or first.startswith("..") or first.endswith((".dist-info", ".data")):
                continue
            if first == "__pycache__" or first.endswith(".pth"):
                continue
            module = first.split(".", 1)[0] if "/" not in path else first
            if module.isidentifier():
                tops.add(module)
        found[canonicalize_name(name)] = tuple(sorted(tops))
    return found


def _metadata_name(dist_info: Path) -> str:
    with contextlib.suppress(OSError):
        for line in (dist_info / "METADATA").read_text(errors="replace").splitlines():
            if line.lower().startswith("name:"):
                return line.split(":", 1)[1].strip()
            if not line:
                break
    return ""


def lock_digest(target_: dict[str, str], packages: list[tuple[str, str, str]]) -> str:
    """The content address of a lock: the same wheels for the same target, the same digest."""
    text = json.dumps({"target": dict(sorted(target_.items())),
                       "packages": sorted([list(p) for p in packages])}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()
