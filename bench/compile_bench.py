"""Compile time and memory for generated workflows of 10 to 10,000 nodes (chains, fan-outs).

Run: .venv/bin/python bench/compile_bench.py
Target (docs/architecture.md, "Figures"): 1,000 nodes in ≤ 0.5 s, growing close to linearly.
"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compiler import compile_definition  # noqa: E402

SIZES = (10, 100, 1000, 10000)


def chain(n: int) -> dict:
    nodes = [{"id": "s0", "type": "transform", "position": {"x": 0, "y": 0},
              "data": {"config": {"value": {"n": "{{ inputs.n }}"}}}}]
    for i in range(1, n):
        kind = ("transform", "python", "condition")[i % 3] if i % 7 else "http"
        nodes.append(_node(i, kind, f"s{i - 1}"))
    edges = [{"id": f"e{i}", "source": f"s{i - 1}", "target": f"s{i}",
              **({"sourceHandle": "true"} if nodes[i - 1]["type"] == "condition" else {})}
             for i in range(1, n)]
    return {"name": f"chain {n}", "nodes": nodes, "edges": edges,
            "input_schema": {"type": "object", "properties": {"n": {"type": "integer"}}},
            "output": f"{{{{ steps.s{n - 1}.output }}}}"}


def fanout(n: int) -> dict:
    nodes = [{"id": "s0", "type": "transform", "data": {"config": {"value": {"n": 1}}}}]
    nodes += [_node(i, "transform", "s0") for i in range(1, n - 1)]
    nodes.append({"id": f"s{n - 1}", "type": "transform",
                  "data": {"config": {"value": "{{ steps.s1.output }}"}}})
    edges = [{"source": "s0", "target": f"s{i}"} for i in range(1, n - 1)]
    edges += [{"source": f"s{i}", "target": f"s{n - 1}"} for i in range(1, n - 1)]
    return {"name": f"fanout {n}", "nodes": nodes, "edges": edges}


def _node(i: int, kind: str, prev: str) -> dict:
    ref = f"{{{{ steps.{prev}.output }}}}"
    config = {
        "transform": {"value": {"prev": ref, "i": i}},
        "python": {"code": f"import math\n\n\ndef run(inputs, ctx):\n    return math.sqrt({i})\n"},
        "condition": {"expression": f"{{{{ {i} > 0 }}}}"},
        "http": {"method": "POST", "url": "https://api.invalid/x", "body": {"v": ref}},
    }[kind]
    data = {"config": config, "timeout_seconds": 10}
    if kind == "python":
        data["inputs"] = {"prev": ref}
    return {"id": f"s{i}", "type": kind, "position": {"x": 0, "y": i * 100}, "data": data}


def measure(definition: dict, repeats: int) -> tuple[float, float, str]:
    times = []
    result = None
    for _ in range(repeats):
        started = time.perf_counter()
        result = compile_definition(definition)
        times.append(time.perf_counter() - started)
    tracemalloc.start()
    compile_definition(definition)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result is not None
    return statistics.median(times), peak / 1e6, result.status


def main() -> None:
    print(f"{'shape':<8} {'nodes':>6} {'median s':>9} {'µs/node':>8} {'peak MB':>8} status")
    for shape, build in (("chain", chain), ("fan-out", fanout)):
        for size in SIZES:
            seconds, peak_mb, status = measure(build(size), 5 if size <= 1000 else 2)
            print(f"{shape:<8} {size:>6} {seconds:>9.4f} {seconds / size * 1e6:>8.1f} "
                  f"{peak_mb:>8.1f} {status}")


if __name__ == "__main__":
    main()
