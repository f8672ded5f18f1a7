"""Compile a workflow file from the terminal and print issues the way compilers do. It needs
no database unless asked (`--owner`) to check env vars, connections and sub-workflows
against a user's. Python steps' requirements are resolved against the package index, as a
save does (apps/workflows/packages.py), without its cache."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from apps.workflows import packages, services
from compiler import CompileContext, compile_definition


class Command(BaseCommand):
    help = "Compile FILE.json; print issues; exit 1 when there are errors."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("file")
        parser.add_argument("--show-code", action="store_true", help="print the artifact")
        parser.add_argument("--json", action="store_true", help="print the CompilationResult")
        parser.add_argument("--owner", default=None,
                            help="also check env vars, connections and sub-workflows against "
                            "this user's (reads the database)")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path = Path(options["file"])
        try:
            definition = json.loads(path.read_text())
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file") from None
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
            raise CommandError(f"{path}: not valid JSON ({exc})") from None
        resolution = packages.resolve_definition(definition, budget_s=None,
                                                 store=bool(options["owner"]))
        context = CompileContext(python_locks=resolution.locks)
        if options["owner"]:
            owner = get_user_model().objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"no user {options['owner']!r}")
            context = services.compile_context_for(owner=owner, slug=None,
                                                   resolution=resolution)
        result = compile_definition(definition, context)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), indent=2))
        else:
            for issue in result.issues:
                where = f"node {issue.node_id!r}" if issue.node_id else "workflow"
                if issue.line:
                    where += f" line {issue.line}"
                text = f"{path}: {where}: {issue.type}[{issue.code}]: {issue.message}"
                if issue.suggestion:
                    text += f" — suggestion: {issue.suggestion}"
                self.stdout.write(text)
            if options["show_code"] and result.artifacts.generated_code:
                self.stdout.write(result.artifacts.generated_code)
            errors = sum(1 for i in result.issues if i.type == "error")
            warnings = len(result.issues) - errors
            self.stdout.write(f"{path}: {result.status} ({errors} error(s), {warnings} "
                              f"warning(s), {result.duration_ms:.1f} ms)")
        if result.status == "error":
            raise SystemExit(1)
