from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.workflow_files_files import WorkflowFilesFiles


T = TypeVar("T", bound="WorkflowFiles")


@_attrs_define
class WorkflowFiles:
    """
    Attributes:
        files (WorkflowFilesFiles): File name (<slug>.json) -> the file's text, as `workflows export` writes it.
    """

    files: WorkflowFilesFiles
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        files = self.files.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "files": files,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.workflow_files_files import WorkflowFilesFiles

        d = dict(src_dict)
        files = WorkflowFilesFiles.from_dict(d.pop("files"))

        workflow_files = cls(
            files=files,
        )

        workflow_files.additional_properties = d
        return workflow_files

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
