"""Events and log lines become range-partitioned by timestamp on PostgreSQL (docs/scaling.md,
"Partitioned history"); SQLite keeps plain tables and this does nothing there.

Each table is rebuilt under its own name: a partitioned twin (same columns, defaults, checks
and identity), a bin for every HISTORY_PARTITION_DAYS from the oldest row's to now plus the
bins ahead, and a DEFAULT partition; every row copied, the identity carried on past the
largest id, the old table dropped and the twin given its names, without the foreign key to
the execution (checking it would visit every partition for each execution deleted; Django's
cascade and retention delete an execution's history, models.py). The primary key and the
unique (execution, seq) gain the timestamp, as PostgreSQL requires of a partitioned table's
unique keys ((execution, seq) stays unique by construction: seq is handed out under the
execution's row lock). Self-contained on purpose: it must keep doing today's conversion
whatever apps/executions/partitions.py becomes. Going back leaves the tables partitioned
(they serve the older code the same).
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import migrations, models

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TABLES = {
    "executions_executionevent": {"unique": ("uniq_event_seq", ["execution_id", "seq"]),
                                  "indexes": {}},
    "executions_logline": {"unique": ("uniq_log_seq", ["execution_id", "seq"]),
                           "indexes": {"log_step": ["execution_id", "step_id", "seq"],
                                       "log_level": ["execution_id", "level", "seq"]}},
}


def _bin(moment, width):
    index = (moment - EPOCH) // width
    return EPOCH + index * width


def _convert(cursor, table, spec):
    cursor.execute("SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                   "WHERE c.relname = %s", [table])
    if cursor.fetchone():
        return  # converted already
    width = timedelta(days=settings.HISTORY_PARTITION_DAYS)
    new = f"{table}__partitioned"
    cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
    cursor.execute(f'SELECT min("timestamp"), max(id) FROM "{table}"')
    oldest, last_id = cursor.fetchone()
    cursor.execute(f'CREATE TABLE "{new}" (LIKE "{table}" INCLUDING DEFAULTS INCLUDING '
                   f'CONSTRAINTS INCLUDING IDENTITY) PARTITION BY RANGE ("timestamp")')
    cursor.execute(f'ALTER TABLE "{new}" ADD CONSTRAINT "{new}_pk" PRIMARY KEY (id, "timestamp")')
    unique_name, unique_columns = spec["unique"]
    cursor.execute(f'ALTER TABLE "{new}" ADD CONSTRAINT "{unique_name}__p" UNIQUE '
                   f'({", ".join(unique_columns)}, "timestamp")')
    for name, columns in spec["indexes"].items():
        cursor.execute(f'CREATE INDEX "{name}__p" ON "{new}" ({", ".join(columns)})')
    cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{new}" DEFAULT')
    now = datetime.now(UTC)
    lower = _bin(min(oldest, now) if oldest else now, width)
    horizon = _bin(now, width) + width * (1 + settings.HISTORY_PARTITIONS_AHEAD)
    while lower < horizon:
        cursor.execute(f'CREATE TABLE "{table}_p{lower:%Y%m%d}" PARTITION OF "{new}" '
                       "FOR VALUES FROM (%s) TO (%s)", [lower, lower + width])
        lower += width
    cursor.execute(f'INSERT INTO "{new}" SELECT * FROM "{table}"')  # noqa: S608
    if last_id is not None:
        cursor.execute(f'ALTER TABLE "{new}" ALTER COLUMN id RESTART WITH {int(last_id) + 1}')
    cursor.execute(f'DROP TABLE "{table}"')
    cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
    cursor.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{new}_pk" TO "{table}_pkey"')
    cursor.execute(f'ALTER TABLE "{table}" RENAME CONSTRAINT "{unique_name}__p" '
                   f'TO "{unique_name}"')
    for name in spec["indexes"]:
        cursor.execute(f'ALTER INDEX "{name}__p" RENAME TO "{name}"')
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    (sequence,) = cursor.fetchone()
    cursor.execute(f'ALTER SEQUENCE {sequence} RENAME TO "{table}_id_seq"')


def partition(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for table, spec in TABLES.items():
            _convert(cursor, table, spec)


class Migration(migrations.Migration):
    dependencies = [("executions", "0012_attempt_compilation")]

    operations = [migrations.SeparateDatabaseAndState(
        state_operations=[
            migrations.AlterField(
                model_name=model, name="execution", field=models.ForeignKey(
                    db_constraint=False, db_index=False, on_delete=models.deletion.CASCADE,
                    related_name=related, to="executions.execution"))
            for model, related in (("executionevent", "events"), ("logline", "log_lines"))],
        database_operations=[migrations.RunPython(partition, migrations.RunPython.noop,
                                                  elidable=False)])]
