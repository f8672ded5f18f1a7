"""Admin helpers: JSON shown indented and readable, never as one long line."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.html import format_html


class IndentedJSONFormField(forms.JSONField):
    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)


def pretty_json(value: Any) -> str:
    """Read-only JSON as an indented <pre>, escaped."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return format_html('<pre style="white-space:pre-wrap;max-height:30em;overflow:auto">{}</pre>',
                       text)


def json_display(field: str, label: str | None = None):  # noqa: ANN201 - admin callable
    """A read-only admin column/field showing `field` as indented JSON."""

    def display(*args: Any) -> str:
        # Called as display(obj) from readonly_fields, display(admin, obj) as an attribute.
        return pretty_json(getattr(args[-1], field))

    display.short_description = label or field.replace("_", " ")  # type: ignore[attr-defined]
    return display


class ReadableJSONAdmin(admin.ModelAdmin):
    """Editable JSON fields are indented monospace textareas."""

    formfield_overrides = {
        models.JSONField: {
            "form_class": IndentedJSONFormField,
            "widget": forms.Textarea(
                attrs={"rows": 20, "cols": 100, "style": "font-family:monospace"}
            ),
        }
    }
