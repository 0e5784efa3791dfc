"""Test settings overrides and shared fixtures. Tests only override settings; nothing is test-only in code."""

import importlib

import pytest
from django.db import connection

# A real clamd for the antivirus tests, and the summary line that counts them; the migration tests' fixture.
pytest_plugins = ["tests.clamd", "tests.migrating"]


# The tests outside the fast loop (`make test-fast`, `pytest --fast`); `make test` and CI run them all.
SLOW_MARKERS = (
    "e2e", "celery_worker", "clamd", "faults", "concurrency", "migrations", "object_storage", "lint",
    "fuzz", "pdf", "backup",
)  # fmt: skip
_RUNNING = {"pdf": False}


def pytest_addoption(parser):
    parser.addoption(
        "--fast", action="store_true",
        help=f"the fast loop: leave out the tests marked {', '.join(SLOW_MARKERS)}",
    )  # fmt: skip


def pytest_collection_modifyitems(config, items):
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.fuzz)
    if not config.getoption("fast"):
        return
    fast = [item for item in items if not any(item.get_closest_marker(name) for name in SLOW_MARKERS)]
    if len(fast) < len(items):
        kept = set(fast)
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = fast


def pytest_runtest_setup(item):
    _RUNNING["pdf"] = item.get_closest_marker("pdf") is not None


@pytest.fixture(autouse=True, scope="session")
def _pdf_renders_are_marked():
    """A WeasyPrint render (a second or so) in a test not marked `pdf` fails, so the fast loop stays fast."""
    from weasyprint import HTML

    render = HTML.render  # what every PDF of the portal goes through (HTML.write_pdf calls it)

    def guarded(self, *args, **kwargs):
        if not _RUNNING["pdf"]:
            pytest.fail("this test renders a PDF: mark it @pytest.mark.pdf", pytrace=False)
        return render(self, *args, **kwargs)

    HTML.render = guarded
    yield
    HTML.render = render


@pytest.fixture(autouse=True, scope="session")
def _test_settings(tmp_path_factory):
    """The settings of every test, changed once for the session (a change per test costs a `setting_changed` signal
    each way, whose receivers reset storages, caches and hashers)."""
    from django.conf import settings
    from django.test import override_settings

    base = tmp_path_factory.getbasetemp()
    # An empty STATIC_ROOT: WhiteNoise indexes every file under it when a test client first builds the middleware
    # (about 1,000 after a local collectstatic, ~80 ms per test for nothing).
    (base / "empty-static").mkdir(exist_ok=True)
    override = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Tests sign staff in with force_login; the second factor has its own tests
        # (tests/portal/test_second_factor.py), which turn it back on.
        SECOND_FACTOR_REQUIRED=False,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        MEDIA_ROOT=base / "media",
        STATIC_ROOT=base / "empty-static",
        # The audit chain's key and anchor file: the same key in every test; the file is removed before each test.
        AUDIT_HMAC_KEY="test-audit-key-not-for-production-0123456789",
        AUDIT_ANCHOR_PATH=base / "audit-anchors.jsonl",
        # django-simple-history writes a history row for every save of 35 models, factories' included; only the
        # tests that read history (marked `history`) pay for it.
        SIMPLE_HISTORY_ENABLED=False,
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True, scope="session")
def _urlconf_loaded(_test_settings):
    """The URLconf, with every view, form and table module it imports, loaded once before the first test, as a server
    loads it before its first request (and Django's own test runner in its checks): that work is the session's, not
    whichever test first resolves a URL."""
    from django.urls import get_resolver

    get_resolver().reverse_dict  # noqa: B018 (reading it populates the resolver)


@pytest.fixture(autouse=True)
def _each_test(request, _test_settings):
    from django.conf import settings
    from django.core.cache import cache
    from django.test import override_settings

    from rubrics.services import forget_frozen_data

    settings.AUDIT_ANCHOR_PATH.unlink(missing_ok=True)  # a fresh anchor file per test
    cache.clear()  # LocMemCache instances share one store per process: no page or rate count leaks between tests
    forget_frozen_data()  # a rolled-back rubric's pk comes back in the next test
    if request.node.get_closest_marker("history") is None:
        yield
        return
    with override_settings(SIMPLE_HISTORY_ENABLED=True):
        yield


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


def signed_in(client, user):
    """Give `client` a session signed in as `user`, as Client.force_login does but without the sign-in itself: no
    user_logged_in signal, so no audit record, last-login update or lockout reset per test (about five queries each).
    The login form, its audit records and its lockouts have their own tests (tests/portal/test_accounts.py and
    test_client_address.py), which sign in through the form or force_login."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


@pytest.fixture
def login(client):
    """Sign a user in (tests.conftest.signed_in: the login form has its own tests)."""

    def _login(user):
        return signed_in(client, user)

    return _login


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """The figures of the concurrency tests (tests/test_concurrency.py), one line per endpoint, without -s."""
    from tests.burst import FIGURES

    lines = config.stash.get(FIGURES, [])
    if lines:
        terminalreporter.write_sep("-", "concurrent create-once requests")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def _migrated_state_copies():
    from tests.db_cache import restore_or_keep_migrated_state

    return restore_or_keep_migrated_state()


@pytest.fixture(scope="session")
def django_db_setup(_migrated_state_copies, django_db_setup):
    """pytest-django's set-up, from a copy of the migrated database when one is kept (tests/db_cache.py); the tests'
    own `migrate` calls run for real."""
    _migrated_state_copies()  # put Django's back
    yield
