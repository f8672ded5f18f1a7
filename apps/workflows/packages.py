"""Python steps' requirements at save: the cache of locks by requirement set, resolving what
it lacks with uv (apps/common/uv.py), and the locks as the compiler reads them
(compiler/requirements.py). docs/workflow-format.md, "Packages", tells the whole story.

A resolution is: uv locks the lines into exact wheels, then installs them into a scratch
directory, which proves every wheel installs here and tells which modules each provides (what
the compiler checks imports against). The result is cached by the normalised requirement set,
the target interpreter and the index: a save whose requirements did not change reads a row. A
failure is cached for FAILURE_TTL_S only (a package may be published a minute later).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone
from packaging.utils import canonicalize_name

from apps.common import uv
from apps.workflows.models import PackageLock as LockRow
from compiler import requirements
from compiler.requirements import LockedPackage, PackageLock

FAILURE_TTL_S = 60


@dataclass
class Resolution:
    """The locks a definition's python steps need, by requirement-set key; `pending`: sets
    still being resolved (the budget ran out), to be finished in the background."""

    locks: dict[str, PackageLock] = field(default_factory=dict)
    rows: list[LockRow] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def cache_key(lines: tuple[str, ...]) -> str:
    """Requirements, target and index: the same lines against another index or interpreter
    are another lock."""
    text = json.dumps({"requirements": list(lines), "target": uv.target(),
                       "index": uv.redact(uv.index_url())}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def resolve_definition(definition: Any, *, budget_s: float | None,
                       retry_failed: bool = False, store: bool = True) -> Resolution:
    """Every requirement set of the definition's python steps, from the cache or resolved
    now. `budget_s`: how long resolving may take in all (None: without a budget, each set up
    to PACKAGES_RESOLVE_TIMEOUT_S, and one that takes longer is a failed lock); sets left when
    it runs out are `pending`. `retry_failed`: cached failures are resolved again. `store`:
    False reads and writes no cache (no database: `manage.py compile_workflow FILE`)."""
    sets = requirements.requirement_sets(definition)
    resolution = Resolution()
    if not sets:
        return resolution
    keys = {set_key: cache_key(lines) for set_key, lines in sets.items()}
    fresh_failure = timezone.now() - timedelta(seconds=FAILURE_TTL_S)
    cached = {row.key: row for row in LockRow.objects.filter(key__in=keys.values())} \
        if store else {}
    deadline = None if budget_s is None else time.monotonic() + budget_s
    for set_key, lines in sorted(sets.items()):
        row = cached.get(keys[set_key])
        if row is not None and row.status == LockRow.Status.FAILED and (
                retry_failed or row.resolved_at < fresh_failure):
            row = None
        if row is None:
            limit = settings.PACKAGES_RESOLVE_TIMEOUT_S if deadline is None \
                else deadline - time.monotonic()
            if limit <= 0:
                resolution.pending.append(set_key)
                continue
            try:
                row = resolve(lines, key=keys[set_key], timeout_s=limit, store=store)
            except TimeoutError as exc:
                if deadline is not None:
                    resolution.pending.append(set_key)
                    continue
                resolution.locks[set_key] = PackageLock(error=f"resolving took too long: {exc}")
                continue
        resolution.rows.append(row)
        resolution.locks[set_key] = as_lock(row)
    return resolution


def resolve(lines: tuple[str, ...], *, key: str, timeout_s: float, store: bool = True) -> LockRow:
    """Lock and trial-install one requirement set; store the answer (a lock or uv's message).
    Raises TimeoutError when uv takes longer than `timeout_s` (nothing is stored then)."""
    started = time.monotonic()
    target = uv.target()
    values: dict[str, Any] = {"requirements": list(lines), "target": target}
    try:
        wheels = uv.lock(lines, timeout_s=timeout_s)
        modules = _trial_install(wheels, timeout_s=timeout_s - (time.monotonic() - started))
    except TimeoutError:
        raise  # the caller decides: pending (the web's budget) or a failure (no budget)
    except uv.UvError as exc:
        values.update(status=LockRow.Status.FAILED, packages=[], digest="", error=exc.message,
                      failed_package=exc.package[:200])
    except (OSError, ValueError) as exc:  # uv missing, its cache not writable, a bad lock
        values.update(status=LockRow.Status.FAILED, packages=[], digest="", failed_package="",
                      error=uv.redact(f"the resolver could not run here: {exc}")[:2000])
    else:
        packages = [LockedPackage(name=w.name, version=w.version, hash=w.hash, wheel=w.wheel,
                                  url=w.url, modules=modules.get(canonicalize_name(w.name), ()))
                    for w in wheels]
        values.update(status=LockRow.Status.RESOLVED, error="", failed_package="",
                      packages=[p.as_dict() for p in packages],
                      digest=uv.lock_digest(target, [(p.name, p.version, p.hash)
                                                     for p in packages]))
    values.update(duration_ms=round((time.monotonic() - started) * 1000, 1),
                  resolved_at=timezone.now())
    if not store:
        return LockRow(key=key, **values)
    try:
        row, _ = LockRow.objects.update_or_create(key=key, defaults=values)
    except IntegrityError:  # another save resolved the same set at the same moment
        row = LockRow.objects.get(key=key)
    return row


def _trial_install(wheels: list[LockedPackage], *, timeout_s: float) -> dict[str, tuple[str, ...]]:
    """Install the lock into a scratch directory: every wheel installs here, and each tells
    which top-level modules it provides."""
    if not wheels:
        return {}
    with tempfile.TemporaryDirectory(prefix="trial-") as tmp:
        folder = Path(tmp) / "site"
        folder.mkdir()
        uv.install([(w.name, w.version, w.hash) for w in wheels], folder, timeout_s=timeout_s)
        return uv.modules_in(folder)


def as_lock(row: LockRow) -> PackageLock:
    """The compiler's view of a cached answer."""
    if row.status != LockRow.Status.RESOLVED:
        return PackageLock(error=row.error or "the requirements could not be resolved",
                           failed_package=row.failed_package, target=row.target)
    packages = tuple(LockedPackage(name=p["name"], version=p["version"], hash=p["hash"],
                                   wheel=p.get("wheel", ""), url=p.get("url", ""),
                                   modules=tuple(p.get("modules") or ()))
                     for p in row.packages)
    return PackageLock(packages=packages, digest=row.digest, target=row.target)


def kept_digests() -> set[str]:
    """The environments some kept compilation uses: the others may go (retention)."""
    return set(LockRow.objects.filter(status=LockRow.Status.RESOLVED, compilations__isnull=False)
               .values_list("digest", flat=True).distinct())
