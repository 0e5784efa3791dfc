"""Anchors of the audit chain (docs/security.md 9): the chain's head, written where the database cannot reach.

An anchor is one JSON line appended to settings.AUDIT_ANCHOR_PATH (opened with O_APPEND, created mode 0600):

    {"v":1,"at":"2026-03-02T00:30:05+08:00","source":"beat","last_id":120,"count":120,"hash":"9f…",
     "legacy_last_id":0,"key_id":"3c…","mac":"51…"}

`last_id`, `hash` and `count` are the head record, its hash and the number of records up to it; `legacy_last_id` the
last record written before the audit key existed (0: none), so a chain later rewritten as plain records is caught;
`key_id` the audit key; `mac` the HMAC under the audit key's anchor half of the other fields (canonical JSON).
Beat writes one every 15 minutes, `audit_verify --anchor` one after a clean check (the deploy runs it); no line
is written while the head has not moved. The same line goes to the log ("portal.audit_anchors", which production
ships off the machine, e.g. to syslog) and, as a notification with e-mail, to every active audit administrator.

Production keeps the file on another volume than the database, writable by the portal's user only through
O_APPEND (e.g. `chattr +a`). Someone who rewrites the database, even holding the key, cannot unwrite the lines
already written there, in the log and in the administrators' mailboxes; `audit_verify` checks every line.
"""

import fcntl
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit_keys
from portal.enums import Role
from portal.models import AuditRecord, User
from portal.services import notify

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
FIELDS = {
    "v": int,
    "at": str,
    "source": str,
    "last_id": int,
    "count": int,
    "hash": str,
    "legacy_last_id": int,
    "key_id": str,
    "mac": str,
}
TAIL_BYTES = 8192  # enough for the last line (an anchor is about 300 bytes)

__all__ = ["Anchor", "anchor_path", "audit_anchor_write", "audit_anchors_read"]


@dataclass(frozen=True)
class Anchor:
    """One line of the anchor file (`line` counts from 1). `problem` is None for a well-formed line signed with the
    configured key; only such lines are compared with the database."""

    line: int
    fields: dict
    problem: str | None = None


def anchor_path() -> Path:
    return Path(settings.AUDIT_ANCHOR_PATH)


def audit_anchor_write(*, source: str) -> dict | None:
    """Append an anchor of the chain's head, unless the last anchor already names this head or there is no record.

    Returns the anchor's fields, or None when nothing was written. Side effects: one line in the anchor file, one log
    line, and one notification (with e-mail) to each active audit administrator.
    """
    head = AuditRecord.objects.order_by("-id").only("id", "hash").first()
    if head is None:
        return None
    fields = {
        "v": FORMAT_VERSION,
        "at": timezone.localtime().isoformat(timespec="seconds"),
        "source": source,
        "last_id": head.pk,
        "count": AuditRecord.objects.filter(id__lte=head.pk).count(),
        "hash": head.hash,
        "legacy_last_id": _legacy_last_id(head.pk),
        "key_id": audit_keys.key_id(),
    }
    fields["mac"] = audit_keys.anchor_mac(_canonical(fields))
    line = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    if not _append_unless_same_head(anchor_path(), line, fields):
        return None
    logger.info("audit anchor %s", line)
    _notify_audit_admins(fields)
    return fields


def audit_anchors_read() -> list[Anchor] | None:
    """Every line of the anchor file, each checked for form, key and signature; None when there is no file."""
    path = anchor_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return [_parse(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def _legacy_last_id(head_id: int) -> int:
    """The last record written before the first keyed one (all records so far when none is keyed yet); 0: none."""
    first_keyed = AuditRecord.objects.filter(key_id__isnull=False).order_by("id").values_list("id", flat=True).first()
    if first_keyed is None:
        return head_id
    before = AuditRecord.objects.filter(id__lt=first_keyed).order_by("-id").values_list("id", flat=True).first()
    return before or 0


def _canonical(fields: dict) -> bytes:
    signed = {name: value for name, value in fields.items() if name != "mac"}
    return json.dumps(signed, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _parse(number: int, line: str) -> Anchor:
    try:
        fields = json.loads(line)
        if not isinstance(fields, dict) or any(type(fields.get(name)) is not kind for name, kind in FIELDS.items()):
            raise ValueError
    except ValueError:
        return Anchor(number, {}, _("无法读取，不是有效的锚点行"))
    if fields["key_id"] != audit_keys.key_id():
        return Anchor(number, fields, _("由另一把审计密钥（标识 {key_id}）签名").format(key_id=fields["key_id"]))
    if fields["mac"] != audit_keys.anchor_mac(_canonical(fields)):
        return Anchor(number, fields, _("签名不符，锚点被伪造或改动"))
    return Anchor(number, fields)


def _append_unless_same_head(path: Path, line: str, fields: dict) -> bool:
    """Append `line` under an exclusive lock, unless the file's last line names the same head. Returns whether it did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # beat and `audit_verify --anchor` may write at the same moment
        last = _last_line(path)
        if last is not None and (last.get("last_id"), last.get("hash")) == (fields["last_id"], fields["hash"]):
            return False
        os.write(fd, (line + "\n").encode())  # one write: a line is never interleaved with another
        os.fsync(fd)
        return True
    finally:
        os.close(fd)  # releases the lock


def _last_line(path: Path) -> dict | None:
    with path.open("rb") as stream:
        stream.seek(max(0, stream.seek(0, os.SEEK_END) - TAIL_BYTES))
        lines = stream.read().splitlines()
    try:
        last = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    return last if isinstance(last, dict) else None


def _notify_audit_admins(fields: dict) -> None:
    admins = list(User.objects.filter(role=Role.AUDIT_ADMIN, is_active=True))
    if not admins:
        return
    text = _("审计锚点：截至 {at}，审计记录共 {count} 条，最后一条 id={last_id}，摘要 {hash}。请保留此消息备查。").format(
        at=fields["at"].replace("T", " ")[:19], count=fields["count"], last_id=fields["last_id"], hash=fields["hash"]
    )
    notify(users=admins, text=text)
