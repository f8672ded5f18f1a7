from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.compilation import Compilation


T = TypeVar("T", bound="Workflow")


@_attrs_define
class Workflow:
    """
    Attributes:
        id (int):
        slug (str):
        name (str):
        description (str):
        revision (int):
        definition (Any):
        runnable (bool):
        compilation (Compilation | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    slug: str
    name: str
    description: str
    revision: int
    definition: Any
    runnable: bool
    compilation: Compilation | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.compilation import Compilation

        id = self.id

        slug = self.slug

        name = self.name

        description = self.description

        revision = self.revision

        definition = self.definition

        runnable = self.runnable

        compilation: dict[str, Any] | None
        if isinstance(self.compilation, Compilation):
            compilation = self.compilation.to_dict()
        else:
            compilation = self.compilation

        created_at = self.created_at.isoformat()

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
                "definition": definition,
                "runnable": runnable,
                "compilation": compilation,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.compilation import Compilation

        d = dict(src_dict)
        id = d.pop("id")

        slug = d.pop("slug")

        name = d.pop("name")

        description = d.pop("description")

        revision = d.pop("revision")

        definition = d.pop("definition")

        runnable = d.pop("runnable")

        def _parse_compilation(data: object) -> Compilation | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                compilation_type_1 = Compilation.from_dict(data)

                return compilation_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Compilation | None, data)

        compilation = _parse_compilation(d.pop("compilation"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        workflow = cls(
            id=id,
            slug=slug,
            name=name,
            description=description,
            revision=revision,
            definition=definition,
            runnable=runnable,
            compilation=compilation,
            created_at=created_at,
            updated_at=updated_at,
        )

        workflow.additional_properties = d
        return workflow

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
