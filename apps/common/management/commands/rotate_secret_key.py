"""Re-encrypt every stored secret under the first key of FERNET_KEYS.

Rotation, with the platform running: put the new key first in FERNET_KEYS and keep the old
ones after it; restart the web and worker processes (they read with every key and write with
the first); run this command; then `--verify`, and once it reports nothing, drop the old
keys. docs/operations.md ("Secrets") has the whole recipe."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.common import crypto


class Command(BaseCommand):
    help = "Re-encrypt every stored secret under the first key of FERNET_KEYS."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--verify", action="store_true",
                            help="only check that the first key alone reads every secret")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["verify"]:
            bad = {column: n for column, n in crypto.undecryptable_with_first_key().items()
                   if n}
            if bad:
                raise CommandError("not readable with the first key alone: " + ", ".join(
                    f"{n} in {column}" for column, n in bad.items())
                    + "; run rotate_secret_key (with the old keys still listed) first")
            self.stdout.write("every stored secret is readable with the first key alone: "
                              "the other keys can be removed from FERNET_KEYS")
            return
        counts = crypto.rotate_all()
        for column, count in counts.items():
            self.stdout.write(f"{column}: {count} re-encrypted")
        self.stdout.write(f"{sum(counts.values())} secrets now under the first key; check "
                          "with --verify before removing the old keys")
