"""Shared building blocks: base models, errors, encryption, masking."""

from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "apps.common"
    label = "common"
