"""Local development: DEBUG on, everything embedded (SQLite, a local or private Redis)."""

import environ

from config.settings.envcheck import env

environ.Env.read_env(str(__import__("pathlib").Path(__file__).resolve().parents[2] / ".env"))
env.ENVIRON.setdefault("DEBUG", "true")

from config.settings.base import *  # noqa: E402,F403
