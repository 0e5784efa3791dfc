"""The test database from a copy of the migrated state (config/migrated_copy.py), instead of running every migration
on each test run: an SQLite file in `TEST_DB_DIR` (default `VAR_DIR/test-db/`) copied into the in-memory test
database, or a PostgreSQL template database. Only the `migrate` of the test database's creation is replaced;
`createcachetable`, serialisation and teardown stay Django's.
"""

import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections

from config.migrated_copy import postgres_restore_or_keep, sqlite_restore_or_keep


def _sqlite(connection, migrate) -> None:
    folder = os.environ.get("TEST_DB_DIR") or Path(settings.VAR_DIR) / "test-db"
    sqlite_restore_or_keep(connection, migrate, Path(folder))


MIGRATORS = {"sqlite": _sqlite, "postgresql": postgres_restore_or_keep}


def restore_or_keep_migrated_state() -> Callable[[], None]:
    """From now on `migrate` restores the kept copy, or migrates and keeps one; returns what puts Django's back."""
    from django.core import management

    call_command = management.call_command

    def patched(name, *args, **options):
        connection = connections[options.get("database", "default")]
        migrator = MIGRATORS.get(connection.vendor)
        if name != "migrate" or args or migrator is None:
            return call_command(name, *args, **options)
        return migrator(connection, lambda: call_command(name, **options))

    management.call_command = patched

    def put_back() -> None:
        management.call_command = call_command

    return put_back
