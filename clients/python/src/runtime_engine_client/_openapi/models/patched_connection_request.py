from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.connection_kind_enum import ConnectionKindEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="PatchedConnectionRequest")


@_attrs_define
class PatchedConnectionRequest:
    """
    Attributes:
        name (str | Unset):
        kind (ConnectionKindEnum | Unset): * `http_header` - HTTP headers
            * `basic_auth` - HTTP basic auth
            * `bearer` - Bearer token
        config (Any | Unset):
        secret (Any | Unset): Token, password or header value; write-only.
    """

    name: str | Unset = UNSET
    kind: ConnectionKindEnum | Unset = UNSET
    config: Any | Unset = UNSET
    secret: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind.value

        config = self.config

        secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if kind is not UNSET:
            field_dict["kind"] = kind
        if config is not UNSET:
            field_dict["config"] = config
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _kind = d.pop("kind", UNSET)
        kind: ConnectionKindEnum | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = ConnectionKindEnum(_kind)

        config = d.pop("config", UNSET)

        secret = d.pop("secret", UNSET)

        patched_connection_request = cls(
            name=name,
            kind=kind,
            config=config,
            secret=secret,
        )

        patched_connection_request.additional_properties = d
        return patched_connection_request

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
