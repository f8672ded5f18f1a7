"""A `python` step's `config.requirements`: PEP 508 lines checked and normalised, the key of
a requirement set, and what a resolved lock provides to the step's imports
(docs/workflow-format.md, "Packages").

Pure: resolving is I/O and happens outside the compiler (apps/workflows/packages.py, at save);
its result reaches the compiler through the compile context as `PackageLock`s keyed by
`set_key()`, the way env vars and connections do.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

MAX_REQUIREMENTS = 100  # lines per step
MAX_LINE = 500  # characters per line
MAX_SETS = 50  # distinct requirement sets per workflow: each is a resolution at save

# Modules a step may import without declaring them: the standard library, and of the
# worker's own packages none (docs/workflow-format.md, "Packages"). The sandbox puts nothing
# of the worker's site-packages on a step's path, so this is what works at run time too.
WORKER_PROVIDED: frozenset[str] = frozenset()

# Import names whose distribution is named otherwise, for the suggestion of what to add.
DISTRIBUTION_OF = {
    "yaml": "pyyaml", "bs4": "beautifulsoup4", "PIL": "pillow", "sklearn": "scikit-learn",
    "cv2": "opencv-python-headless", "dateutil": "python-dateutil", "jwt": "pyjwt",
    "dotenv": "python-dotenv", "attr": "attrs", "Crypto": "pycryptodome",
    "google": "google-cloud-storage", "magic": "python-magic", "docx": "python-docx",
    "pptx": "python-pptx", "serial": "pyserial", "usb": "pyusb", "zmq": "pyzmq",
    "MySQLdb": "mysqlclient", "psycopg2": "psycopg2-binary", "OpenSSL": "pyopenssl",
}


@dataclass(frozen=True)
class LockedPackage:
    """One package of a lock: exactly this wheel of this version."""

    name: str
    version: str
    hash: str  # "sha256:<hex>" of the wheel
    wheel: str = ""  # the wheel's file name
    url: str = ""  # where the resolver found it (without credentials)
    modules: tuple[str, ...] = ()  # the top-level import names it installs

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "hash": self.hash,
                "wheel": self.wheel, "url": self.url, "modules": list(self.modules)}


@dataclass(frozen=True)
class PackageLock:
    """A requirement set as the resolver answered it: a lock, or why there is none."""

    packages: tuple[LockedPackage, ...] = ()
    digest: str = ""  # sha256 of the lock: the address of its environment on a worker host
    target: Mapping[str, str] = field(default_factory=dict)  # python, platform
    error: str = ""  # the resolver's own message when it could not resolve
    failed_package: str = ""  # the package the message is about, when known

    @property
    def ok(self) -> bool:
        return not self.error

    @property
    def modules(self) -> frozenset[str]:
        return frozenset(m for package in self.packages for m in package.modules)

    def payload(self) -> dict[str, Any]:
        """What the worker needs to build (or find) the environment: in the artifact."""
        return {"digest": self.digest, "target": dict(sorted(self.target.items())),
                "packages": [[p.name, p.version, p.hash] for p in self.packages]}


@dataclass(frozen=True)
class Parsed:
    """The lines of one step: normalised (sorted, one per distinct line) and the bad ones."""

    lines: tuple[str, ...]
    problems: tuple[tuple[int, str], ...]  # (index, what is wrong)
    names: Mapping[str, int] = field(default_factory=dict)  # canonical name -> first index


def normalise(requirement: Requirement) -> str:
    """One spelling per meaning: canonical name, sorted extras, the specifier and marker as
    packaging prints them (`PyYAML >= 6` and `pyyaml>=6` are the same line)."""
    text = canonicalize_name(requirement.name)
    if requirement.extras:
        text += "[" + ",".join(sorted(canonicalize_name(e) for e in requirement.extras)) + "]"
    text += str(requirement.specifier)
    if requirement.marker is not None:
        text += f"; {requirement.marker}"
    return text


def parse(value: Any) -> Parsed:
    """Check each line; a wrong one is a problem at its index, the others still count."""
    if not isinstance(value, list):
        return Parsed((), ())
    lines: set[str] = set()
    problems: list[tuple[int, str]] = []
    names: dict[str, int] = {}
    if len(value) > MAX_REQUIREMENTS:
        problems.append((MAX_REQUIREMENTS, f"more than {MAX_REQUIREMENTS} requirements"))
    for index, line in enumerate(value[:MAX_REQUIREMENTS]):
        if not isinstance(line, str):
            continue  # the schema reports it
        if len(line) > MAX_LINE:
            problems.append((index, f"a requirement is at most {MAX_LINE} characters"))
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as exc:
            problems.append((index, f"{line!r} is not a PEP 508 requirement: "
                                    f"{str(exc).splitlines()[0]}"))
            continue
        if requirement.url:
            problems.append((index, f"{line!r} names a URL; requirements come from the "
                                    "package index only"))
            continue
        lines.add(normalise(requirement))
        names.setdefault(canonicalize_name(requirement.name), index)
    return Parsed(tuple(sorted(lines)), tuple(problems), names)


def set_key(lines: tuple[str, ...]) -> str:
    """The cache key of a normalised requirement set."""
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def requirement_sets(definition: Any, *, limit: int | None = MAX_SETS
                     ) -> dict[str, tuple[str, ...]]:
    """Every python step's well-formed requirement set, by key, in node order: what the save
    resolves (at most `limit`: more is the workflow's issue, checks.py). Tolerant of any
    input (a malformed definition simply has fewer sets)."""
    sets: dict[str, tuple[str, ...]] = {}
    nodes = definition.get("nodes") if isinstance(definition, dict) else None
    for node in nodes if isinstance(nodes, list) else []:
        if not isinstance(node, dict) or node.get("type") != "python":
            continue
        data = node.get("data")
        config = data.get("config") if isinstance(data, dict) else None
        if not isinstance(config, dict):
            continue
        parsed = parse(config.get("requirements"))
        if parsed.lines and not parsed.problems:
            sets[set_key(parsed.lines)] = parsed.lines
            if limit is not None and len(sets) >= limit:
                break
    return sets


def is_stdlib(module: str) -> bool:
    top = module.split(".", 1)[0]
    return top in sys.stdlib_module_names or top in sys.builtin_module_names


def provided(module: str, lock: PackageLock | None) -> bool:
    """Whether a step with `lock` (None: no requirements) can import `module`."""
    top = module.split(".", 1)[0]
    if is_stdlib(top) or top in WORKER_PROVIDED:
        return True
    return lock is not None and top in lock.modules


def distribution_for(module: str) -> str:
    """The requirement that most likely provides an import name."""
    top = module.split(".", 1)[0]
    return DISTRIBUTION_OF.get(top, canonicalize_name(top.replace("_", "-")))


def failed_index(lock: PackageLock, parsed: Parsed) -> int | None:
    """The line a resolver's failure is about, when its package is one the step names."""
    if lock.failed_package:
        return parsed.names.get(canonicalize_name(lock.failed_package))
    return None
