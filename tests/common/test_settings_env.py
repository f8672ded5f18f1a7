"""Malformed env settings stop start-up with one clear line naming the variable."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run_manage(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.dev", **env_overrides})
    return subprocess.run([sys.executable, "manage.py", *(args or ("check",))], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("name", "value"), [
    ("DATABASE_URL", "mysql-ish-garbage"),
    ("DATABASE_URL", "postgres://"),
    ("REDIS_URL", "http://127.0.0.1:6379"),
    ("DEBUG", "maybe"),
    ("DB_CONN_MAX_AGE", "forever"),
])
def test_malformed_setting_is_one_line_naming_the_variable(name, value):
    result = run_manage({name: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: ") and name in lines[0]


def test_production_settings_require_their_secrets():
    result = run_manage({"DJANGO_SETTINGS_MODULE": "config.settings.prod", "SECRET_KEY": "x"})
    assert result.returncode == 2
    assert "is not set" in result.stderr and result.stderr.count("\n") == 1


def test_production_settings_pass_the_deploy_check(tmp_path):
    from cryptography.fernet import Fernet

    result = run_manage({
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "FERNET_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "runtime.example.com",
    }, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_logs_on_request(tmp_path):
    import json
    import sys

    code = ("import django, logging; django.setup(); "
            "logging.getLogger('apps.demo').warning('hello %s', 'world')")
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.dev",
           "LOG_FORMAT": "json", "VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello world" and line["level"] == "WARNING"
    assert line["logger"] == "apps.demo" and "time" in line and "pid" in line
    bad = run_manage({"LOG_FORMAT": "xml"}, "check")
    assert bad.returncode == 2 and "LOG_FORMAT must be one of plain, json" in bad.stderr + bad.stdout
