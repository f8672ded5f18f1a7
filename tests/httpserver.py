"""A loopback HTTP server for http steps: echo, fixed statuses, redirects. Records requests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[dict[str, Any]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Recorder

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.server.requests.append({"method": self.command, "path": parts.path,
                                     "query": parse_qs(parts.query),
                                     "headers": dict(self.headers), "body": body})
        if parts.path.startswith("/status/"):
            self._reply(int(parts.path.split("/")[2]), {"status": "as asked"})
        elif parts.path == "/redirect-to-self":
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/private")
            self.end_headers()
        elif parts.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", parse_qs(parts.query)["to"][0])
            self.end_headers()
        elif parts.path == "/orders":
            self._reply(200, [{"amount": 40}, {"amount": 80}])
        else:
            self._reply(200, {"method": self.command, "path": parts.path,
                              "query": parse_qs(parts.query),
                              "json": json.loads(body) if body.startswith(("{", "[")) else body})

    def _reply(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


def start_server() -> Recorder:
    server = Recorder()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
