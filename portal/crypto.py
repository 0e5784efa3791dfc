"""Encryption of personal data at rest (docs/security.md 18): Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`.

The keys live outside the database: `FIELD_ENCRYPTION_KEYS` (newest first, so a key can be rotated), or a
per-machine key file in var/. A database dump alone reveals no identity.
"""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models
from django.utils.translation import gettext


def _local_key() -> bytes:
    path = settings.VAR_DIR / "field_key"
    if not path.exists():
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return path.read_bytes().strip()


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys = [key.encode() for key in settings.FIELD_ENCRYPTION_KEYS] or [_local_key()]
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The clear text; raises InvalidToken when no configured key opens it (a lost or wrong key)."""
    return _fernet().decrypt(token.encode("ascii")).decode()


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; "" stays "" (nothing given, or purged). Not searchable or orderable."""

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return decrypt(value)
        except InvalidToken:
            # Wrong or missing key: show that something is there, never the ciphertext or a 500.
            return gettext("[无法解密]")

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


__all__ = ["EncryptedTextField", "InvalidToken", "decrypt", "encrypt"]
