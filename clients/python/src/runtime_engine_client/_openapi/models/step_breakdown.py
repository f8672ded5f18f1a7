from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.step_breakdown_samples_item import StepBreakdownSamplesItem


T = TypeVar("T", bound="StepBreakdown")


@_attrs_define
class StepBreakdown:
    """
    Attributes:
        step_id (str):
        status (str):
        attempts (int):
        queue_wait_ms (float | None):
        run_ms (float | None):
        retry_ms (float):
        total_ms (float | None):
        cpu_seconds (float | None):
        peak_rss_mb (float | None):
        samples (list[StepBreakdownSamplesItem]): CPU and memory over time: {t, cpu, rss_mb}.
    """

    step_id: str
    status: str
    attempts: int
    queue_wait_ms: float | None
    run_ms: float | None
    retry_ms: float
    total_ms: float | None
    cpu_seconds: float | None
    peak_rss_mb: float | None
    samples: list[StepBreakdownSamplesItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        step_id = self.step_id

        status = self.status

        attempts = self.attempts

        queue_wait_ms: float | None
        queue_wait_ms = self.queue_wait_ms

        run_ms: float | None
        run_ms = self.run_ms

        retry_ms = self.retry_ms

        total_ms: float | None
        total_ms = self.total_ms

        cpu_seconds: float | None
        cpu_seconds = self.cpu_seconds

        peak_rss_mb: float | None
        peak_rss_mb = self.peak_rss_mb

        samples = []
        for samples_item_data in self.samples:
            samples_item = samples_item_data.to_dict()
            samples.append(samples_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "step_id": step_id,
                "status": status,
                "attempts": attempts,
                "queue_wait_ms": queue_wait_ms,
                "run_ms": run_ms,
                "retry_ms": retry_ms,
                "total_ms": total_ms,
                "cpu_seconds": cpu_seconds,
                "peak_rss_mb": peak_rss_mb,
                "samples": samples,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.step_breakdown_samples_item import StepBreakdownSamplesItem

        d = dict(src_dict)
        step_id = d.pop("step_id")

        status = d.pop("status")

        attempts = d.pop("attempts")

        def _parse_queue_wait_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        queue_wait_ms = _parse_queue_wait_ms(d.pop("queue_wait_ms"))

        def _parse_run_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        run_ms = _parse_run_ms(d.pop("run_ms"))

        retry_ms = d.pop("retry_ms")

        def _parse_total_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        total_ms = _parse_total_ms(d.pop("total_ms"))

        def _parse_cpu_seconds(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        cpu_seconds = _parse_cpu_seconds(d.pop("cpu_seconds"))

        def _parse_peak_rss_mb(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        peak_rss_mb = _parse_peak_rss_mb(d.pop("peak_rss_mb"))

        samples = []
        _samples = d.pop("samples")
        for samples_item_data in _samples:
            samples_item = StepBreakdownSamplesItem.from_dict(samples_item_data)

            samples.append(samples_item)

        step_breakdown = cls(
            step_id=step_id,
            status=status,
            attempts=attempts,
            queue_wait_ms=queue_wait_ms,
            run_ms=run_ms,
            retry_ms=retry_ms,
            total_ms=total_ms,
            cpu_seconds=cpu_seconds,
            peak_rss_mb=peak_rss_mb,
            samples=samples,
        )

        step_breakdown.additional_properties = d
        return step_breakdown

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
