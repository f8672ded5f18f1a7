from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_rule_kind_enum import AlertRuleKindEnum
from ..models.channel_enum import ChannelEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedAlertRuleWriteRequest")


@_attrs_define
class PatchedAlertRuleWriteRequest:
    """
    Attributes:
        name (str | Unset):
        kind (AlertRuleKindEnum | Unset): * `execution_failed` - Execution Failed
            * `step_failures` - Step Failures
            * `slow_execution` - Slow Execution
            * `approval_waiting` - Approval Waiting
        workflow (int | None | Unset): A workflow id; null: every workflow.
        params (Any | Unset): step_failures: {count, minutes, step_id?}; slow_execution: {factor}; approval_waiting:
            {minutes}.
        channel (ChannelEnum | Unset): * `webhook` - Webhook
            * `email` - Email
        target (str | Unset): The webhook URL (Slack-compatible JSON) or the email address.
        cooldown_minutes (int | Unset):
        enabled (bool | Unset):
    """

    name: str | Unset = UNSET
    kind: AlertRuleKindEnum | Unset = UNSET
    workflow: int | None | Unset = UNSET
    params: Any | Unset = UNSET
    channel: ChannelEnum | Unset = UNSET
    target: str | Unset = UNSET
    cooldown_minutes: int | Unset = UNSET
    enabled: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        workflow: int | None | Unset
        if isinstance(self.workflow, Unset):
            workflow = UNSET
        else:
            workflow = self.workflow

        params = self.params

        channel: str | Unset = UNSET
        if not isinstance(self.channel, Unset):
            channel = self.channel.value

        target = self.target

        cooldown_minutes = self.cooldown_minutes

        enabled = self.enabled

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if kind is not UNSET:
            field_dict["kind"] = kind
        if workflow is not UNSET:
            field_dict["workflow"] = workflow
        if params is not UNSET:
            field_dict["params"] = params
        if channel is not UNSET:
            field_dict["channel"] = channel
        if target is not UNSET:
            field_dict["target"] = target
        if cooldown_minutes is not UNSET:
            field_dict["cooldown_minutes"] = cooldown_minutes
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _kind = d.pop("kind", UNSET)
        kind: AlertRuleKindEnum | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = AlertRuleKindEnum(_kind)

        def _parse_workflow(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        workflow = _parse_workflow(d.pop("workflow", UNSET))

        params = d.pop("params", UNSET)

        _channel = d.pop("channel", UNSET)
        channel: ChannelEnum | Unset
        if isinstance(_channel, Unset):
            channel = UNSET
        else:
            channel = ChannelEnum(_channel)

        target = d.pop("target", UNSET)

        cooldown_minutes = d.pop("cooldown_minutes", UNSET)

        enabled = d.pop("enabled", UNSET)

        patched_alert_rule_write_request = cls(
            name=name,
            kind=kind,
            workflow=workflow,
            params=params,
            channel=channel,
            target=target,
            cooldown_minutes=cooldown_minutes,
            enabled=enabled,
        )

        patched_alert_rule_write_request.additional_properties = d
        return patched_alert_rule_write_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
