from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.priority_enum import PriorityEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="StartRequest")


@_attrs_define
class StartRequest:
    """
    Attributes:
        inputs (Any | Unset): Input values; file inputs take an uploaded file id, or upload the file in the same
            multipart request under the input's name.
        idempotency_key (str | Unset): Starting twice with the same key returns the first execution.
        priority (PriorityEnum | Unset): * `high` - high
            * `normal` - normal
            * `low` - low
    """

    inputs: Any | Unset = UNSET
    idempotency_key: str | Unset = UNSET
    priority: PriorityEnum | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        inputs = self.inputs

        idempotency_key = self.idempotency_key

        priority: str | Unset = UNSET
        if not isinstance(self.priority, Unset):
            priority = self.priority.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if idempotency_key is not UNSET:
            field_dict["idempotency_key"] = idempotency_key
        if priority is not UNSET:
            field_dict["priority"] = priority

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        inputs = d.pop("inputs", UNSET)

        idempotency_key = d.pop("idempotency_key", UNSET)

        _priority = d.pop("priority", UNSET)
        priority: PriorityEnum | Unset
        if isinstance(_priority, Unset):
            priority = UNSET
        else:
            priority = PriorityEnum(_priority)

        start_request = cls(
            inputs=inputs,
            idempotency_key=idempotency_key,
            priority=priority,
        )

        start_request.additional_properties = d
        return start_request

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
