from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.priority_enum import PriorityEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreated")


@_attrs_define
class WebhookCreated:
    """
    Attributes:
        enabled (bool):
        priority (PriorityEnum): * `high` - high
            * `normal` - normal
            * `low` - low
        url (None | str): POST a JSON body here.
        created_at (datetime.datetime | None):
        rotated_at (datetime.datetime | None):
        secret (str): Shown once: keep it now.
        curl (str): A delivery with the secret as a Bearer token and a body the workflow accepts (its required inputs
            with example values of their types, and its defaults).
        max_body_bytes (int | Unset):  Default: 1048576.
    """

    enabled: bool
    priority: PriorityEnum
    url: None | str
    created_at: datetime.datetime | None
    rotated_at: datetime.datetime | None
    secret: str
    curl: str
    max_body_bytes: int | Unset = 1048576
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        enabled = self.enabled

        priority = self.priority.value

        url: None | str
        url = self.url

        created_at: None | str
        if isinstance(self.created_at, datetime.datetime):
            created_at = self.created_at.isoformat()
        else:
            created_at = self.created_at

        rotated_at: None | str
        if isinstance(self.rotated_at, datetime.datetime):
            rotated_at = self.rotated_at.isoformat()
        else:
            rotated_at = self.rotated_at

        secret = self.secret

        curl = self.curl

        max_body_bytes = self.max_body_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enabled": enabled,
                "priority": priority,
                "url": url,
                "created_at": created_at,
                "rotated_at": rotated_at,
                "secret": secret,
                "curl": curl,
            }
        )
        if max_body_bytes is not UNSET:
            field_dict["max_body_bytes"] = max_body_bytes

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        enabled = d.pop("enabled")

        priority = PriorityEnum(d.pop("priority"))

        def _parse_url(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        url = _parse_url(d.pop("url"))

        def _parse_created_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_at_type_0 = datetime.datetime.fromisoformat(data)

                return created_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        created_at = _parse_created_at(d.pop("created_at"))

        def _parse_rotated_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rotated_at_type_0 = datetime.datetime.fromisoformat(data)

                return rotated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        rotated_at = _parse_rotated_at(d.pop("rotated_at"))

        secret = d.pop("secret")

        curl = d.pop("curl")

        max_body_bytes = d.pop("max_body_bytes", UNSET)

        webhook_created = cls(
            enabled=enabled,
            priority=priority,
            url=url,
            created_at=created_at,
            rotated_at=rotated_at,
            secret=secret,
            curl=curl,
            max_body_bytes=max_body_bytes,
        )

        webhook_created.additional_properties = d
        return webhook_created

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
