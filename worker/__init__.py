"""Celery-side code: the tasks, the step runner and each step type's runner, the sandbox; it
reaches the apps only through their doors (services, selectors, models), as
tests/common/test_layout.py checks."""
