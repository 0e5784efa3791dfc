"""The audit key (docs/security.md 9): what keys the audit chain's HMAC and signs its anchors, kept outside the database.

`AUDIT_HMAC_KEY` (at least 32 characters), or a per-machine file `var/audit_key` (mode 0600) created on first use,
as the field-encryption key is (`portal/crypto.py`). It is never written to the database nor into a backup archive:
back it up apart from them, with the field key. Two keys are derived from it, one per purpose, so an anchor line
can never pass for a record or the other way round; `key_id()` names the key without revealing it.
"""

import hashlib
import hmac
import os
import secrets
import tempfile
from functools import lru_cache
from pathlib import Path

from django.conf import settings

MIN_KEY_LENGTH = 32
KEY_FILE = "audit_key"

__all__ = ["MIN_KEY_LENGTH", "anchor_mac", "chain_mac", "key_id"]


def chain_mac(message: bytes) -> str:
    """HMAC of one record's message under the chain key, with the hash named by settings.AUDIT_HASH."""
    return _mac(_derived(_master_key(), "chain"), message)


def anchor_mac(message: bytes) -> str:
    """HMAC of one anchor line under the anchor key."""
    return _mac(_derived(_master_key(), "anchor"), message)


def key_id() -> str:
    """16 hex characters that name the configured key (stored on each record; reveals nothing of the key)."""
    return _derived(_master_key(), "key-id").hex()[:16]


def _mac(key: bytes, message: bytes) -> str:
    return hmac.new(key, message, getattr(settings, "AUDIT_HASH", "sha256")).hexdigest()


@lru_cache(maxsize=8)
def _derived(master: bytes, purpose: str) -> bytes:
    # Always SHA-256, whatever AUDIT_HASH is: the key id must not change when only the chain's hash does.
    return hmac.new(master, f"portal-audit-{purpose}".encode(), hashlib.sha256).digest()


def _master_key() -> bytes:
    configured = getattr(settings, "AUDIT_HMAC_KEY", "")
    if configured:
        return configured.encode()
    return _local_key(Path(settings.VAR_DIR) / KEY_FILE)


@lru_cache(maxsize=4)
def _local_key(path: Path) -> bytes:
    """The per-machine key, created atomically: web and worker processes starting together agree on one key."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".audit_key-")  # mode 0600
        try:
            with os.fdopen(fd, "wb") as stream:
                stream.write(secrets.token_urlsafe(48).encode())
            try:
                os.link(partial, path)  # refused if another process made the file first: then its key is the key
            except FileExistsError:
                pass
        finally:
            os.unlink(partial)
    return path.read_bytes().strip()
