"""What the compiler may know about the owner's world, passed in so the compiler stays pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from compiler.requirements import PackageLock


@dataclass(frozen=True)
class SubWorkflow:
    """Another saved workflow as seen by a `workflow` step: its inputs and whom it calls."""

    input_schema: dict[str, Any]
    calls: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompileContext:
    """None for a set means "unknown here": the check is skipped rather than failing."""

    env_vars: frozenset[str] | None = None
    connections: frozenset[str] | None = None
    workflows: Mapping[str, SubWorkflow] | None = None
    self_slug: str | None = None
    # Resolved requirement sets by compiler.requirements.set_key(); None: nothing resolved
    # them here, so a step that declares requirements cannot compile.
    python_locks: Mapping[str, PackageLock] | None = None
    timeout_ceiling_s: float = 3600
    settings_hint: str = "Runtime settings"  # where env vars and connections are set up
