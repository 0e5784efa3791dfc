"""Migrating a test database back and forth (the migration tests: a schema of the past, data written in it, the
latest schema again), and the fixture that leaves the database on the latest schema for the tests after."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate_to(targets=None):
    """Migrate to `targets` ((app, migration) pairs; a migration None unapplies the app), or to every app's latest
    migration when None; returns the apps as of there (historical models)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


@pytest.fixture
def back_to_the_latest_schema():
    """Whatever a test migrated to, the database ends on every app's latest migration for the tests after it."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
