from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.compilation_status_enum import CompilationStatusEnum

T = TypeVar("T", bound="WorkflowList")


@_attrs_define
class WorkflowList:
    """
    Attributes:
        id (int):
        slug (str):
        name (str):
        description (str):
        revision (int):
        status (CompilationStatusEnum | None): Status of the latest compilation.
        updated_at (datetime.datetime):
    """

    id: int
    slug: str
    name: str
    description: str
    revision: int
    status: CompilationStatusEnum | None
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        slug = self.slug

        name = self.name

        description = self.description

        revision = self.revision

        status: None | str
        if isinstance(self.status, CompilationStatusEnum):
            status = self.status.value
        else:
            status = self.status

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "slug": slug,
                "name": name,
                "description": description,
                "revision": revision,
                "status": status,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = d.pop("id")

        slug = d.pop("slug")

        name = d.pop("name")

        description = d.pop("description")

        revision = d.pop("revision")

        def _parse_status(data: object) -> CompilationStatusEnum | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = CompilationStatusEnum(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CompilationStatusEnum | None, data)

        status = _parse_status(d.pop("status"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        workflow_list = cls(
            id=id,
            slug=slug,
            name=name,
            description=description,
            revision=revision,
            status=status,
            updated_at=updated_at,
        )

        workflow_list.additional_properties = d
        return workflow_list

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
