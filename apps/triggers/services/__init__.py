"""Writes to triggers: schedules (schedules.py) and webhooks (hooks.py)."""
