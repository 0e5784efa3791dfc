"""A task goes through a real Celery worker: the configured broker (Redis in CI, the filesystem locally)."""

import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import OperationalError
from django.utils import timezone

from config.celery import app
from portal.tasks import flag_inactive_accounts
from tests.factories import UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@contextmanager
def own_queue():
    """Send tasks to a queue of this test's own, so a demo worker on the same broker never takes them."""
    queue = f"test-{uuid.uuid4().hex}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_default_queue = previous


@contextmanager
def running_worker(queue: str):
    """An in-process worker on `queue`; it drains what was queued before it started."""
    with start_worker(app, pool="solo", queues=[queue], perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture
def celery_worker():
    with own_queue() as queue, running_worker(queue) as worker:
        yield worker


def wait_for(condition, timeout=15.0):
    """Whether `condition()` holds within `timeout` seconds. On the embedded SQLite the in-process worker shares the
    test's in-memory database, whose table locks refuse a read while the worker writes that table: not yet, then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError as error:
            if "locked" not in str(error):
                raise
        time.sleep(0.1)
    return False


def test_flag_inactive_accounts_runs_in_worker(celery_worker):
    stale = UserFactory(last_login=timezone.now() - timedelta(days=120))
    fresh = UserFactory(last_login=timezone.now() - timedelta(days=3))

    flag_inactive_accounts.delay()

    assert wait_for(lambda: type(stale).objects.get(pk=stale.pk).inactive_flagged_at is not None)
    fresh.refresh_from_db()
    assert fresh.inactive_flagged_at is None
