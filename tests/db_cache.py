"""The test database from a copy of the migrated state, instead of running every migration on each test run.

Migrating an empty database takes about half a minute here (72 migrations, most of it Django rendering the model
states for the data migrations), longer than the fast tests themselves. So the first run keeps a copy of the freshly
migrated database, named by a fingerprint of everything that shapes it, and later runs start from that copy:

- SQLite: a file `<fingerprint>.sqlite3` in `TEST_DB_DIR` (default `VAR_DIR/test-db/`), copied into the in-memory test database with SQLite's
  backup API;
- PostgreSQL: a template database `<test database>_tpl_<fingerprint>`, from which the test database is created
  again (`CREATE DATABASE … TEMPLATE`, a file copy on the server).

The fingerprint covers Django's version, the database engine, every migration file of every installed app (the
third-party ones included) and the source of every `post_migrate` receiver (the admin groups and their
permissions are made there), so any change to those migrates afresh. Only the `migrate` of the test database's
creation is replaced; `createcachetable`, serialisation and teardown stay Django's.
"""

import hashlib
import inspect
import os
import sqlite3
import weakref
from collections.abc import Callable
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate

MARKER = "-- migrated"  # the comment on a PostgreSQL template once it is complete


def fingerprint(vendor: str) -> str:
    digest = hashlib.sha256(f"{django.get_version()} {vendor}".encode())
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    for entry in post_migrate.receivers:
        receiver = entry[1]() if isinstance(entry[1], weakref.ref) else entry[1]
        source = inspect.getsourcefile(receiver) if receiver is not None else None
        if source:
            digest.update(Path(source).read_bytes())
    return digest.hexdigest()[:16]


def _sqlite_copy() -> Path:
    folder = os.environ.get("TEST_DB_DIR") or Path(settings.VAR_DIR) / "test-db"
    return Path(folder) / f"{fingerprint('sqlite')}.sqlite3"


def _sqlite_migrate(connection, migrate) -> None:
    copy = _sqlite_copy()
    connection.ensure_connection()
    if copy.exists():
        with sqlite3.connect(copy) as source:
            source.backup(connection.connection)
        return
    migrate()
    copy.parent.mkdir(parents=True, exist_ok=True)
    partial = copy.with_suffix(".partial")
    with sqlite3.connect(partial) as target:
        connection.connection.backup(target)
    partial.replace(copy)  # a run stopped halfway leaves no half copy behind
    for stale in copy.parent.glob("*.sqlite3"):
        if stale != copy:
            stale.unlink(missing_ok=True)


def _postgres_migrate(connection, migrate) -> None:
    name = connection.settings_dict["NAME"]
    template = f"{name}_tpl_{fingerprint('postgresql')}"
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname LIKE %s",
            [f"{name}_tpl_%"],
        )
        templates = dict(cursor.fetchall())
    connection.close()
    if templates.get(template) == MARKER:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        return
    migrate()
    connection.close()
    with connection._nodb_cursor() as cursor:
        for stale in templates:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
        cursor.execute(f"COMMENT ON DATABASE {quote(template)} IS %s", [MARKER])


MIGRATORS = {"sqlite": _sqlite_migrate, "postgresql": _postgres_migrate}


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
