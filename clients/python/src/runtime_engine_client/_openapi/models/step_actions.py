from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.step_action import StepAction


T = TypeVar("T", bound="StepActions")


@_attrs_define
class StepActions:
    """
    Attributes:
        retry (StepAction):
        skip (StepAction):
    """

    retry: StepAction
    skip: StepAction
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        retry = self.retry.to_dict()

        skip = self.skip.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "retry": retry,
                "skip": skip,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.step_action import StepAction

        d = dict(src_dict)
        retry = StepAction.from_dict(d.pop("retry"))

        skip = StepAction.from_dict(d.pop("skip"))

        step_actions = cls(
            retry=retry,
            skip=skip,
        )

        step_actions.additional_properties = d
        return step_actions

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
