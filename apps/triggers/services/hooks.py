"""Webhooks: a workflow's hook URL, its secret (shown once, checked in constant time as a
Bearer token or an HMAC-SHA256 signature of the raw body), and a delivery that starts the
workflow with the JSON body as its inputs, once per Idempotency-Key."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import shlex
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from apps.common import throttle
from apps.common.crypto import decrypt_json, encrypt_json
from apps.common.exceptions import ApplicationError, NotFound, TooManyRequests, Unauthenticated
from apps.common.jsontext import loads_storable
from apps.common.schema_example import example_inputs
from apps.executions.engine.artifacts import artifact_module
from apps.executions.models import Execution, Priority
from apps.executions.services.start import execution_start, runnable_compilation
from apps.triggers.models import Hook
from apps.workflows.models import Workflow

SIGNATURE_HEADER = "X-Signature-256"
HOW_TO_AUTHENTICATE = (f"Send the hook's secret as `Authorization: Bearer <secret>`, or sign "
                       f"the raw body: `{SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of the body "
                       f"with the secret as key>`.")


def delivery_path(hook: Hook) -> str:
    """Where a sender POSTs (the caller makes it absolute for its host)."""
    return f"/hooks/{hook.pk}/"


def example_body(workflow: Workflow) -> dict[str, Any]:
    """Inputs the workflow accepts as a delivery's body: its required inputs with example
    values of their types, and the defaults it declares (from the revision a delivery runs,
    or the saved definition while none compiles)."""
    try:
        schema = artifact_module(runnable_compilation(workflow)).INPUT_SCHEMA
    except ApplicationError:
        definition = workflow.definition if isinstance(workflow.definition, dict) else {}
        schema = definition.get("input_schema")
    return example_inputs(schema or {})


def curl_line(url: str, secret: str, body: dict[str, Any]) -> str:
    """A delivery a person can paste into a terminal, quoted for a POSIX shell."""
    data = json.dumps(body, ensure_ascii=False)
    return (f"curl -X POST {shlex.quote(url)} -H {shlex.quote(f'Authorization: Bearer {secret}')} "
            f"-H 'Content-Type: application/json' -d {shlex.quote(data)}")


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def hook_rotate(*, workflow: Workflow) -> tuple[Hook, str]:
    """Create the workflow's hook, or give it a new secret (the old one stops working);
    returns the hook and the secret, shown this once."""
    secret = "whsec_" + secrets.token_urlsafe(32)
    hook = Hook.objects.select_for_update().filter(workflow=workflow).first() or Hook(
        workflow=workflow)
    hook.enabled = True
    hook.secret_sha256 = _digest(secret)
    hook.encrypted_secret = encrypt_json(secret)
    hook.save()
    return hook, secret


def hook_disable(*, workflow: Workflow) -> None:
    Hook.objects.filter(workflow=workflow).update(enabled=False)


def hook_set_priority(*, workflow: Workflow, priority: Priority) -> Hook:
    """The priority of the runs its deliveries start (the secret stays)."""
    hook = Hook.objects.filter(workflow=workflow).first()
    if hook is None:
        raise NotFound("This workflow has no webhook yet.",
                       suggestion="Create it first (POST to the same URL).")
    hook.priority = priority
    hook.save(update_fields=["priority"])
    return hook


def _hook_limit() -> throttle.Limit:
    by_address, _ = throttle.sign_in_limits()
    return throttle.Limit("hook-auth", by_address.count, by_address.window_s)


def _authenticate(hook: Hook, body: bytes, headers: Mapping[str, str]) -> None:
    authorization = headers.get("Authorization", "")
    signature = headers.get(SIGNATURE_HEADER, "")
    if authorization.startswith("Bearer "):
        given = _digest(authorization.removeprefix("Bearer ").strip())
        if hmac.compare_digest(given, hook.secret_sha256):
            return
        raise Unauthenticated("The bearer token is not this hook's secret.",
                              suggestion=HOW_TO_AUTHENTICATE)
    if signature:
        expected = hmac.new(decrypt_json(hook.encrypted_secret).encode(), body,
                            hashlib.sha256).hexdigest()
        if hmac.compare_digest(signature.strip().removeprefix("sha256="), expected):
            return
        raise Unauthenticated(f"The {SIGNATURE_HEADER} signature does not match the body.",
                              suggestion=HOW_TO_AUTHENTICATE)
    raise Unauthenticated(f"This webhook needs authentication: an Authorization: Bearer "
                          f"header or an {SIGNATURE_HEADER} signature.",
                          suggestion=HOW_TO_AUTHENTICATE)


def hook_deliver(*, hook_id: Any, body: bytes, headers: Mapping[str, str],
                 address: str) -> Execution:
    """Check the delivery and start the workflow with the body as its inputs (trigger
    `webhook`); a repeated Idempotency-Key returns the execution the first one started."""
    hook = Hook.objects.select_related("workflow", "workflow__owner").filter(
        pk=hook_id, enabled=True).first()
    if hook is None:
        raise NotFound("No such webhook, or it is disabled.",
                       suggestion="Create or rotate the workflow's hook to get a URL.")
    limit, who = _hook_limit(), f"{address}:{hook.pk}"
    wait = throttle.wait_s(limit, who)
    if wait:
        raise TooManyRequests(f"Too many failed deliveries: try again in {wait} s.",
                              extra={"retry_after": wait})
    try:
        _authenticate(hook, body, headers)
    except Unauthenticated:
        throttle.record_failure(limit, who)
        raise
    try:
        inputs = loads_storable(body.decode("utf-8")) if body.strip() else {}
    except (UnicodeDecodeError, ValueError) as exc:
        raise ApplicationError(f"The body is not JSON: {exc}", code="malformed_request",
                               suggestion="Send a JSON object: it becomes the inputs.") from None
    key = headers.get("Idempotency-Key", "")[:150]
    return execution_start(workflow=hook.workflow, owner=hook.workflow.owner, inputs=inputs,
                           trigger=Execution.Trigger.WEBHOOK,
                           idempotency_key=f"hook:{key}" if key else "",
                           source={"hook": {"id": str(hook.pk)}},
                           priority=Priority(hook.priority))
