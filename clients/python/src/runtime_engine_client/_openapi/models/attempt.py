from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.step_status_enum import StepStatusEnum

T = TypeVar("T", bound="Attempt")


@_attrs_define
class Attempt:
    """
    Attributes:
        number (int):
        status (StepStatusEnum): * `pending` - Pending
            * `queued` - Queued
            * `running` - Running
            * `retrying` - Retrying
            * `waiting` - Waiting
            * `succeeded` - Succeeded
            * `failed` - Failed
            * `skipped` - Skipped
            * `cancelled` - Cancelled
        worker (str):
        started_at (datetime.datetime | None):
        finished_at (datetime.datetime | None):
        duration_ms (float | None):
        revision (int | None): The workflow revision this attempt ran (a retry may run a fixed one).
        error (Any):
        metrics (Any):
    """

    number: int
    status: StepStatusEnum
    worker: str
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    duration_ms: float | None
    revision: int | None
    error: Any
    metrics: Any
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        number = self.number

        status = self.status.value

        worker = self.worker

        started_at: None | str
        if isinstance(self.started_at, datetime.datetime):
            started_at = self.started_at.isoformat()
        else:
            started_at = self.started_at

        finished_at: None | str
        if isinstance(self.finished_at, datetime.datetime):
            finished_at = self.finished_at.isoformat()
        else:
            finished_at = self.finished_at

        duration_ms: float | None
        duration_ms = self.duration_ms

        revision: int | None
        revision = self.revision

        error = self.error

        metrics = self.metrics

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "number": number,
                "status": status,
                "worker": worker,
                "started_at": started_at,
                "finished_at": finished_at,
                "duration_ms": duration_ms,
                "revision": revision,
                "error": error,
                "metrics": metrics,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        number = d.pop("number")

        status = StepStatusEnum(d.pop("status"))

        worker = d.pop("worker")

        def _parse_started_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                started_at_type_0 = datetime.datetime.fromisoformat(data)

                return started_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        started_at = _parse_started_at(d.pop("started_at"))

        def _parse_finished_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                finished_at_type_0 = datetime.datetime.fromisoformat(data)

                return finished_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        finished_at = _parse_finished_at(d.pop("finished_at"))

        def _parse_duration_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms"))

        def _parse_revision(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        revision = _parse_revision(d.pop("revision"))

        error = d.pop("error")

        metrics = d.pop("metrics")

        attempt = cls(
            number=number,
            status=status,
            worker=worker,
            started_at=started_at,
            finished_at=finished_at,
            duration_ms=duration_ms,
            revision=revision,
            error=error,
            metrics=metrics,
        )

        attempt.additional_properties = d
        return attempt

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
