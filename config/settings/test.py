"""Tests: real Redis and the real Redis channel layer; fast hashing; no .env."""

from config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
FERNET_KEYS = []
