"""Delete executions older than the retention setting (the beat task does it daily)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.executions.services.retention import purge_old_executions


class Command(BaseCommand):
    help = "Delete finished executions older than each owner's retention_days (or --days)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="Override everybody's retention (days).")
        parser.add_argument("--owner", help="Only this user's executions (username).")
        parser.add_argument("--dry-run", action="store_true", help="Count, delete nothing.")
        parser.add_argument("--batch", type=int, default=500, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["days"] is not None and options["days"] < 0:
            raise CommandError("--days must be 0 or more")
        owner_id = None
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"no user {options['owner']!r}")
            owner_id = owner.pk
        report = purge_old_executions(days=options["days"], owner_id=owner_id,
                                      dry_run=options["dry_run"],
                                      batch=max(1, options["batch"]))
        verb = "would delete" if options["dry_run"] else "deleted"
        self.stdout.write(f"{verb} {report['executions']} executions "
                          f"in {report['batches']} batches")
