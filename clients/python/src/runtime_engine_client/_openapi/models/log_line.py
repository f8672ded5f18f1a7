from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.level_enum import LevelEnum

T = TypeVar("T", bound="LogLine")


@_attrs_define
class LogLine:
    """
    Attributes:
        seq (int):
        timestamp (datetime.datetime):
        level (LevelEnum): * `debug` - Debug
            * `info` - Info
            * `warning` - Warning
            * `error` - Error
        step_id (str):
        attempt (int):
        message (str):
    """

    seq: int
    timestamp: datetime.datetime
    level: LevelEnum
    step_id: str
    attempt: int
    message: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        seq = self.seq

        timestamp = self.timestamp.isoformat()

        level = self.level.value

        step_id = self.step_id

        attempt = self.attempt

        message = self.message

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "seq": seq,
                "timestamp": timestamp,
                "level": level,
                "step_id": step_id,
                "attempt": attempt,
                "message": message,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        seq = d.pop("seq")

        timestamp = datetime.datetime.fromisoformat(d.pop("timestamp"))

        level = LevelEnum(d.pop("level"))

        step_id = d.pop("step_id")

        attempt = d.pop("attempt")

        message = d.pop("message")

        log_line = cls(
            seq=seq,
            timestamp=timestamp,
            level=level,
            step_id=step_id,
            attempt=attempt,
            message=message,
        )

        log_line.additional_properties = d
        return log_line

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
