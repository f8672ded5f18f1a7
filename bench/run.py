"""`make bench`: every benchmark in turn, each printing its table. The API and insights
benchmarks and the 10-minute soak need PostgreSQL (DATABASE_URL); the others use it when set,
else a fresh SQLite file each."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["compile_bench.py", "mask_bench.py", "engine_bench.py", "stream_bench.py",
           "peers_bench.py", "triggers_bench.py", "flow_bench.py", "tracing_bench.py",
           "packages_bench.py",
           "api_bench.py", "insights_bench.py", "capacity.py", "retention_bench.py", "soak.py"]
POSTGRES_ONLY = {"api_bench.py", "insights_bench.py", "capacity.py", "retention_bench.py",
                 "soak.py"}


def main() -> int:
    failed = 0
    for bench in BENCHES:
        if bench in POSTGRES_ONLY and not os.environ.get("DATABASE_URL", "").startswith(
                "postgres"):
            print(f"\n{bench} skipped: set DATABASE_URL=postgres://… (it measures "
                  "PostgreSQL with a million rows)")
            continue
        print(f"\n=== {bench}", flush=True)
        failed |= subprocess.call([sys.executable, str(HERE / bench)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
