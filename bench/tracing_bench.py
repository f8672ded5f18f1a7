"""What OpenTelemetry traces cost the engine: the same chains run on a worker without
OTEL_EXPORTER_OTLP_ENDPOINT and on one with it (exporting to a local OTLP/HTTP receiver that
keeps only a count), in one run, beside raw Celery's hop on the same broker.

    .venv/bin/python bench/tracing_bench.py [--chain 200] [--python 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import common  # sets Django up: before any app import
from django.conf import settings  # noqa: E402

from apps.executions.models import StepRun  # noqa: E402
from apps.executions.services import execution_start  # noqa: E402
from apps.workflows import services as workflow_services  # noqa: E402
from bench.engine_bench import raw_hop_ms, transform_chain, wait_all  # noqa: E402

received = {"requests": 0, "bytes": 0}


class _Sink(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        size = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(size)
        received["requests"] += 1
        received["bytes"] += size
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


def measure(user, chain: int, pythons: int, tag: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median per-step hop of a transform chain (3 runs) and python claim → commit (median)."""
    wf = workflow_services.workflow_create(owner=user, definition=transform_chain(chain),
                                           slug=f"chain-{tag}")
    hops = []
    for _ in range(3):
        execution = execution_start(workflow=wf, owner=user, inputs={})
        wait_all([execution.pk])
        execution.refresh_from_db()
        hops.append((execution.finished_at - execution.started_at).total_seconds() * 1000
                    / chain)
    py = workflow_services.workflow_create(owner=user, slug=f"py-{tag}", definition={
        "name": "py", "nodes": [{"id": "p", "type": "python", "data": {
            "timeout_seconds": 10, "config": {"code": "def run(i, c):\n    return 1\n"}}}],
        "edges": []})
    steps = []
    for _ in range(pythons):
        execution = execution_start(workflow=py, owner=user, inputs={})
        wait_all([execution.pk])
        steps.append(StepRun.objects.get(execution=execution).duration_ms)
    return statistics.median(hops), statistics.median(steps)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chain", type=int, default=200)
    parser.add_argument("--python", type=int, default=20)
    args = parser.parse_args()
    sink = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    user = common.bench_user(max_concurrent=10000)
    queue = ["-Q", settings.CELERY_TASK_DEFAULT_QUEUE]
    raw = common.start_worker("bench.raw_celery", "raw", ["-Q", os.environ["RAW_QUEUE"]])
    try:
        raw_ms = statistics.median(raw_hop_ms(args.chain) for _ in range(3))
    finally:
        common.stop(raw)
    endpoint = f"http://127.0.0.1:{sink.server_address[1]}"
    results: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
    try:
        for round_ in range(2):  # off, on, off, on: drift on a shared machine hits both
            for mode in ("off", "on"):
                if mode == "on":
                    os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
                worker = common.start_worker("config", f"engine-{mode}", queue)
                try:
                    measure(user, 20, 3, f"warm-{mode}-{round_}")  # artifacts, sandboxes
                    results[mode].append(measure(user, args.chain, args.python,
                                                 f"{mode}-{round_}"))
                finally:
                    common.stop(worker)
                    os.environ.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    finally:
        sink.shutdown()
    off = tuple(statistics.median(r[i] for r in results["off"]) for i in (0, 1))
    on = tuple(statistics.median(r[i] for r in results["on"]) for i in (0, 1))
    common.print_table("OpenTelemetry traces: off and on, one run", [
        ("raw Celery hop", f"{raw_ms:.2f} ms", "baseline"),
        (f"step hop, chain of {args.chain} transforms, traces off", f"{off[0]:.2f} ms",
         f"{off[0] / raw_ms:.2f}× raw"),
        (f"step hop, chain of {args.chain} transforms, traces on", f"{on[0]:.2f} ms",
         f"{on[0] / raw_ms:.2f}× raw, {on[0] - off[0]:+.2f} ms"),
        ("python step claim → commit, traces off", f"{off[1]:.1f} ms", ""),
        ("python step claim → commit, traces on", f"{on[1]:.1f} ms",
         f"{on[1] - off[1]:+.1f} ms"),
        ("OTLP exports received", f"{received['requests']}",
         f"{received['bytes'] / 1024:.0f} KiB of spans"),
    ])


if __name__ == "__main__":
    main()
