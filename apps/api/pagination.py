"""Pagination: cursors for the big tables (no COUNT(*), no OFFSET: a deep page of a million
executions costs what the first one does), pages for the small ones."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination, PageNumberPagination


class ExecutionCursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-created_at"


class LogCursor(CursorPagination):
    page_size = 500
    page_size_query_param = "page_size"
    max_page_size = 5000
    ordering = "seq"


class SmallPages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class AuditCursor(CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    ordering = ("-created_at", "-id")
