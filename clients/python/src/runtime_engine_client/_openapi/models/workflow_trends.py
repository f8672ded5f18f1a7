from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.step_trend import StepTrend
    from ..models.workflow_trends_duration_ms import WorkflowTrendsDurationMs
    from ..models.workflow_trends_recent_item import WorkflowTrendsRecentItem
    from ..models.workflow_trends_recommendations_item import (
        WorkflowTrendsRecommendationsItem,
    )


T = TypeVar("T", bound="WorkflowTrends")


@_attrs_define
class WorkflowTrends:
    """
    Attributes:
        workflow_id (int):
        runs (int): Recent runs considered (at most 100).
        succeeded (int):
        failed (int):
        success_rate (float | None):
        duration_ms (WorkflowTrendsDurationMs):
        steps (list[StepTrend]):
        recent (list[WorkflowTrendsRecentItem]):
        recommendations (list[WorkflowTrendsRecommendationsItem]):
    """

    workflow_id: int
    runs: int
    succeeded: int
    failed: int
    success_rate: float | None
    duration_ms: WorkflowTrendsDurationMs
    steps: list[StepTrend]
    recent: list[WorkflowTrendsRecentItem]
    recommendations: list[WorkflowTrendsRecommendationsItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        workflow_id = self.workflow_id

        runs = self.runs

        succeeded = self.succeeded

        failed = self.failed

        success_rate: float | None
        success_rate = self.success_rate

        duration_ms = self.duration_ms.to_dict()

        steps = []
        for steps_item_data in self.steps:
            steps_item = steps_item_data.to_dict()
            steps.append(steps_item)

        recent = []
        for recent_item_data in self.recent:
            recent_item = recent_item_data.to_dict()
            recent.append(recent_item)

        recommendations = []
        for recommendations_item_data in self.recommendations:
            recommendations_item = recommendations_item_data.to_dict()
            recommendations.append(recommendations_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "workflow_id": workflow_id,
                "runs": runs,
                "succeeded": succeeded,
                "failed": failed,
                "success_rate": success_rate,
                "duration_ms": duration_ms,
                "steps": steps,
                "recent": recent,
                "recommendations": recommendations,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.step_trend import StepTrend
        from ..models.workflow_trends_duration_ms import WorkflowTrendsDurationMs
        from ..models.workflow_trends_recent_item import WorkflowTrendsRecentItem
        from ..models.workflow_trends_recommendations_item import (
            WorkflowTrendsRecommendationsItem,
        )

        d = dict(src_dict)
        workflow_id = d.pop("workflow_id")

        runs = d.pop("runs")

        succeeded = d.pop("succeeded")

        failed = d.pop("failed")

        def _parse_success_rate(data: object) -> float | None:
            if data is None:
                return data
            return cast(float | None, data)

        success_rate = _parse_success_rate(d.pop("success_rate"))

        duration_ms = WorkflowTrendsDurationMs.from_dict(d.pop("duration_ms"))

        steps = []
        _steps = d.pop("steps")
        for steps_item_data in _steps:
            steps_item = StepTrend.from_dict(steps_item_data)

            steps.append(steps_item)

        recent = []
        _recent = d.pop("recent")
        for recent_item_data in _recent:
            recent_item = WorkflowTrendsRecentItem.from_dict(recent_item_data)

            recent.append(recent_item)

        recommendations = []
        _recommendations = d.pop("recommendations")
        for recommendations_item_data in _recommendations:
            recommendations_item = WorkflowTrendsRecommendationsItem.from_dict(
                recommendations_item_data
            )

            recommendations.append(recommendations_item)

        workflow_trends = cls(
            workflow_id=workflow_id,
            runs=runs,
            succeeded=succeeded,
            failed=failed,
            success_rate=success_rate,
            duration_ms=duration_ms,
            steps=steps,
            recent=recent,
            recommendations=recommendations,
        )

        workflow_trends.additional_properties = d
        return workflow_trends

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
