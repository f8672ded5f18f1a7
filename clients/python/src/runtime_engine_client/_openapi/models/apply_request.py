from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.apply_request_files import ApplyRequestFiles


T = TypeVar("T", bound="ApplyRequest")


@_attrs_define
class ApplyRequest:
    """
    Attributes:
        files (ApplyRequestFiles): File name (<slug>.json) -> the file's text, as `workflows export` writes it.
        prune (bool | Unset): Delete your workflows that have no file here. Default: False.
        dry_run (bool | Unset): Compile and report what would change; change nothing. Default: False.
    """

    files: ApplyRequestFiles
    prune: bool | Unset = False
    dry_run: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        files = self.files.to_dict()

        prune = self.prune

        dry_run = self.dry_run

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "files": files,
            }
        )
        if prune is not UNSET:
            field_dict["prune"] = prune
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.apply_request_files import ApplyRequestFiles

        d = dict(src_dict)
        files = ApplyRequestFiles.from_dict(d.pop("files"))

        prune = d.pop("prune", UNSET)

        dry_run = d.pop("dry_run", UNSET)

        apply_request = cls(
            files=files,
            prune=prune,
            dry_run=dry_run,
        )

        apply_request.additional_properties = d
        return apply_request

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
