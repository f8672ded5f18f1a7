"""Celery-side code: the tasks, the step runner and each step type's runner, the sandbox; it
reaches the database only through the apps' services and engine."""
