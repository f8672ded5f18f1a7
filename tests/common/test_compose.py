"""docker-compose.yml (Docker cannot run here): every service, command and env var it names
exists in the project."""

from __future__ import annotations

import re

import yaml

from config.settings import envcheck
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


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
