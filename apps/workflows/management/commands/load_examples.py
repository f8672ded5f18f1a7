"""Load every examples/*.json workflow for a user, creating or updating it (so it compiles)."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from apps.common.exceptions import ApplicationError
from apps.runtime import services as runtime_services
from apps.runtime.models import Connection, EnvVar
from apps.workflows import services
from apps.workflows.models import Workflow


class Command(BaseCommand):
    help = "Create or update the workflows in examples/ for a user; each save compiles."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--owner", default="admin")
        parser.add_argument("--dir", default=str(Path(settings.BASE_DIR) / "examples"))

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        owner = get_user_model().objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(f"no user {options['owner']!r}; create it first")
        directory = Path(options["dir"])
        self._ensure_runtime(owner, directory / "_runtime.json")
        files = sorted(p for p in directory.glob("*.json") if not p.name.startswith("_"))
        # Sub-workflows first: a workflow step compiles cleanly only when its callee exists.
        files.sort(key=lambda p: "\"type\": \"workflow\"" in p.read_text())
        for path in files:
            try:
                definition = json.loads(path.read_text())
            except json.JSONDecodeError as exc:
                raise CommandError(f"{path}: not valid JSON ({exc})") from None
            slug = slugify(path.stem)
            existing = Workflow.objects.filter(owner=owner, slug=slug).first()
            try:
                if existing:
                    services.workflow_update(workflow=existing, definition=definition,
                                             name=definition.get("name") or slug)
                    workflow = existing
                else:
                    workflow = services.workflow_create(owner=owner, definition=definition,
                                                        slug=slug)
            except ApplicationError as exc:
                raise CommandError(f"{path}: {exc.message} {exc.fields}") from None
            workflow.refresh_from_db()
            status = workflow.latest_compilation.status if workflow.latest_compilation else "?"
            self.stdout.write(f"  {slug}: revision {workflow.revision}, compiled {status}")

    def _ensure_runtime(self, owner, path: Path) -> None:  # type: ignore[no-untyped-def]
        """Create the env vars and connections the examples need, when the owner lacks them."""
        if not path.exists():
            return
        spec = json.loads(path.read_text())
        for name, item in spec.get("env_vars", {}).items():
            if not EnvVar.objects.filter(owner=owner, name=name).exists():
                runtime_services.env_var_upsert(owner=owner, name=name, value=item["value"],
                                                is_secret=item.get("is_secret", False))
        for name, item in spec.get("connections", {}).items():
            if not Connection.objects.filter(owner=owner, name=name).exists():
                runtime_services.connection_upsert(owner=owner, name=name, kind=item["kind"],
                                                   config=item.get("config", {}),
                                                   secret=item.get("secret"))
