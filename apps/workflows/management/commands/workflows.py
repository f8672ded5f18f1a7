"""Workflows as files in a directory (a Git repository): `export DIR` writes one <slug>.json
per workflow, `apply DIR [--prune] [--dry-run]` creates or updates them by slug, all or
nothing, and exits 1 when anything would not compile (apps/workflows/files.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.common.exceptions import ApplicationError
from apps.workflows import files

MARKS = {"create": "+", "update": "~", "delete": "-", "unchanged": "="}


class Command(BaseCommand):
    help = ("Export an owner's workflows to DIR (one <slug>.json each), or apply DIR: create "
            "or update by slug, compile each, optionally prune; all or nothing.")

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        verbs = parser.add_subparsers(dest="verb", required=True)
        export = verbs.add_parser("export", help="Write every workflow to DIR/<slug>.json.")
        export.add_argument("directory", metavar="DIR")
        export.add_argument("--owner", default="admin")
        apply = verbs.add_parser("apply", help="Create or update the workflows of DIR/*.json.")
        apply.add_argument("directory", metavar="DIR")
        apply.add_argument("--owner", default="admin")
        apply.add_argument("--prune", action="store_true",
                           help="Delete the owner's workflows that have no file in DIR.")
        apply.add_argument("--dry-run", action="store_true",
                           help="Compile and show what would change; change nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        owner = get_user_model().objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(f"no user {options['owner']!r}; create it first or pass --owner")
        directory = Path(options["directory"])
        if options["verb"] == "export":
            self._export(owner, directory)
        else:
            self._apply(owner, directory, prune=options["prune"], dry_run=options["dry_run"])

    def _export(self, owner: Any, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        written = files.workflows_export(owner=owner)
        for name, text in written.items():
            path = directory / name
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
        self.stdout.write(f"exported {len(written)} workflow(s) to {directory}")
        strays = sorted(p.name for p in directory.glob(f"*{files.SUFFIX}") if p.name not in written)
        for name in strays:
            self.stdout.write(f"  {name}: not one of these workflows (apply would create it)")

    def _apply(self, owner: Any, directory: Path, *, prune: bool, dry_run: bool) -> None:
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        texts = {}
        for path in sorted(directory.glob(f"*{files.SUFFIX}")):
            try:
                texts[path.name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as error:
                raise CommandError(f"{path}: cannot be read ({error})") from None
        try:
            result = files.workflows_apply(owner=owner, files=texts, prune=prune,
                                           dry_run=dry_run)
        except files.ApplyRefused as refused:
            self._report(refused.result)
            raise CommandError(refused.message) from None
        except ApplicationError as error:
            for name, problem in error.fields.items():
                self.stderr.write(f"  {name}: {problem}")
            raise CommandError(error.message) from None
        self._report(result)

    def _report(self, result: files.ApplyResult) -> None:
        for change in result.workflows:
            status = f", compiled {change.status}" if change.status else ""
            revision = f" revision {change.revision}" if change.revision else ""
            self.stdout.write(f"{MARKS[change.action]} {change.slug}: {change.action}"
                              f"{revision}{status}")
            for line in change.changes:
                self.stdout.write(f"    {line}")
            for issue in change.issues:
                node = f" [{issue['node_id']}]" if issue.get("node_id") else ""
                self.stdout.write(f"    {issue.get('type', 'error')}{node}: "
                                  f"{issue.get('message', '')}")
        counts = {action: sum(c.action == action for c in result.workflows) for action in MARKS}
        summary = ", ".join(f"{n} {action}" for action, n in counts.items() if n)
        verb = ("would apply" if result.dry_run else "applied") if result.ok else "refused"
        self.stdout.write(f"{verb}: {summary or 'nothing to do'}")
