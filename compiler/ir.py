"""What the checks learn about a definition, in the form codegen and step types read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compiler import pycode
from compiler.graph import Graph
from compiler.requirements import PackageLock
from compiler.result import Issue


@dataclass
class Step:
    """A node that passed the structural checks, in the form later checks and codegen need."""

    id: str
    type: str
    index: int
    data: dict[str, Any]
    config: dict[str, Any]
    inputs: dict[str, Any]
    code_report: pycode.CodeReport | None = None
    packages: PackageLock | None = None  # a python step's resolved requirements


@dataclass
class Checked:
    """What the checks learned; codegen uses it when there are no errors."""

    issues: list[Issue] = field(default_factory=list)
    steps: dict[str, Step] = field(default_factory=dict)
    graph: Graph | None = None
    topo: list[str] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    modules: set[str] = field(default_factory=set)
    env_vars: set[str] = field(default_factory=set)
    connections: set[str] = field(default_factory=set)
    subworkflows: set[str] = field(default_factory=set)
    secret_inputs: set[str] = field(default_factory=set)
    package_locks: dict[str, PackageLock] = field(default_factory=dict)  # step id -> lock

    @property
    def has_errors(self) -> bool:
        return any(issue.type == "error" for issue in self.issues)
