from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RetryRequest")


@_attrs_define
class RetryRequest:
    """
    Attributes:
        inputs (Any | Unset): Replacement step inputs.
        revision (int | Unset): Run this step, and the steps after it, on this revision of the workflow (fix and
            resume). It must keep the execution's nodes and edges; otherwise 409 revision_incompatible: re-run the execution
            on it instead.
        timeout_seconds (int | Unset):
        memory_limit_mb (int | Unset):
    """

    inputs: Any | Unset = UNSET
    revision: int | Unset = UNSET
    timeout_seconds: int | Unset = UNSET
    memory_limit_mb: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        inputs = self.inputs

        revision = self.revision

        timeout_seconds = self.timeout_seconds

        memory_limit_mb = self.memory_limit_mb

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if inputs is not UNSET:
            field_dict["inputs"] = inputs
        if revision is not UNSET:
            field_dict["revision"] = revision
        if timeout_seconds is not UNSET:
            field_dict["timeout_seconds"] = timeout_seconds
        if memory_limit_mb is not UNSET:
            field_dict["memory_limit_mb"] = memory_limit_mb

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        inputs = d.pop("inputs", UNSET)

        revision = d.pop("revision", UNSET)

        timeout_seconds = d.pop("timeout_seconds", UNSET)

        memory_limit_mb = d.pop("memory_limit_mb", UNSET)

        retry_request = cls(
            inputs=inputs,
            revision=revision,
            timeout_seconds=timeout_seconds,
            memory_limit_mb=memory_limit_mb,
        )

        retry_request.additional_properties = d
        return retry_request

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
