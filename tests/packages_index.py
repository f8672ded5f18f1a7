"""A PEP 503 "simple" package index on loopback, for python steps' requirements: tiny
pure-Python wheels the tests build themselves (a wheel is a zip with METADATA, WHEEL and
RECORD) and a source-only package. It records the files fetched, and can answer slowly."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import re
import tarfile
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

# What every index starts with: versions not installed in the worker's own environment.
BASE = [("tinyver", "1.0.0"), ("tinyver", "2.0.0"), ("greetlib", "0.4.1"),
        ("colorpad", "3.2.0"), ("padkit", "1.1.0"), ("numbits", "0.9.0")]


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(folder: Path, name: str, version: str, modules: dict[str, str] | None = None,
                requires: tuple[str, ...] = ()) -> Path:
    """`modules`: top-level package name -> its __init__.py (default: one named like the
    distribution, saying its version)."""
    dist = re.sub(r"[-_.]+", "_", name)
    info = f"{dist}-{version}.dist-info"
    modules = modules or {dist: f"__version__ = {version!r}\n\n\ndef hello(who):\n"
                                f"    return f'hello {{who}} from {name} {version}'\n"}
    files = {f"{module}/__init__.py": text.encode() for module, text in modules.items()}
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    files[f"{info}/METADATA"] = metadata.encode()
    files[f"{info}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    record = [f"{path},{_record_hash(data)},{len(data)}" for path, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in sorted(files.items()):
            archive.writestr(zipfile.ZipInfo(member, (2024, 1, 1, 0, 0, 0)), data)
    return path


def build_sdist(folder: Path, name: str, version: str) -> Path:
    """A source distribution only: the platform must refuse it rather than build it."""
    path = folder / f"{name}-{version}.tar.gz"
    data = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    with tarfile.open(path, "w:gz") as archive:
        member = tarfile.TarInfo(f"{name}-{version}/PKG-INFO")
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))
    return path


class PackageIndex(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, folder: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.downloads: list[str] = []  # file names served
        self.pages: list[str] = []  # project pages asked for
        self.delay_s = 0.0  # before answering a project page

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/simple/"

    def add_wheel(self, name: str, version: str, **options: Any) -> Path:
        return build_wheel(self.folder, name, version, **options)

    def add_sdist(self, name: str, version: str) -> Path:
        return build_sdist(self.folder, name, version)

    def project(self, name: str) -> list[Path]:
        wanted = canonicalize_name(name)
        return sorted(p for p in self.folder.iterdir()
                      if canonicalize_name(re.split(r"-\d", p.name, maxsplit=1)[0]) == wanted)

    def downloaded(self, name: str) -> int:
        prefix = re.sub(r"[-_.]+", "_", name) + "-"
        return sum(1 for f in self.downloads if f.startswith((prefix, f"{name}-")))


class _Handler(BaseHTTPRequestHandler):
    server: PackageIndex

    def log_message(self, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - uv asks whether a wheel can be read in ranges
        self.head_only = True
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        parts = [p for p in self.path.split("?")[0].split("/") if p]
        if len(parts) == 2 and parts[0] == "simple":
            self.server.pages.append(parts[1])
            time.sleep(self.server.delay_s)
            files = self.server.project(parts[1])
            if not files:
                return self._send(404, b"not found", "text/plain")
            links = "".join(
                f'<a href="../../files/{html.escape(f.name)}#sha256='
                f'{hashlib.sha256(f.read_bytes()).hexdigest()}">{html.escape(f.name)}</a>\n'
                for f in files)
            body = f"<!DOCTYPE html><html><body>\n{links}</body></html>".encode()
            return self._send(200, body, "text/html")
        if len(parts) == 2 and parts[0] == "files":
            path = self.server.folder / parts[1]
            if path.is_file():
                if not getattr(self, "head_only", False):
                    self.server.downloads.append(path.name)
                return self._send(200, path.read_bytes(), "application/octet-stream")
        return self._send(404, b"not found", "text/plain")

    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")  # uv revalidates: projects change here
        self.end_headers()
        if not getattr(self, "head_only", False):
            self.wfile.write(body)


def start_index(folder: Path) -> PackageIndex:
    index = PackageIndex(folder)
    for name, version in BASE:
        index.add_wheel(name, version)
    index.add_sdist("srconly", "1.0")
    threading.Thread(target=index.serve_forever, daemon=True, name="package-index").start()
    return index
