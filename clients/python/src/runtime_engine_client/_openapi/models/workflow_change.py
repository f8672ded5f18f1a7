from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.action_enum import ActionEnum
from ..models.compilation_status_enum import CompilationStatusEnum

if TYPE_CHECKING:
    from ..models.issue import Issue


T = TypeVar("T", bound="WorkflowChange")


@_attrs_define
class WorkflowChange:
    """
    Attributes:
        slug (str):
        action (ActionEnum): * `create` - create
            * `update` - update
            * `unchanged` - unchanged
            * `delete` - delete
        changes (list[str]): What changed: `~ definition.nodes[fetch].data.config.url`, `+ …`, `- …`.
        revision (int | None):
        status (CompilationStatusEnum | None): The compilation's status after the save.

            * `success` - Success
            * `warning` - Warning
            * `error` - Error
            * `resolving` - Resolving
        issues (list[Issue]):
    """

    slug: str
    action: ActionEnum
    changes: list[str]
    revision: int | None
    status: CompilationStatusEnum | None
    issues: list[Issue]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        slug = self.slug

        action = self.action.value

        changes = self.changes

        revision: int | None
        revision = self.revision

        status: None | str
        if isinstance(self.status, CompilationStatusEnum):
            status = self.status.value
        else:
            status = self.status

        issues = []
        for issues_item_data in self.issues:
            issues_item = issues_item_data.to_dict()
            issues.append(issues_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "slug": slug,
                "action": action,
                "changes": changes,
                "revision": revision,
                "status": status,
                "issues": issues,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.issue import Issue

        d = dict(src_dict)
        slug = d.pop("slug")

        action = ActionEnum(d.pop("action"))

        changes = cast(list[str], d.pop("changes"))

        def _parse_revision(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        revision = _parse_revision(d.pop("revision"))

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

        issues = []
        _issues = d.pop("issues")
        for issues_item_data in _issues:
            issues_item = Issue.from_dict(issues_item_data)

            issues.append(issues_item)

        workflow_change = cls(
            slug=slug,
            action=action,
            changes=changes,
            revision=revision,
            status=status,
            issues=issues,
        )

        workflow_change.additional_properties = d
        return workflow_change

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
