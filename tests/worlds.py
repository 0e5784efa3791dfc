"""Worlds built once per module: the data many tests of a module read, built in one transaction that the module's
last test rolls back, as Django's `TestCase.setUpTestData` does.

Each test still runs in its own savepoint inside that transaction (pytest-django's `db`), so whatever a test writes
is gone before the next one; and each test gets its own deep copy of the built objects, so a service that changes an
instance in memory (a status, a cached relation) does not change what the next test is given. Not for modules with
transactional tests, whose flush would empty the shared transaction.

    _listed, listed = module_world("listed", build_listed, built_at=ISSUED_AT, tests_at=NOW)

or, for a module fixture of its own (parametrised, say), `yield from built_once(django_db_blocker, build)`.
"""

import copy
import inspect
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TypeVar

import pytest
import time_machine
from django.db import transaction

T = TypeVar("T")


def built_once(django_db_blocker, build: Callable[[], T]) -> Iterator[T]:
    """A module fixture's body: `build()` in a transaction left open for the module's tests, then rolled back. The
    database is unblocked only while building and rolling back, so a test without `db` still cannot reach it."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            world = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield world
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def module_world(name: str, build: Callable[[], T], *, built_at: datetime, tests_at: datetime | None = None):
    """Two fixtures: `_<name>`, `build()` run once for the module with the clock on `built_at`, and `<name>`, each
    test's own deep copy of it with the clock standing on `tests_at` (`built_at` unless given)."""

    @pytest.fixture(scope="module", name=f"_{name}")
    def built(django_db_setup, django_db_blocker):
        def build_then() -> T:
            with time_machine.travel(built_at, tick=False):
                return build()

        yield from built_once(django_db_blocker, build_then)

    def each(**fixtures):
        fixtures["time_machine"].move_to(tests_at or built_at, tick=False)
        return copy.deepcopy(fixtures[f"_{name}"])

    # Named by the module fixture's name, which pytest then sets up first: the test's savepoint (`db`) opens inside
    # the module's transaction.
    each.__signature__ = inspect.Signature(
        [inspect.Parameter(arg, inspect.Parameter.KEYWORD_ONLY) for arg in (f"_{name}", "db", "time_machine")]
    )
    each = pytest.fixture(name=name)(each)

    return built, each

