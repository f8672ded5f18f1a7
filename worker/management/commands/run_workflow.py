"""Run a workflow from the terminal with a live progress bar per step; exit 1 when it fails.

    python manage.py run_workflow FILE.json|SLUG --input key=value [--input …] [--owner NAME]
                                 [--local]

A file is saved (created or updated) as a workflow of the owner first, so it is compiled and
its history is kept like any other run. Values are parsed as JSON when they can be. The run
goes to the platform's workers, which must be answering (the command asks first); with
`--local` it runs in this process instead (python steps still in the sandbox), the way a
developer or a CI job without workers wants.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from kombu.exceptions import OperationalError
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from apps.common.exceptions import ApplicationError
from apps.executions.models import TERMINAL_EXECUTION, TERMINAL_STEP, Execution
from apps.executions.services import execution_cancel, execution_start
from apps.workflows import services as workflow_services
from apps.workflows.models import Workflow
from worker import dispatch, local

ICONS = {"pending": "·", "queued": "…", "running": "▶", "retrying": "↻", "succeeded": "✔",
         "failed": "✖", "skipped": "⤼", "cancelled": "■"}


def parse_inputs(pairs: list[str]) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise CommandError(f"--input {pair!r}: write it as key=value")
        key, raw = pair.split("=", 1)
        try:
            inputs[key] = json.loads(raw)
        except ValueError:
            inputs[key] = raw
    return inputs


class Command(BaseCommand):
    help = "Run a workflow file or slug with a live progress bar; exit 1 when it fails."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("workflow", help="a definition file (.json) or a saved slug")
        parser.add_argument("--input", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument("--owner", default="admin")
        parser.add_argument("--timeout", type=float, default=3600)
        parser.add_argument("--local", action="store_true",
                            help="run in this process instead of on the workers")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["local"]:
            with dispatch.locally() as queue:
                self._run(options, queue)
        else:
            _check_workers()
            self._run(options, None)

    def _run(self, options: dict[str, Any], queue: dispatch.LocalQueue | None) -> None:
        owner = get_user_model().objects.filter(username=options["owner"]).first()
        if owner is None:
            raise CommandError(f"no user {options['owner']!r} (use --owner)")
        workflow = self._workflow(owner, options["workflow"])
        try:
            execution = execution_start(workflow=workflow, owner=owner,
                                        inputs=parse_inputs(options["input"]), trigger="manual")
        except ApplicationError as exc:
            details = "".join(f"\n  {k}: {v}" for k, v in exc.fields.items())
            extra = "".join(f"\n  {i.get('node_id') or 'workflow'}: {i['message']}"
                            for i in exc.extra.get("issues", []) if i.get("type") == "error")
            raise CommandError(f"{exc.message}{details}{extra}") from None
        console = Console(file=self.stdout._out, force_terminal=None)
        console.print(f"Execution [bold]{execution.pk}[/] of {workflow.slug!r}")
        try:
            execution = self._follow(execution, console, options["timeout"], queue)
        except KeyboardInterrupt:
            execution_cancel(execution=execution)
            raise CommandError("interrupted: the execution was cancelled") from None
        if execution.status != Execution.Status.SUCCEEDED:
            error = execution.error or {}
            console.print(f"[red]✖ {execution.status}[/]: {error.get('message', '')}")
            if error.get("traceback"):
                console.print(error["traceback"])
            if error.get("suggestion"):
                console.print(f"suggestion: {error['suggestion']}")
            raise SystemExit(1)
        console.print(f"[green]✔ succeeded[/] in {execution.duration_ms or 0:.0f} ms")
        console.print_json(json.dumps(execution.output, default=str))

    def _workflow(self, owner, name: str) -> Workflow:  # type: ignore[no-untyped-def]
        path = Path(name)
        if path.suffix == ".json" or path.exists():
            try:
                definition = json.loads(path.read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: cannot read a JSON definition ({exc})") from None
            slug = slugify(path.stem)
            existing = Workflow.objects.filter(owner=owner, slug=slug).first()
            if existing:
                return workflow_services.workflow_update(workflow=existing, definition=definition)
            return workflow_services.workflow_create(owner=owner, definition=definition,
                                                     slug=slug, name=definition.get("name")
                                                     or slug)
        workflow = Workflow.objects.filter(owner=owner, slug=name).first()
        if workflow is None:
            raise CommandError(f"no workflow {name!r} for {owner.get_username()!r}")
        return workflow

    def _follow(self, execution: Execution, console: Console, timeout: float,
                queue: dispatch.LocalQueue | None) -> Execution:
        deadline = time.monotonic() + timeout
        columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   TextColumn("{task.fields[status]}"), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=False) as progress:
            bars: dict[str, Any] = {}
            while True:
                execution.refresh_from_db()
                for step in execution.steps.order_by("id"):
                    if step.step_id not in bars:
                        bars[step.step_id] = progress.add_task(step.step_id, total=1,
                                                               status="pending")
                    done = step.status in TERMINAL_STEP
                    label = f"{ICONS.get(step.status, '?')} {step.status}"
                    if step.attempts > 1:
                        label += f" (attempt {step.attempts})"
                    progress.update(bars[step.step_id], completed=1 if done else 0,
                                    status=label)
                if execution.status in TERMINAL_EXECUTION:
                    return execution
                if time.monotonic() > deadline:
                    raise CommandError(f"still {execution.status} after {timeout:g} s")
                if queue is None:
                    time.sleep(0.1)
                else:
                    local.run_due(queue)


def _check_workers() -> None:
    """One line, not a wait for ever, when no worker consumes the queue."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    try:
        active = current_app.control.inspect(timeout=1.5).active_queues() or {}
    except OperationalError as exc:
        raise CommandError(f"cannot reach the broker at {_redacted(settings.REDIS_URL)} "
                           f"({exc}); start Redis, or run with --local") from None
    if not any(q.get("name") == queue for queues in active.values() for q in queues or []):
        raise CommandError(f"no worker answers on queue {queue!r}: start the platform with "
                           "`make run` (or a worker: .venv/bin/python -m celery -A config "
                           "worker -P prefork), or run this here with --local")


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    return url if not parts.password else url.replace(f":{parts.password}@", ":•••@")
