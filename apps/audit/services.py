"""Recording and purging audit entries. `audit_record` is called by the services that change
things (starts, controls, approvals, settings, env vars, connections, tokens), so the API and
the web app are covered alike; it reads who and where from the current request."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from apps.audit.context import current_request
from apps.audit.models import AuditEntry
from apps.common.throttle import client_address

V = AuditEntry.Via


def audit_record(action: str, *, owner_id: int, target: str = "",
                 detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry. Only names and ids belong in `detail`, never values."""
    request = current_request()
    actor = getattr(request, "user", None) if request is not None else None
    signed_in = actor is not None and actor.is_authenticated
    if request is None or not signed_in:
        via = V.SYSTEM
    elif request.headers.get("Authorization"):  # a token (or basic auth for a new token)
        via = V.API
    else:
        via = V.WEB
    return AuditEntry.objects.create(
        owner_id=owner_id, actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "", action=action,
        target=target[:300], detail=detail or {}, via=via,
        address=client_address(request)[:64] if request is not None else "",
        user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:200])


def audit_owner_ids() -> list[int]:
    """The owners that have entries (what a purge looks at)."""
    return list(AuditEntry.objects.order_by().values_list("owner_id", flat=True).distinct())


def audit_purge(*, cutoffs: Mapping[int, datetime]) -> int:
    """Delete each owner's entries older than their cutoff (the retention service computes
    them from the runtime settings), in one delete per owner."""
    deleted = 0
    for owner_id, cutoff in cutoffs.items():
        deleted += AuditEntry.objects.filter(owner_id=owner_id,
                                             created_at__lt=cutoff).delete()[0]
    return deleted
