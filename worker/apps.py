"""The worker as a Django app: for its command, `manage.py run_workflow` (a run followed
from the terminal, or run in this very process with --local, as a worker would)."""

from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = "Worker"
