"""A kept copy of a freshly migrated database, so that a new database starts from it instead of running every
migration again.

Migrating an empty database takes about 15–25 s here (72 migrations, most of it Django rendering the model states),
longer than loading the demo data or the fast tests themselves. So the first migrate of an empty database keeps a
copy, named by a fingerprint of everything that shapes the schema, and a later empty database is restored from it:

- SQLite: a file `<fingerprint>.sqlite3` in a folder (the demo's `var/migrated/`, the tests' `var/test-db/`), copied
  into the new database with SQLite's backup API;
- PostgreSQL (the tests only): a template database `<database>_tpl_<fingerprint>`, from which the database is created
  again (`CREATE DATABASE … TEMPLATE`, a file copy on the server).

The fingerprint covers Django's version, the database engine, every migration file of every installed app (the
third-party ones included) and the source of every `post_migrate` receiver (the administrator groups and their
permissions are made there), so any change to those migrates afresh; stale copies are removed.
"""

import hashlib
import inspect
import sqlite3
import weakref
from collections.abc import Callable
from pathlib import Path

import django
from django.apps import apps
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


def sqlite_restore_or_keep(connection, migrate: Callable[[], None], folder: Path) -> bool:
    """Restore the kept copy into `connection`'s database, or run `migrate()` and keep a copy in `folder`.

    Returns whether the copy was restored. The caller makes sure the database is empty (a restore replaces it)."""
    copy = Path(folder) / f"{fingerprint('sqlite')}.sqlite3"
    connection.ensure_connection()
    if copy.exists():
        with sqlite3.connect(copy) as source:
            source.backup(connection.connection)
        return True
    migrate()
    copy.parent.mkdir(parents=True, exist_ok=True)
    partial = copy.with_suffix(".partial")
    with sqlite3.connect(partial) as target:
        connection.connection.backup(target)
    partial.replace(copy)  # a run stopped halfway leaves no half copy behind
    for stale in copy.parent.glob("*.sqlite3"):
        if stale != copy:
            stale.unlink(missing_ok=True)
    return False


def postgres_restore_or_keep(connection, migrate: Callable[[], None]) -> bool:
    """The same on PostgreSQL, with a template database beside `connection`'s (which is dropped and created again)."""
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
        return True
    migrate()
    connection.close()
    with connection._nodb_cursor() as cursor:
        for stale in templates:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
        cursor.execute(f"COMMENT ON DATABASE {quote(template)} IS %s", [MARKER])
    return False
