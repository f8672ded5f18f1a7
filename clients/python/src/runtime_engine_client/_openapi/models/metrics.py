from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Metrics")


@_attrs_define
class Metrics:
    """
    Attributes:
        cpu_percent (float | None | Unset):
        cpu_seconds (float | None | Unset):
        peak_rss_mb (float | None | Unset):
        samples (list[Any] | Unset):
    """

    cpu_percent: float | None | Unset = UNSET
    cpu_seconds: float | None | Unset = UNSET
    peak_rss_mb: float | None | Unset = UNSET
    samples: list[Any] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cpu_percent: float | None | Unset
        if isinstance(self.cpu_percent, Unset):
            cpu_percent = UNSET
        else:
            cpu_percent = self.cpu_percent

        cpu_seconds: float | None | Unset
        if isinstance(self.cpu_seconds, Unset):
            cpu_seconds = UNSET
        else:
            cpu_seconds = self.cpu_seconds

        peak_rss_mb: float | None | Unset
        if isinstance(self.peak_rss_mb, Unset):
            peak_rss_mb = UNSET
        else:
            peak_rss_mb = self.peak_rss_mb

        samples: list[Any] | Unset = UNSET
        if not isinstance(self.samples, Unset):
            samples = self.samples

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cpu_percent is not UNSET:
            field_dict["cpu_percent"] = cpu_percent
        if cpu_seconds is not UNSET:
            field_dict["cpu_seconds"] = cpu_seconds
        if peak_rss_mb is not UNSET:
            field_dict["peak_rss_mb"] = peak_rss_mb
        if samples is not UNSET:
            field_dict["samples"] = samples

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_cpu_percent(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cpu_percent = _parse_cpu_percent(d.pop("cpu_percent", UNSET))

        def _parse_cpu_seconds(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        cpu_seconds = _parse_cpu_seconds(d.pop("cpu_seconds", UNSET))

        def _parse_peak_rss_mb(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        peak_rss_mb = _parse_peak_rss_mb(d.pop("peak_rss_mb", UNSET))

        samples = cast(list[Any], d.pop("samples", UNSET))

        metrics = cls(
            cpu_percent=cpu_percent,
            cpu_seconds=cpu_seconds,
            peak_rss_mb=peak_rss_mb,
            samples=samples,
        )

        metrics.additional_properties = d
        return metrics

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
