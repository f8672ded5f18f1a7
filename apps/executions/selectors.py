"""Reads of executions shared by the API and the web app."""

from __future__ import annotations

import uuid

from django.db.models import Q, QuerySet

from apps.executions.models import Execution


def execution_search(queryset: QuerySet[Execution], text: str) -> QuerySet[Execution]:
    """An execution id (or its start, 4+ hex digits), or part of the workflow's name/slug."""
    text = text.strip()
    if not text:
        return queryset
    try:
        return queryset.filter(pk=uuid.UUID(text))
    except ValueError:
        pass
    condition = Q(workflow__name__icontains=text) | Q(workflow__slug__icontains=text)
    hex_part = text.replace("-", "").lower()
    if 4 <= len(hex_part) <= 32 and all(c in "0123456789abcdef" for c in hex_part):
        condition |= Q(id__startswith=text.lower())
    return queryset.filter(condition)
