"""Triggers: schedules and webhooks that start workflows with nobody at the keyboard."""
