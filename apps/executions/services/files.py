"""Input files: stored once per upload, referred to by id in inputs, handed to steps as a
reference {file_id, name, size, content_type, sha256} so large files never ride in events."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from django.db import transaction

from apps.common.exceptions import ApplicationError
from apps.executions.models import InputFile

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.core.files.uploadedfile import UploadedFile


def file_fields(schema: dict[str, Any]) -> list[str]:
    """Names of the inputs declared as files: {"type": "string", "format": "file"}."""
    return [name for name, spec in (schema.get("properties") or {}).items()
            if isinstance(spec, dict) and spec.get("format") == "file"]


@transaction.atomic
def file_store(*, owner: AbstractBaseUser, upload: UploadedFile) -> InputFile:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    stored = InputFile(owner=owner, name=(upload.name or "upload")[:255],
                       content_type=(upload.content_type or "")[:200], size=upload.size or 0,
                       sha256=digest.hexdigest())
    stored.file.save(stored.name, upload, save=False)
    stored.save()
    return stored


def unwrap_references(schema: dict[str, Any], inputs: Any) -> Any:
    """A re-run hands back stored references; validation sees their ids again."""
    if not isinstance(inputs, dict):
        return inputs
    out = dict(inputs)
    for name in file_fields(schema):
        value = out.get(name)
        if isinstance(value, dict) and isinstance(value.get("file_id"), str):
            out[name] = value["file_id"]
    return out


def resolve_references(*, owner_id: int, schema: dict[str, Any],
                       values: dict[str, Any]) -> dict[str, Any]:
    """Replace file ids with references to the owner's files; anybody else's is unknown."""
    names = [name for name in file_fields(schema) if values.get(name) not in (None, "")]
    if not names:
        return values
    found = {str(f.id): f for f in InputFile.objects.filter(
        owner_id=owner_id, id__in=[_as_uuid(values[n]) for n in names if _as_uuid(values[n])])}
    fields = {name: "No uploaded file with this id; upload it to /api/v1/files/ first."
              for name in names if str(_as_uuid(values[name])) not in found}
    if fields:
        raise ApplicationError("Invalid input data provided.", code="input_validation",
                               fields=fields, suggestion="Upload the file, then send its id.")
    return {**values, **{name: found[str(_as_uuid(values[name]))].as_reference()
                         for name in names}}


def _as_uuid(value: Any) -> Any:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
