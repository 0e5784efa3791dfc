"""Test settings overrides and shared fixtures. Tests only override settings; nothing is test-only in code."""

import importlib

import pytest
from django.db import connection

# A real clamd for the antivirus tests, and the summary line that counts them.
pytest_plugins = ["tests.clamd"]


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests sign staff in with force_login; the second factor has its own tests (tests/portal/test_second_factor.py),
    # which turn it back on.
    settings.SECOND_FACTOR_REQUIRED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
    # An empty STATIC_ROOT: WhiteNoise indexes every file under it when a test client first builds the middleware
    # (about 1,000 after a local collectstatic, ~80 ms per test for nothing).
    empty_static = tmp_path_factory.getbasetemp() / "empty-static"
    empty_static.mkdir(exist_ok=True)
    settings.STATIC_ROOT = empty_static
    # The audit chain's key and anchor file: the same key in every test, and a fresh anchor file per test.
    settings.AUDIT_HMAC_KEY = "test-audit-key-not-for-production-0123456789"
    settings.AUDIT_ANCHOR_PATH = tmp_path_factory.mktemp("audit") / "audit-anchors.jsonl"
    from django.core.cache import cache

    cache.clear()  # LocMemCache instances share one store per process: no page or rate count leaks between tests


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the calling thread, so queued e-mails land in mail.outbox.

    The app's own setting is changed and put back: it reads Django's settings lazily, so a previous value read after
    changing those would be the new one, and every later test (a real worker's included) would run tasks eagerly.
    """
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def captcha_passes(monkeypatch):
    """django-simple-captcha's test mode (the answer "PASSED"), for form tests; the browser test reads the real answer."""
    monkeypatch.setattr("captcha.conf.settings.CAPTCHA_TEST_MODE", True)


@pytest.fixture(autouse=True)
def _audit_table_flushable(request):
    """Let a transactional test's closing flush through the audit table's append-only trigger (SQLite only).

    Why: on SQLite the flush is a DELETE of every table, which the trigger refuses; PostgreSQL flushes with TRUNCATE,
    which a row trigger does not see. So the audit rows are removed first, with the trigger lifted for that statement.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # set up before this fixture, so its flush runs after this teardown
    yield
    if connection.vendor == "sqlite":
        append_only = importlib.import_module("portal.migrations.0006_auditrecord_append_only")
        with connection.schema_editor() as editor:
            append_only.allow_update_and_delete(None, editor)
            editor.execute("DELETE FROM portal_auditrecord")
            append_only.forbid_update_and_delete(None, editor)


@pytest.fixture
def login(client):
    """Log a user in (force_login: the login form has its own tests)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The figures of the concurrency tests (tests/test_concurrency.py), one line per endpoint, without -s."""
    from tests.burst import FIGURES

    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.write_sep("-", "concurrent create-once requests")
        for line in lines:
            terminalreporter.write_line(line)
