"""Secrets at rest: Fernet tokens (cryptography), keys rotated with MultiFernet."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.FERNET_KEYS)
    if not keys:
        # Development fallback: a key derived from SECRET_KEY, stable across restarts.
        digest = hashlib.sha256(("fernet:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"FERNET_KEYS holds a key that is not 32 url-safe base64 bytes ({exc}); "
            "make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None


def encrypt_json(value: Any) -> str:
    """Encrypt any JSON value into a Fernet token string."""
    return _fernet().encrypt(json.dumps(value).encode()).decode()


def decrypt_json(token: str) -> Any:
    """Decrypt a token made by encrypt_json; a token from an unknown key is a config error."""
    if not token:
        return None
    try:
        return json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken:
        raise ImproperlyConfigured(
            "a stored secret cannot be decrypted with FERNET_KEYS: add the old key back "
            "after the new one"
        ) from None


def rotate(token: str) -> str:
    """Re-encrypt a token with the first (newest) key."""
    return _fernet().rotate(token.encode()).decode()
