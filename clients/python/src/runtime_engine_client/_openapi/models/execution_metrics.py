from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.execution_metrics_bottleneck_type_0 import (
        ExecutionMetricsBottleneckType0,
    )
    from ..models.execution_metrics_error_patterns_item import (
        ExecutionMetricsErrorPatternsItem,
    )
    from ..models.step_breakdown import StepBreakdown


T = TypeVar("T", bound="ExecutionMetrics")


@_attrs_define
class ExecutionMetrics:
    """
    Attributes:
        execution_id (UUID):
        status (str):
        duration_ms (float | None):
        steps (list[StepBreakdown]):
        critical_path (list[str]):
        critical_path_ms (float):
        bottleneck (ExecutionMetricsBottleneckType0 | None):
        error_patterns (list[ExecutionMetricsErrorPatternsItem]): Per failed step: other runs that failed the same way.
    """

    execution_id: UUID
    status: str
    duration_ms: float | None
    steps: list[StepBreakdown]
    critical_path: list[str]
    critical_path_ms: float
    bottleneck: ExecutionMetricsBottleneckType0 | None
    error_patterns: list[ExecutionMetricsErrorPatternsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.execution_metrics_bottleneck_type_0 import (
            ExecutionMetricsBottleneckType0,
        )

        execution_id = str(self.execution_id)

        status = self.status

        duration_ms: float | None
        duration_ms = self.duration_ms

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)

        critical_path = self.critical_path

        critical_path_ms = self.critical_path_ms

        bottleneck: dict[str, Any] | None
        if isinstance(self.bottleneck, ExecutionMetricsBottleneckType0):
            bottleneck = self.bottleneck.to_dict()
        else:
            bottleneck = self.bottleneck

        error_patterns = []
        for error_patterns_item_data in self.error_patterns:
            error_patterns_item = error_patterns_item_data.to_dict()
            error_patterns.append(error_patterns_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "execution_id": execution_id,
                "status": status,
                "duration_ms": duration_ms,
                "steps": steps,
                "critical_path": critical_path,
                "critical_path_ms": critical_path_ms,
                "bottleneck": bottleneck,
                "error_patterns": error_patterns,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.execution_metrics_bottleneck_type_0 import (
            ExecutionMetricsBottleneckType0,
        )
        from ..models.execution_metrics_error_patterns_item import (
            ExecutionMetricsErrorPatternsItem,
        )
        from ..models.step_breakdown import StepBreakdown

        d = dict(src_dict)
        execution_id = UUID(d.pop("execution_id"))

        status = d.pop("status")

        def _parse_duration_ms(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        duration_ms = _parse_duration_ms(d.pop("duration_ms"))

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in _steps:
            steps_item = StepBreakdown.from_dict(steps_item_data)

            steps.append(steps_item)

        critical_path = cast(list[str], d.pop("critical_path"))

        critical_path_ms = d.pop("critical_path_ms")

        def _parse_bottleneck(data: object) -> ExecutionMetricsBottleneckType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                bottleneck_type_0 = ExecutionMetricsBottleneckType0.from_dict(data)

                return bottleneck_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExecutionMetricsBottleneckType0 | None, data)

        bottleneck = _parse_bottleneck(d.pop("bottleneck"))

        error_patterns = []
        _error_patterns = d.pop("error_patterns")
        for error_patterns_item_data in _error_patterns:
            error_patterns_item = ExecutionMetricsErrorPatternsItem.from_dict(
                error_patterns_item_data
            )

            error_patterns.append(error_patterns_item)

        execution_metrics = cls(
            execution_id=execution_id,
            status=status,
            duration_ms=duration_ms,
            steps=steps,
            critical_path=critical_path,
            critical_path_ms=critical_path_ms,
            bottleneck=bottleneck,
            error_patterns=error_patterns,
        )

        execution_metrics.additional_properties = d
        return execution_metrics

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
