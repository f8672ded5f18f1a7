from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.step_error_frames_item import StepErrorFramesItem


T = TypeVar("T", bound="StepError")


@_attrs_define
class StepError:
    """
    Attributes:
        type_ (str):
        message (str):
        title (str | Unset):
        suggestion (str | Unset):
        node_id (str | Unset):
        line (int | Unset): The line of the node's own code that failed (python steps).
        frames (list[StepErrorFramesItem] | Unset): The node's own frames, innermost last: {line, function, code}.
        traceback (Any | Unset):
    """

    type_: str
    message: str
    title: str | Unset = UNSET
    suggestion: str | Unset = UNSET
    node_id: str | Unset = UNSET
    line: int | Unset = UNSET
    frames: list[StepErrorFramesItem] | Unset = UNSET
    traceback: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        message = self.message

        title = self.title

        suggestion = self.suggestion

        node_id = self.node_id

        line = self.line

        frames: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.frames, Unset):
            frames = []
            for frames_item_data in self.frames:
                frames_item = frames_item_data.to_dict()
                frames.append(frames_item)

        traceback = self.traceback

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "message": message,
            }
        )
        if title is not UNSET:
            field_dict["title"] = title
        if suggestion is not UNSET:
            field_dict["suggestion"] = suggestion
        if node_id is not UNSET:
            field_dict["node_id"] = node_id
        if line is not UNSET:
            field_dict["line"] = line
        if frames is not UNSET:
            field_dict["frames"] = frames
        if traceback is not UNSET:
            field_dict["traceback"] = traceback

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.step_error_frames_item import StepErrorFramesItem

        d = dict(src_dict)
        type_ = d.pop("type")

        message = d.pop("message")

        title = d.pop("title", UNSET)

        suggestion = d.pop("suggestion", UNSET)

        node_id = d.pop("node_id", UNSET)

        line = d.pop("line", UNSET)

        _frames = d.pop("frames", UNSET)
        frames: list[StepErrorFramesItem] | Unset = UNSET
        if _frames is not UNSET:
            frames = []
            for frames_item_data in _frames:
                frames_item = StepErrorFramesItem.from_dict(frames_item_data)

                frames.append(frames_item)

        traceback = d.pop("traceback", UNSET)

        step_error = cls(
            type_=type_,
            message=message,
            title=title,
            suggestion=suggestion,
            node_id=node_id,
            line=line,
            frames=frames,
            traceback=traceback,
        )

        step_error.additional_properties = d
        return step_error

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
