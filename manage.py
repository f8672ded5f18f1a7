#!/usr/bin/env python
"""Django's command-line entry point; a settings error, or a database that is not set up or
not reachable, is one clear line saying what to run, not a traceback."""

import os
import sys

NOT_MIGRATED = ("no such table", "does not exist", "no such column")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # Start-up misconfiguration is a user error: name the variable, skip the traceback.
        sys.stderr.write(f"configuration error: {exc}\n")
        sys.exit(2)
    except (OperationalError, ProgrammingError) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if any(marker in text for marker in NOT_MIGRATED):
            python = os.path.relpath(sys.executable)
            sys.stderr.write(f"the database is not set up yet ({text}): run "
                             f"`{python} manage.py prepare` (or `make run` once)\n")
        else:
            sys.stderr.write(f"cannot use the database ({text}): start it, or set "
                             "DATABASE_URL (see .env.example)\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
