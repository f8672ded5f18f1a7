from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Artifacts")


@_attrs_define
class Artifacts:
    """
    Attributes:
        generated_code (str):
        code_sha256 (str):
        source_map (Any):
        dependencies (Any):
    """

    generated_code: str
    code_sha256: str
    source_map: Any
    dependencies: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        generated_code = self.generated_code

        code_sha256 = self.code_sha256

        source_map = self.source_map

        dependencies = self.dependencies

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "generated_code": generated_code,
                "code_sha256": code_sha256,
                "source_map": source_map,
                "dependencies": dependencies,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        generated_code = d.pop("generated_code")

        code_sha256 = d.pop("code_sha256")

        source_map = d.pop("source_map")

        dependencies = d.pop("dependencies")

        artifacts = cls(
            generated_code=generated_code,
            code_sha256=code_sha256,
            source_map=source_map,
            dependencies=dependencies,
        )

        artifacts.additional_properties = d
        return artifacts

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
