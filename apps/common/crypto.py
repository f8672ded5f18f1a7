"""Secrets at rest: Fernet tokens (cryptography), keys rotated with MultiFernet."""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps as django_apps
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


def rotate_all(*, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every stored secret under the first key: each model lists its encrypted
    columns in ENCRYPTED_FIELDS. A row changed meanwhile is left as it is (it was written
    under the first key already). Returns the count per model and column."""
    counts: dict[str, int] = {}
    for model in django_apps.get_models():
        for field in getattr(model, "ENCRYPTED_FIELDS", ()):
            done, last = 0, None
            rows = model._default_manager.exclude(**{field: ""}).order_by("pk")
            while True:
                chunk = list((rows if last is None else rows.filter(pk__gt=last))
                             .values_list("pk", field)[:batch])
                if not chunk:
                    break
                for pk, token in chunk:
                    done += model._default_manager.filter(pk=pk, **{field: token}).update(
                        **{field: rotate(token)})
                last = chunk[-1][0]
            counts[f"{model._meta.label}.{field}"] = done
    return counts


def undecryptable_with_first_key() -> dict[str, int]:
    """Stored secrets the first key alone cannot read (0 everywhere: old keys can go)."""
    first = Fernet(list(settings.FERNET_KEYS)[0]) if settings.FERNET_KEYS else None
    found: dict[str, int] = {}
    for model in django_apps.get_models():
        for field in getattr(model, "ENCRYPTED_FIELDS", ()):
            bad = 0
            for token in model._default_manager.exclude(**{field: ""}).values_list(
                    field, flat=True).iterator():
                try:
                    (first or _fernet()).decrypt(token.encode())
                except InvalidToken:
                    bad += 1
            found[f"{model._meta.label}.{field}"] = bad
    return found
