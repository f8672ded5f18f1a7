"""Get a fresh or existing install ready: migrate, make the first login, load the examples."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Migrate, create the first login (printed once) and load examples/."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--username", default="admin")
        parser.add_argument("--web-url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        call_command("migrate", interactive=False, verbosity=0)
        users = get_user_model()
        username = options["username"]
        if not users.objects.filter(username=username).exists():
            password = secrets.token_urlsafe(12)
            users.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(self.style.SUCCESS(
                f"Created login {username!r} with password {password!r} — shown only this once. "
                f"Log in at {options['web_url']}"))
        else:
            self.stdout.write(f"Log in at {options['web_url']} as {username!r} "
                              f"(forgot it? python manage.py changepassword {username})")
        call_command("load_examples", owner=username, stdout=self.stdout)
