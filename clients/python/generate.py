"""Regenerate the client's low-level layer (src/runtime_engine_client/_openapi) from the
server's OpenAPI schema with openapi-python-client (the version pinned in the repository's
dev dependencies). Run it after any change to the API:

    .venv/bin/python clients/python/generate.py            # rewrite _openapi in place
    .venv/bin/python clients/python/generate.py --out DIR  # write it elsewhere (the tests do)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TARGET = HERE / "src" / "runtime_engine_client" / "_openapi"


def json_bodies_only(schema: dict) -> dict:
    """Every request body as JSON only. DRF declares each body three times (JSON, form,
    multipart) with one model, and the generator cannot tell them apart: its request builder
    would send every body as multipart, which the server cannot read as JSON objects. Bodies
    without a JSON form (file uploads) keep theirs."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            content = (operation.get("requestBody") or {}).get("content") if isinstance(
                operation, dict) else None
            if isinstance(content, dict) and "application/json" in content:
                operation["requestBody"]["content"] = {"application/json":
                                                       content["application/json"]}
    return schema


def generate(out: Path) -> None:
    """Write the generated package to `out` (replaced whole)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as work:
        schema = Path(work) / "schema.json"
        subprocess.run([sys.executable, "manage.py", "spectacular", "--format", "openapi-json",
                        "--file", str(schema)], cwd=ROOT, env=env, check=True)
        schema.write_text(json.dumps(json_bodies_only(json.loads(schema.read_text()))))
        built = Path(work) / "_openapi"
        subprocess.run([str(Path(bin_dir) / "openapi-python-client"), "generate", "--path",
                        str(schema), "--config", str(HERE / "openapi-config.yaml"), "--meta",
                        "none", "--output-path", str(built)], cwd=work, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(built, out)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET)
    generate(parser.parse_args().out)
