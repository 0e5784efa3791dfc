"""The audit log (SECURITY.md 8–9): one hash-chained, append-only record per audited event.

Callers write one line: `audit(AuditEvent.EXPORT, request=request, obj=round, detail="ranking")`.
Each record's hash covers the previous record's hash and the record's own fields, so changing or removing any record
breaks the chain from there on; `manage.py audit_verify` walks the chain and names the first broken link.
"""

import hashlib
import ipaddress
import json
from datetime import UTC

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from portal.enums import AuditEvent
from portal.models import AuditRecord

__all__ = ["AuditEvent", "audit", "chain_first_break", "record_hash"]

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
    The source IP is REMOTE_ADDR: the reverse proxy must set it to the client's address (forwarded headers are not
    trusted here). Side effects: one AuditRecord; on PostgreSQL, holds the chain lock until the transaction ends.
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
            source_ip=_client_ip(request),
            event=AuditEvent(event),  # an unknown event is a ValueError, not a silent record
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=_clean(obj.pk, 64) if obj is not None else "",
            success=success,
            detail=_clean(detail),
            prev_hash=prev_hash,
        )
        record.hash = record_hash(record)
        record.save()
    return record


def record_hash(record: AuditRecord) -> str:
    """hash(prev_hash + canonical JSON of the record's fields); the algorithm is settings.AUDIT_HASH (SECURITY.md 21)."""
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
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.new(getattr(settings, "AUDIT_HASH", "sha256"))
    digest.update((record.prev_hash + canonical).encode())
    return digest.hexdigest()


def chain_first_break() -> tuple[int, tuple[int, int] | None]:
    """Walk the chain in id order. Returns (records read, None) or (records read, (position, id) of the first break).

    A record breaks the chain when its own hash does not match its fields, or its prev_hash is not the hash of the
    record before it (a record was changed, inserted or removed there).
    """
    expected_prev, count = GENESIS, 0
    for record in AuditRecord.objects.order_by("id").iterator(chunk_size=2000):
        count += 1
        if record.prev_hash != expected_prev or record.hash != record_hash(record):
            return count, (count, record.pk)
        expected_prev = record.hash
    return count, None


def _lock_chain() -> None:
    """Make concurrent writers append one at a time, so two cannot chain onto the same prev_hash.

    Held until the transaction ends, so it is the last lock a transaction takes (the order is written down at
    publicity.services.numbering_lock): after audit(), take no row lock that a transaction waiting here may hold.
    SQLite needs nothing more: the settings open every transaction with BEGIN IMMEDIATE, which takes the write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _client_ip(request) -> str | None:
    """REMOTE_ADDR in the form the database gives back (the hash is recomputed from stored values), or None."""
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    address = address.split("%")[0]  # an IPv6 zone (fe80::1%eth0) is not part of the address
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return clean_ipv6_address(address) if ":" in address else address


def _clean(value, max_length: int | None = None) -> str:
    """A string the database stores exactly as given: no NUL (PostgreSQL refuses it), within the column's length."""
    text = str(value).replace("\x00", "")
    return text[:max_length] if max_length else text
