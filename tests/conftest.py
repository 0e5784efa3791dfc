"""Test settings overrides and shared fixtures. Tests only override settings; nothing is test-only in code."""

import pytest


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path_factory):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def login(client):
    """Log a user in (force_login: the login form has its own tests)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
