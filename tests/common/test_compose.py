"""docker-compose.yml (Docker cannot run here): every service, command and env var it names
exists in the project."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from config.settings import envcheck
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _compose_cli() -> list[str] | None:
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"],
                                                 capture_output=True, check=False).returncode == 0:
        return ["docker", "compose"]
    return ["docker-compose"] if shutil.which("docker-compose") else None


COMPOSE_CLI = _compose_cli()


def test_production_services_are_all_there_with_healthchecks():
    assert {"postgres", "redis", "web", "worker", "flower"} <= set(SERVICES)
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in SERVICES[name], name
    assert {"postgres-data", "redis-data"} <= set(COMPOSE["volumes"])


def test_commands_point_at_real_entry_points():
    web = " ".join(SERVICES["web"]["command"])
    worker = " ".join(SERVICES["worker"]["command"])
    flower = " ".join(SERVICES["flower"]["command"])
    assert "daphne" in web and "config.asgi:application" in web
    assert worker.startswith("celery -A config worker") and "prefork" in worker
    assert "flower" in flower and "--basic-auth=" in flower
    from config import asgi, celery_app  # noqa: F401 - importable is the check

    assert (ROOT / "manage.py").exists() and (ROOT / "Dockerfile").exists()
    assert "migrate" in SERVICES["migrate"]["command"]


def test_worker_has_no_fixed_name_or_port_so_it_scales():
    worker = SERVICES["worker"]
    assert "ports" not in worker and "container_name" not in worker


def test_every_env_var_compose_names_is_read_or_documented():
    text = (ROOT / "docker-compose.yml").read_text()
    named = set(re.findall(r"\$\{(\w+)\}", text))
    example = (ROOT / ".env.example").read_text()
    settings_text = "".join(p.read_text() for p in (ROOT / "config" / "settings").glob("*.py"))
    for var in named:
        assert re.search(rf"^{var}=", example, re.M), f"{var} missing from .env.example"
    app_env = SERVICES["web"]["environment"]
    for var in app_env:
        assert f'"{var}"' in settings_text or var == "DJANGO_SETTINGS_MODULE", var
    assert envcheck.read_str  # the settings read env only through envcheck


@pytest.mark.skipif(COMPOSE_CLI is None, reason="needs docker compose or Debian's docker-compose "
                    "(.ci/run installs it); Docker's engine is not needed to check the file")
def test_docker_compose_config_accepts_the_file(tmp_path):
    """What `docker compose config` says of the file, with .env.example as the .env."""
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    checked = subprocess.run([*COMPOSE_CLI, "config", "-q"], cwd=tmp_path, capture_output=True,
                             text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stderr
    services = subprocess.run([*COMPOSE_CLI, "config", "--services"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=60, check=True).stdout
    assert set(services.split()) == set(SERVICES)
