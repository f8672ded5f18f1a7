"""Query parameters of the list endpoints, declared with django-filter (documented in the
OpenAPI schema by drf-spectacular; bad values answer 400 with the field)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce
from django_filters.fields import IsoDateTimeField
from rest_framework.filters import OrderingFilter

from apps.audit.models import AuditEntry
from apps.executions.models import Execution, LogLine
from apps.executions.selectors import execution_search


class UTCDateTimeField(IsoDateTimeField):
    """ISO 8601 times turned into UTC here, so odd offsets never reach the database (which
    refuses some of them with an error instead of a comparison)."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        try:
            return parsed.astimezone(UTC) if parsed is not None and parsed.tzinfo else parsed
        except OverflowError as error:
            raise ValidationError("This time is out of range.", code="invalid") from error


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


class ExecutionFilter(django_filters.FilterSet):
    # distinct=False: SELECT DISTINCT over a million rows cannot use the index.
    status = django_filters.MultipleChoiceFilter(choices=Execution.Status.choices,
                                                 distinct=False,
                                                 help_text="One or more statuses.")
    workflow = django_filters.NumberFilter(field_name="workflow_id",
                                           help_text="A workflow id.")
    trigger = django_filters.ChoiceFilter(choices=Execution.Trigger.choices)
    search = django_filters.CharFilter(method="filter_search",
                                       help_text="An execution id (or its start), or part of "
                                                 "the workflow's name.")
    started_after = UTCDateTimeFilter(field_name="created_at", lookup_expr="gte")
    started_before = UTCDateTimeFilter(field_name="created_at", lookup_expr="lt")
    top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull",
                                             help_text="Only executions that are not "
                                                       "sub-workflow runs.")

    class Meta:
        model = Execution
        fields = ["status", "workflow", "trigger"]

    def filter_search(self, queryset: QuerySet[Execution], name: str,
                      value: str) -> QuerySet[Execution]:
        return execution_search(queryset, value)


class LogFilter(django_filters.FilterSet):
    level = django_filters.MultipleChoiceFilter(choices=LogLine.Level.choices, distinct=False,
                                                help_text="One or more levels.")
    min_level = django_filters.ChoiceFilter(choices=LogLine.Level.choices, method="filter_min",
                                            help_text="This level and above.")
    step = django_filters.CharFilter(field_name="step_id", help_text="A step id.")
    search = django_filters.CharFilter(field_name="message", lookup_expr="icontains",
                                       help_text="Text the message contains (any case).")
    after = django_filters.NumberFilter(field_name="seq", lookup_expr="gt",
                                        help_text="Only lines after this sequence number.")

    class Meta:
        model = LogLine
        fields = ["level", "step", "search", "after"]

    def filter_min(self, queryset: QuerySet[LogLine], name: str,
                   value: str) -> QuerySet[LogLine]:
        order = [choice for choice, _ in LogLine.Level.choices]
        return queryset.filter(level__in=order[order.index(value):])


class ExecutionOrdering(OrderingFilter):
    """`ordering` for the cursor-paginated history. Cursors need a value on every row, so
    the nullable times sort by a non-null stand-in (not yet started: the creation time;
    no duration yet: -1)."""

    ordering_fields = ["created_at", "started_at", "finished_at", "duration_ms"]
    _stand_ins = {
        "started_at": ("sort_started", lambda: Coalesce("started_at", "created_at")),
        "finished_at": ("sort_finished", lambda: Coalesce("finished_at", "created_at")),
        "duration_ms": ("sort_duration", lambda: Coalesce("duration_ms", Value(-1.0))),
    }

    def get_ordering(self, request: Any, queryset: QuerySet, view: Any) -> list[str]:
        ordering = super().get_ordering(request, queryset, view) or ["-created_at"]
        out = []
        for term in ordering[:1]:  # one key: cursors order by one column
            name = term.lstrip("-")
            alias = self._stand_ins.get(name, (name, None))[0]
            out.append(("-" if term.startswith("-") else "") + alias)
        return out

    def filter_queryset(self, request: Any, queryset: QuerySet, view: Any) -> QuerySet:
        ordering = self.get_ordering(request, queryset, view)
        name = ordering[0].lstrip("-")
        for alias, build in self._stand_ins.values():
            if alias == name:
                queryset = queryset.annotate(**{alias: build()})
        return queryset.order_by(*ordering)


class AuditFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(method="filter_action",
                                       help_text='An action ("execution.cancel") or its kind '
                                                 '("execution").')
    via = django_filters.ChoiceFilter(choices=AuditEntry.Via.choices)
    after = UTCDateTimeFilter(field_name="created_at", lookup_expr="gte")
    before = UTCDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["action", "via"]

    def filter_action(self, queryset: QuerySet[AuditEntry], name: str,
                      value: str) -> QuerySet[AuditEntry]:
        if "." in value:
            return queryset.filter(action=value)
        return queryset.filter(action__startswith=f"{value}.")
