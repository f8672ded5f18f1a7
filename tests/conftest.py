"""Shared fixtures: users, clients, example definitions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import make_user

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def user(db):  # type: ignore[no-untyped-def]
    return make_user(username="alice")


@pytest.fixture
def other_user(db):  # type: ignore[no-untyped-def]
    return make_user(username="bob")


@pytest.fixture
def staff_client(client, db):  # type: ignore[no-untyped-def]
    staff = make_user(username="operator", is_staff=True, is_superuser=True)
    client.force_login(staff)
    client.staff_user = staff
    return client


def load_example(name: str) -> dict:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def example_names() -> list[str]:
    return sorted(p.stem for p in EXAMPLES.glob("*.json") if not p.name.startswith("_"))
