"""Alert rules: checked when saved (a webhook to a private address is refused unless its host
is allowed, like an `http` step's), evaluated by a periodic tick (at most one notification per
rule per cool-down), delivered with retries; every notification is recorded."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from apps.alerts import rules
from apps.alerts.models import AlertNotification, AlertRule
from apps.audit.services import audit_record
from apps.common import outbound
from apps.common.exceptions import ApplicationError
from apps.common.masking import masker_for
from apps.runtime.selectors import all_connection_secrets, env_for_execution, runtime_config_get
from apps.workflows.models import Workflow
from worker import dispatch

MAX_ATTEMPTS = 5
PARAM_MAX = 1_000_000  # counts, minutes and factors beyond this are typos
N = AlertNotification.Outcome


def _policy(owner_id: int) -> outbound.HttpPolicy:
    hosts = runtime_config_get(owner=owner_id)["http_allowed_hosts"]
    return outbound.HttpPolicy(allowed_hosts=frozenset(h.lower().rstrip(".") for h in hosts),
                                timeout_s=10)


def _check(owner_id: int, values: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, str] = {}
    kind = values.get("kind")
    if kind not in AlertRule.Kind.values:
        fields["kind"] = "One of " + ", ".join(AlertRule.Kind.values) + "."
    params = values.get("params") or {}
    if not isinstance(params, dict):
        fields["params"] = "Expected an object."
        params = {}
    for name, (kind_type, minimum) in rules.PARAMS.get(kind, {}).items():
        try:
            value = kind_type(params[name])
            if not math.isfinite(value) or not minimum <= value <= PARAM_MAX:
                raise ValueError
            params[name] = value
        except (KeyError, TypeError, ValueError, OverflowError):
            fields[f"params.{name}"] = (f"A number from {minimum:g} to {PARAM_MAX:,} is "
                                        "needed.")
    step_id = params.get("step_id")
    if step_id is not None and (not isinstance(step_id, str) or len(step_id) > 200):
        fields["params.step_id"] = "A step id (text, at most 200 characters)."
    channel, target = values.get("channel"), str(values.get("target") or "").strip()
    if channel == AlertRule.Channel.WEBHOOK:
        try:
            outbound.check_destination(target, _policy(owner_id))
        except outbound.HttpStepError as exc:
            fields["target"] = exc.message
        except ValueError as exc:  # a URL urllib cannot even split
            fields["target"] = f"Not a URL: {exc}."
    elif channel == AlertRule.Channel.EMAIL:
        try:
            validate_email(target)
        except ValidationError:
            fields["target"] = "Not an email address."
    else:
        fields["channel"] = "One of webhook, email."
    if not str(values.get("name") or "").strip():
        fields["name"] = "Give the rule a name."
    if fields:
        raise ApplicationError("The alert rule is not valid.", code="invalid_alert_rule",
                               fields=fields, suggestion="Fix the fields listed.")
    return {**values, "params": params, "target": target}


def _workflow(owner_id: int, workflow_id: Any) -> Workflow | None:
    if workflow_id in (None, ""):
        return None
    try:
        pk = int(workflow_id)
    except (TypeError, ValueError):
        pk = -1
    found = Workflow.objects.filter(owner_id=owner_id, pk=pk).first() if 0 < pk < 2**31 else None
    if found is None:
        raise ApplicationError("No such workflow.", code="invalid_alert_rule",
                               fields={"workflow": "Not one of your workflows."})
    return found


@transaction.atomic
def alert_rule_save(*, owner_id: int, rule: AlertRule | None = None,
                    **values: Any) -> AlertRule:
    """Create (rule None) or change a rule; every field is checked, none saved on error."""
    current = {"name": rule.name, "kind": rule.kind, "params": rule.params,
               "channel": rule.channel, "target": rule.target,
               "cooldown_minutes": rule.cooldown_minutes, "enabled": rule.enabled,
               "workflow": rule.workflow_id} if rule else {"cooldown_minutes": 30,
                                                            "enabled": True}
    checked = _check(owner_id, {**current, **values})
    checked["cooldown_minutes"] = min(max(int(checked.get("cooldown_minutes") or 0), 0),
                                      PARAM_MAX)
    rule = rule or AlertRule(owner_id=owner_id, last_checked_at=timezone.now())
    rule.workflow = _workflow(owner_id, checked.get("workflow"))
    for name in ("name", "kind", "params", "channel", "target", "cooldown_minutes", "enabled"):
        setattr(rule, name, checked[name])
    rule.save()
    audit_record("alert_rule.set", owner_id=owner_id, target=f"alert_rule:{rule.pk}",
                 detail={"kind": rule.kind, "channel": rule.channel})
    return rule


def alert_rule_delete(*, rule: AlertRule) -> None:
    audit_record("alert_rule.delete", owner_id=rule.owner_id, target=f"alert_rule:{rule.pk}")
    rule.delete()


def alerts_evaluate() -> int:
    """The tick: every enabled rule out of its cool-down looks at what happened since it last
    looked; a match records one notification and sends it. Returns how many were created."""
    created = 0
    for rule in AlertRule.objects.filter(enabled=True).select_related("owner"):
        created += _evaluate(rule)
    return created


def _evaluate(rule: AlertRule) -> int:
    now = timezone.now()
    since = rule.last_checked_at or rule.created_at
    cooling = rule.last_fired_at and now - rule.last_fired_at < timedelta(
        minutes=rule.cooldown_minutes)
    found = [] if cooling else rules.findings(rule, since, now)
    AlertRule.objects.filter(pk=rule.pk).update(last_checked_at=now)
    if not found:
        return 0
    _, env_secrets = env_for_execution(owner_id=rule.owner_id)
    masker = masker_for([*env_secrets, *all_connection_secrets(owner_id=rule.owner_id)])
    text = masker.mask(f"[{rule.name}] " + "\n".join(found))
    notification = AlertNotification.objects.create(rule=rule, text=text)
    AlertRule.objects.filter(pk=rule.pk).update(last_fired_at=now)
    transaction.on_commit(lambda: dispatch.enqueue_alert(notification.pk))
    return 1


def alert_deliver(*, notification_id: int) -> str:
    """One attempt to send: `sent`, `retrying` (try again later) or `failed` (gave up)."""
    notification = AlertNotification.objects.select_related("rule").get(pk=notification_id)
    if notification.outcome in (N.SENT, N.FAILED):
        return notification.outcome
    rule = notification.rule
    notification.attempts += 1
    try:
        if rule.channel == AlertRule.Channel.EMAIL:
            send_mail(subject=f"Runtime Engine alert: {rule.name}", message=notification.text,
                      from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[rule.target])
        else:
            answer = outbound.perform(
                {"method": "POST", "url": rule.target, "body": {"text": notification.text}},
                policy=_policy(rule.owner_id), connection_kind=None, connection_secret=None,
                idempotency_key=f"alert:{notification.pk}")
            if not 200 <= answer["status"] < 300:
                raise outbound.HttpStepError("connection_failure",
                                              f"the receiver answered {answer['status']}", "")
    except (outbound.HttpStepError, OSError) as exc:
        notification.last_error = str(getattr(exc, "message", exc))[:2000]
        notification.outcome = N.RETRYING if notification.attempts < MAX_ATTEMPTS else N.FAILED
    else:
        notification.outcome, notification.sent_at = N.SENT, timezone.now()
        notification.last_error = ""
    notification.save(update_fields=["attempts", "last_error", "outcome", "sent_at"])
    return notification.outcome
