"""Worlds built once per module: the data many tests of a module read, built in one transaction that the module's
last test rolls back, as Django's `TestCase.setUpTestData` does.

Each test still runs in its own savepoint inside that transaction (pytest-django's `db`), so whatever a test writes
is gone before the next one; and each test gets its own deep copy of the built objects, so a service that changes an
instance in memory (a status, a cached relation) does not change what the next test is given. Not for modules with
transactional tests, whose flush would empty the shared transaction.

    @pytest.fixture(scope="module")
    def _built(django_db_setup, django_db_blocker):
        yield from built_once(django_db_blocker, build_world)

    @pytest.fixture
    def world(_built, db):
        return copy.deepcopy(_built)
"""

from collections.abc import Callable, Iterator
from typing import TypeVar

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
