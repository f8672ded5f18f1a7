"""Celery-side code: task wrappers and the step runner (no Django models imported here
except through services)."""
