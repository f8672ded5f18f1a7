from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.via_enum import ViaEnum

T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """
    Attributes:
        id (int):
        created_at (datetime.datetime):
        actor (str): Empty: the platform itself (a schedule, a webhook delivery).
        action (str):
        target (str):
        detail (Any):
        via (ViaEnum): * `web` - Web
            * `api` - Api
            * `system` - System
        address (str):
        user_agent (str):
    """

    id: int
    created_at: datetime.datetime
    actor: str
    action: str
    target: str
    detail: Any
    via: ViaEnum
    address: str
    user_agent: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        created_at = self.created_at.isoformat()

        actor = self.actor

        action = self.action

        target = self.target

        detail = self.detail

        via = self.via.value

        address = self.address

        user_agent = self.user_agent

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "created_at": created_at,
                "actor": actor,
                "action": action,
                "target": target,
                "detail": detail,
                "via": via,
                "address": address,
                "user_agent": user_agent,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        actor = d.pop("actor")

        action = d.pop("action")

        target = d.pop("target")

        detail = d.pop("detail")

        via = ViaEnum(d.pop("via"))

        address = d.pop("address")

        user_agent = d.pop("user_agent")

        audit_entry = cls(
            id=id,
            created_at=created_at,
            actor=actor,
            action=action,
            target=target,
            detail=detail,
            via=via,
            address=address,
            user_agent=user_agent,
        )

        audit_entry.additional_properties = d
        return audit_entry

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
