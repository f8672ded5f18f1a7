"""Typed env readers that fail with one line naming the variable, instead of a deep traceback."""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

env = environ.Env()


def _fail(name: str, problem: str, example: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} {problem} (example: {name}={example})")


def read_str(name: str, default: str | None = None) -> str:
    value = env.str(name, default=default) if default is not None else env.str(name, default="")
    if not value:
        raise _fail(name, "is not set", "…")
    return value


def read_optional(name: str) -> str:
    """A value that may be absent ("" then), e.g. a token that turns a feature on."""
    return env.str(name, default="")


def read_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = read_str(name, default)
    if value not in choices:
        raise _fail(name, f"must be one of {', '.join(choices)}, not {value!r}", choices[0])
    return value


def read_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise _fail(name, f"must be true or false, not {raw!r}", "true")


def read_int(name: str, default: int) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise _fail(name, f"must be a whole number, not {raw!r}", str(default)) from None


def read_list(name: str, default: list[str]) -> list[str]:
    raw = env.str(name, default="")
    if raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_database(name: str, default: str) -> dict[str, Any]:
    raw = env.str(name, default=default)
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql", "psql"}:
        raise _fail(
            name,
            f"must be a sqlite:// or postgres:// URL, not {raw!r}",
            "postgres://user@127.0.0.1:5432/db",
        )
    try:
        config = environ.Env.db_url_config(raw)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise _fail(name, f"is not a valid database URL ({exc})",
                    "sqlite:///var/db.sqlite3") from None
    if not config.get("NAME"):
        raise _fail(name, "names no database", "postgres://user@127.0.0.1:5432/db")
    return config


def read_redis_url(name: str, default: str) -> str:
    raw = env.str(name, default=default)
    if not raw.startswith(("redis://", "rediss://", "unix://")):
        raise _fail(name, f"must be a redis:// URL, not {raw!r}", "redis://127.0.0.1:6379/0")
    return raw
