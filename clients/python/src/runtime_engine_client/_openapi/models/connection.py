from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connection_kind_enum import ConnectionKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="Connection")


@_attrs_define
class Connection:
    """
    Attributes:
        id (int):
        name (str):
        has_secret (bool):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        kind (ConnectionKindEnum | Unset): * `http_header` - HTTP headers
            * `basic_auth` - HTTP basic auth
            * `bearer` - Bearer token
        config (Any | Unset):
    """

    id: int
    name: str
    has_secret: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    kind: ConnectionKindEnum | Unset = UNSET
    config: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        has_secret = self.has_secret

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        config = self.config

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "has_secret": has_secret,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if config is not UNSET:
            field_dict["config"] = config

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        has_secret = d.pop("has_secret")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        _kind = d.pop("kind", UNSET)
        kind: ConnectionKindEnum | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = ConnectionKindEnum(_kind)

        config = d.pop("config", UNSET)

        connection = cls(
            id=id,
            name=name,
            has_secret=has_secret,
            created_at=created_at,
            updated_at=updated_at,
            kind=kind,
            config=config,
        )

        connection.additional_properties = d
        return connection

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
