from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="StepTrend")


@_attrs_define
class StepTrend:
    """
    Attributes:
        step_id (str):
        type_ (None | str):
        runs (int):
        failures (int):
        failure_rate (float | None):
        retry_rate (float | None):
        p50_ms (float | None):
        p95_ms (float | None):
        trend (float | None): p50 of the newer half of the runs over the older half (> 1: getting slower).
        peak_rss_mb (float | None):
        memory_limit_mb (int):
        timeout_seconds (float):
    """

    step_id: str
    type_: None | str
    runs: int
    failures: int
    failure_rate: float | None
    retry_rate: float | None
    p50_ms: float | None
    p95_ms: float | None
    trend: float | None
    peak_rss_mb: float | None
    memory_limit_mb: int
    timeout_seconds: float
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        step_id = self.step_id

        type_: None | str
        type_ = self.type_

        runs = self.runs

        failures = self.failures

        failure_rate: float | None
        failure_rate = self.failure_rate

        retry_rate: float | None
        retry_rate = self.retry_rate

        p50_ms: float | None
        p50_ms = self.p50_ms

        p95_ms: float | None
        p95_ms = self.p95_ms

        trend: float | None
        trend = self.trend

        peak_rss_mb: float | None
        peak_rss_mb = self.peak_rss_mb

        memory_limit_mb = self.memory_limit_mb

        timeout_seconds = self.timeout_seconds

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "step_id": step_id,
                "type": type_,
                "runs": runs,
                "failures": failures,
                "failure_rate": failure_rate,
                "retry_rate": retry_rate,
                "p50_ms": p50_ms,
                "p95_ms": p95_ms,
                "trend": trend,
                "peak_rss_mb": peak_rss_mb,
                "memory_limit_mb": memory_limit_mb,
                "timeout_seconds": timeout_seconds,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        step_id = d.pop("step_id")

        def _parse_type_(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        type_ = _parse_type_(d.pop("type"))

        runs = d.pop("runs")

        failures = d.pop("failures")

        def _parse_failure_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        failure_rate = _parse_failure_rate(d.pop("failure_rate"))

        def _parse_retry_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        retry_rate = _parse_retry_rate(d.pop("retry_rate"))

        def _parse_p50_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p50_ms = _parse_p50_ms(d.pop("p50_ms"))

        def _parse_p95_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        p95_ms = _parse_p95_ms(d.pop("p95_ms"))

        def _parse_trend(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        trend = _parse_trend(d.pop("trend"))

        def _parse_peak_rss_mb(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        peak_rss_mb = _parse_peak_rss_mb(d.pop("peak_rss_mb"))

        memory_limit_mb = d.pop("memory_limit_mb")

        timeout_seconds = d.pop("timeout_seconds")

        step_trend = cls(
            step_id=step_id,
            type_=type_,
            runs=runs,
            failures=failures,
            failure_rate=failure_rate,
            retry_rate=retry_rate,
            p50_ms=p50_ms,
            p95_ms=p95_ms,
            trend=trend,
            peak_rss_mb=peak_rss_mb,
            memory_limit_mb=memory_limit_mb,
            timeout_seconds=timeout_seconds,
        )

        step_trend.additional_properties = d
        return step_trend

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
