"""The history as it was before migration 0013 (plain events and log lines tables), for the
benches that compare against it: a script for `manage.py shell -c` that migrates executions
to 0012 and every other app to its latest (none needs executions past 0012)."""

SCRIPT = ("from django.core.management import call_command\n"
          "from django.db.migrations.loader import MigrationLoader\n"
          "call_command('migrate', 'executions', '0012', verbosity=0)\n"
          "for label in sorted({a for a, _ in MigrationLoader(None).disk_migrations} - "
          "{'executions'}):\n    call_command('migrate', label, verbosity=0)\n")
