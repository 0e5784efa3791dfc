"""Personal data encrypted at rest (docs/security.md 18): portal.crypto and its settings check."""

import pytest
from cryptography.fernet import Fernet

from portal import crypto
from portal.checks import encryption_keys_check


@pytest.fixture
def keys(settings):
    crypto._fernet.cache_clear()
    yield settings
    crypto._fernet.cache_clear()


def test_round_trip_and_ciphertext_hides_the_value(keys):
    keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = crypto.encrypt("13912345678")
    assert "13912345678" not in token and crypto.decrypt(token) == "13912345678"


def test_rotation_keeps_old_values_readable(keys):
    old = Fernet.generate_key().decode()
    keys.FIELD_ENCRYPTION_KEYS = [old]
    token = crypto.encrypt("欧阳测试")
    crypto._fernet.cache_clear()
    keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), old]
    assert crypto.decrypt(token) == "欧阳测试"


def test_a_lost_key_reads_as_undecryptable_not_a_500(keys):
    keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = crypto.encrypt("secret")
    crypto._fernet.cache_clear()
    keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert crypto.EncryptedTextField().from_db_value(token, None, None) == "[无法解密]"


def test_check_refuses_a_placeholder_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = ["change-me", Fernet.generate_key().decode()]
    assert [error.id for error in encryption_keys_check()] == ["portal.E003"]
    settings.FIELD_ENCRYPTION_KEYS = []
    assert encryption_keys_check() == []
