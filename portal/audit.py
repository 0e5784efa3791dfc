"""The audit log (docs/security.md 8–9): one hash-chained, append-only record per audited event.

Callers write one line: `audit(AuditEvent.EXPORT, request=request, obj=round, detail="ranking")`.
Each record's hash covers the previous record's hash and the record's own fields, so changing or removing any record
breaks the chain from there on; `manage.py audit_verify` walks the chain and names the first broken link.

Keyed chain. The hash is an HMAC (settings.AUDIT_HASH) under the audit key, which lives outside the database
(`portal/audit_keys.py`): someone who can write the table but has not the key cannot recompute the chain after an
edit. Each record carries the id of the key it was signed with (`key_id`).

Records written before the key existed. They keep their plain hash (the same function as before, `key_id` NULL) and
are checked as before; nothing is rewritten (the table is append-only, and a rewrite is just what we must detect).
The first keyed record chains onto the last plain one, so the plain prefix is covered by the key from there: an edit
in it is detected, at the latest at that first keyed record (a plain hash cannot say where the edit is). A plain
record after a keyed one is a fault (a downgrade). Rewriting the whole chain as plain records would pass the chain
walk alone; the anchors catch it: every anchor names the last plain record (`legacy_last_id`), so a plain record
past that id is a fault, and the anchored head's hash no longer matches.

Anchors (`portal/audit_anchors.py`): the chain head, signed with the key, appended to a file outside the database
every 15 minutes, at deploy and by `audit_verify --anchor`; they catch a truncated tail and a chain rewritten by
someone who holds the key but cannot rewrite the anchor file.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal import audit_keys
from portal.clientip import client_ip
from portal.enums import AuditEvent
from portal.models import AuditRecord

__all__ = ["AuditEvent", "audit", "record_hash"]

GENESIS = "0" * 64
# Any constant works: it only has to be the same in every process that appends (pg_advisory_xact_lock's key).
CHAIN_LOCK_KEY = 0x41554449  # "AUDI"


def audit(
    event: AuditEvent,
    *,
    user=None,
    username: str = "",
    request=None,
    obj=None,
    success: bool = True,
    detail: str = "",
) -> AuditRecord:
    """Append one audit record, chained to the last one.

    The user defaults to `request.user`; `username` names someone who is not (yet) a user, e.g. a failed login.
    The source IP is the client's, read through the trusted proxies (portal.clientip). Side effects: one AuditRecord; on PostgreSQL, holds the chain lock until the transaction ends.
    """
    if user is None and request is not None:
        user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    with transaction.atomic():
        _lock_chain()
        prev_hash = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        record = AuditRecord(
            created_at=timezone.now(),  # taken inside the lock, so times increase along the chain
            user_id=user.pk if authenticated else None,
            username=_clean(user.get_username() if authenticated else username, 150),
            source_ip=client_ip(request),
            event=AuditEvent(event),  # an unknown event is a ValueError, not a silent record
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=_clean(obj.pk, 64) if obj is not None else "",
            success=success,
            detail=_clean(detail),
            prev_hash=prev_hash,
            key_id=audit_keys.key_id(),
        )
        record.hash = record_hash(record)
        record.save()
    return record


def record_hash(record: AuditRecord) -> str:
    """The record's hash over prev_hash + canonical JSON of its fields.

    Keyed (record.key_id set): HMAC under the audit key of the fields and the key id. Plain (key_id NULL, the records
    written before the key existed): the hash as it was, settings.AUDIT_HASH of the same text without the key id.
    """
    fields = {
        "created_at": record.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "user_id": record.user_id,
        "username": record.username,
        "source_ip": record.source_ip,
        "event": str(record.event),
        "object_type": record.object_type,
        "object_id": record.object_id,
        "success": record.success,
        "detail": record.detail,
    }
    if record.key_id is not None:
        fields["key_id"] = record.key_id
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    message = (record.prev_hash + canonical).encode()
    if record.key_id is not None:
        return audit_keys.chain_mac(message)
    return hashlib.new(getattr(settings, "AUDIT_HASH", "sha256"), message).hexdigest()


def _lock_chain() -> None:
    """Make concurrent writers append one at a time, so two cannot chain onto the same prev_hash.

    Held until the transaction ends, so it is the last lock a transaction takes (the order is written down at
    portal.documents.numbering_lock): after audit(), take no row lock that a transaction waiting here may hold.
    SQLite needs nothing more: the settings open every transaction with BEGIN IMMEDIATE, which takes the write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _clean(value, max_length: int | None = None) -> str:
    """A string the database stores exactly as given: no NUL (PostgreSQL refuses it), within the column's length."""
    text = str(value).replace("\x00", "")
    return text[:max_length] if max_length else text
