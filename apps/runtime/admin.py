"""Operators' admin for settings, env vars and connections; secrets are write-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from apps.common.admin_json import ReadableJSONAdmin
from apps.runtime.models import Connection, EnvVar, RuntimeSetting


@admin.register(RuntimeSetting)
class RuntimeSettingAdmin(ReadableJSONAdmin):
    list_display = ("key", "value", "owner", "updated_at")
    list_filter = ("key", "owner")
    search_fields = ("key", "owner__username")


class EnvVarForm(forms.ModelForm):
    value = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Write-only for secrets. Leave empty to keep the current value.",
    )

    class Meta:
        model = EnvVar
        fields = ("owner", "name", "is_secret")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.instance.is_secret:
            self.fields["value"].widget = forms.TextInput()
            self.fields["value"].initial = self.instance.plain_value

    def save(self, commit: bool = True) -> EnvVar:
        instance: EnvVar = super().save(commit=False)
        value = self.cleaned_data.get("value")
        if value or not instance.pk:
            instance.set_value(value or "")
        elif instance.is_secret and instance.plain_value:
            instance.set_value(instance.plain_value)  # turned secret: encrypt what was plain
        if commit:
            instance.save()
        return instance


@admin.register(EnvVar)
class EnvVarAdmin(admin.ModelAdmin):
    form = EnvVarForm
    list_display = ("name", "is_secret", "shown_value", "owner", "updated_at")
    list_filter = ("is_secret", "owner")
    search_fields = ("name", "owner__username")

    @admin.display(description="value")
    def shown_value(self, obj: EnvVar) -> str:
        return "••••••" if obj.is_secret else obj.plain_value


class ConnectionForm(forms.ModelForm):
    secret = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "autocomplete": "off"}),
        help_text='Write-only, e.g. {"token": "…"}. Leave empty to keep the stored secret.',
    )

    class Meta:
        model = Connection
        fields = ("owner", "name", "kind", "config")

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["secret"].initial = None  # never render the stored value

    def save(self, commit: bool = True) -> Connection:
        instance: Connection = super().save(commit=False)
        if self.cleaned_data.get("secret") not in (None, "", {}):
            instance.set_secret(self.cleaned_data["secret"])
        if commit:
            instance.save()
        return instance


@admin.register(Connection)
class ConnectionAdmin(ReadableJSONAdmin):
    form = ConnectionForm
    list_display = ("name", "kind", "has_secret", "owner", "updated_at")
    list_filter = ("kind", "owner")
    search_fields = ("name", "owner__username")

    @admin.display(boolean=True, description="secret set")
    def has_secret(self, obj: Connection) -> bool:
        return obj.has_secret
