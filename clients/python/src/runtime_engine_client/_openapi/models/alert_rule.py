from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.alert_rule_kind_enum import AlertRuleKindEnum
from ..models.channel_enum import ChannelEnum

T = TypeVar("T", bound="AlertRule")


@_attrs_define
class AlertRule:
    """
    Attributes:
        id (int):
        name (str):
        kind (AlertRuleKindEnum): * `execution_failed` - Execution Failed
            * `step_failures` - Step Failures
            * `slow_execution` - Slow Execution
            * `approval_waiting` - Approval Waiting
        workflow (int | None):
        params (Any):
        channel (ChannelEnum): * `webhook` - Webhook
            * `email` - Email
        target (str):
        cooldown_minutes (int):
        enabled (bool):
        last_fired_at (datetime.datetime | None):
        created_at (datetime.datetime):
    """

    id: int
    name: str
    kind: AlertRuleKindEnum
    workflow: int | None
    params: Any
    channel: ChannelEnum
    target: str
    cooldown_minutes: int
    enabled: bool
    last_fired_at: datetime.datetime | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        kind = self.kind.value

        workflow: int | None
        workflow = self.workflow

        params = self.params

        channel = self.channel.value

        target = self.target

        cooldown_minutes = self.cooldown_minutes

        enabled = self.enabled

        last_fired_at: None | str
        if isinstance(self.last_fired_at, datetime.datetime):
            last_fired_at = self.last_fired_at.isoformat()
        else:
            last_fired_at = self.last_fired_at

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "kind": kind,
                "workflow": workflow,
                "params": params,
                "channel": channel,
                "target": target,
                "cooldown_minutes": cooldown_minutes,
                "enabled": enabled,
                "last_fired_at": last_fired_at,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        kind = AlertRuleKindEnum(d.pop("kind"))

        def _parse_workflow(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        workflow = _parse_workflow(d.pop("workflow"))

        params = d.pop("params")

        channel = ChannelEnum(d.pop("channel"))

        target = d.pop("target")

        cooldown_minutes = d.pop("cooldown_minutes")

        enabled = d.pop("enabled")

        def _parse_last_fired_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_fired_at_type_0 = datetime.datetime.fromisoformat(data)

                return last_fired_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_fired_at = _parse_last_fired_at(d.pop("last_fired_at"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        alert_rule = cls(
            id=id,
            name=name,
            kind=kind,
            workflow=workflow,
            params=params,
            channel=channel,
            target=target,
            cooldown_minutes=cooldown_minutes,
            enabled=enabled,
            last_fired_at=last_fired_at,
            created_at=created_at,
        )

        alert_rule.additional_properties = d
        return alert_rule

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
