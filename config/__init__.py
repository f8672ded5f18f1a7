"""Project configuration; importing it binds @shared_task to our Celery app."""

from config.celery_app import app as celery_app

__all__ = ["celery_app"]
