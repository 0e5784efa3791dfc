"""Verification of the audit log (docs/security.md 9): the chain, and the chain against every anchor.

`audit_log_verify()` walks the records in id order once and compares the anchored ones with the anchor file. Each
fault names where it is (position in the chain, id, time, event) and its kind; `first_fault` is the earliest one.
`manage.py audit_verify` prints them.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import audit_keys
from portal.audit import GENESIS, record_hash
from portal.audit_anchors import Anchor, audit_anchors_read
from portal.models import AuditRecord

__all__ = ["Fault", "FaultKind", "VerifyReport", "audit_log_verify"]


class FaultKind(models.TextChoices):
    EDITED = "edited", gettext_lazy("内容与摘要不符：记录被改动，或摘要被不用密钥重算")
    LINK = "link", gettext_lazy("与上一条记录不衔接：其前有记录被删除、插入或改动")
    UNKEYED = "unkeyed", gettext_lazy("没有密钥签名，却在启用审计密钥之后：记录是伪造的，或整条链被重写")
    OTHER_KEY = "other_key", gettext_lazy("由另一把审计密钥签名：密钥配置不对，或记录是伪造的")
    TRUNCATED = "truncated", gettext_lazy("锚点记录过的尾部记录已缺失：尾部记录被删除")
    MISSING = "missing", gettext_lazy("锚点记录过的这条记录已不存在：记录被删除")
    ANCHOR_MISMATCH = "anchor_mismatch", gettext_lazy("与锚点不符：锚点之前的链被改过（插入或删除了记录，或持有密钥者重写）")
    ANCHOR_INVALID = "anchor_invalid", gettext_lazy("锚点本身不可信")


@dataclass(frozen=True)
class Fault:
    """One fault. `position` counts from 1 in id order (for a missing tail: the first missing place)."""

    kind: FaultKind
    position: int | None = None
    record: AuditRecord | None = None
    anchor: Anchor | None = None
    detail: str = ""

    def sort_key(self) -> tuple:
        return (self.position is None, self.position or 0, self.anchor.line if self.anchor else 0)

    def describe(self) -> str:
        """One line, Chinese first: where, what kind, and what it means."""
        return f"{self.where()}：{self.kind.label}{'（' + self.detail + '）' if self.detail else ''}。"

    def where(self) -> str:
        if self.record is not None:
            return _("第 {position} 条（id={id}，{time}，{event}）").format(
                position=self.position,
                id=self.record.pk,
                time=f"{timezone.localtime(self.record.created_at):%Y-%m-%d %H:%M:%S}",
                event=self.record.get_event_display(),
            )
        if self.kind == FaultKind.MISSING:
            return _("第 {position} 条（id={id}）").format(position=self.position, id=self.anchor.fields["last_id"])
        if self.position is not None:
            return _("第 {position} 条起").format(position=self.position)
        return _("锚点文件第 {line} 行").format(line=self.anchor.line)


@dataclass
class VerifyReport:
    count: int = 0
    legacy_count: int = 0
    head: AuditRecord | None = None
    anchors: list[Anchor] | None = None  # None: no anchor file
    faults: list[Fault] = field(default_factory=list)

    @property
    def first_fault(self) -> Fault | None:
        return min(self.faults, key=Fault.sort_key, default=None)

    @property
    def trusted_anchors(self) -> list[Anchor]:
        return [anchor for anchor in self.anchors or [] if anchor.problem is None]


@dataclass
class _Walk:
    """What one pass over the records found: the first chain fault, and where each anchored id is (or would be)."""

    report: VerifyReport
    seen: dict[int, tuple[int, AuditRecord]] = field(default_factory=dict)  # anchored id → (position, record)
    missing: dict[int, int] = field(default_factory=dict)  # anchored id without a record → position it would have


def audit_log_verify() -> VerifyReport:
    """Check every record's hash and link, then every anchor against the records. Reads; writes nothing."""
    anchors = audit_anchors_read()
    report = VerifyReport(anchors=anchors)
    report.faults += [
        Fault(FaultKind.ANCHOR_INVALID, anchor=anchor, detail=anchor.problem)
        for anchor in anchors or []
        if anchor.problem is not None
    ]
    trusted = report.trusted_anchors
    # The earliest claim wins: a later anchor cannot move the keyed start forward (a downgrade would do just that).
    legacy_limit = min((anchor.fields["legacy_last_id"] for anchor in trusted), default=None)
    walk = _walk_chain(report, {anchor.fields["last_id"] for anchor in trusted}, legacy_limit)
    report.faults += _anchor_faults(walk, trusted)
    return report


def _walk_chain(report: VerifyReport, anchored: set[int], legacy_limit: int | None) -> _Walk:
    walk = _Walk(report)
    pending = sorted(anchored, reverse=True)  # popped from the end, smallest id first
    current_key = audit_keys.key_id()
    expected_prev, keyed_seen, chain_fault = GENESIS, False, None
    for record in AuditRecord.objects.order_by("id").iterator(chunk_size=2000):
        report.count += 1
        while pending and pending[-1] < record.pk:
            walk.missing[pending.pop()] = report.count
        if pending and pending[-1] == record.pk:
            walk.seen[pending.pop()] = (report.count, record)
        if chain_fault is None:
            kind = _record_fault(record, expected_prev, keyed_seen, legacy_limit, current_key)
            if kind is not None:
                detail = _("签名密钥标识 {key_id}，配置的为 {current}").format(key_id=record.key_id, current=current_key)
                chain_fault = Fault(kind, report.count, record, detail=detail if kind == FaultKind.OTHER_KEY else "")
        report.legacy_count += record.key_id is None
        keyed_seen = keyed_seen or record.key_id is not None
        expected_prev, report.head = record.hash, record
    if chain_fault is not None:
        report.faults.append(chain_fault)
    return walk


def _record_fault(record, expected_prev: str, keyed_seen: bool, legacy_limit: int | None, current_key: str):
    if record.key_id is None:
        if keyed_seen or (legacy_limit is not None and record.pk > legacy_limit):
            return FaultKind.UNKEYED
    elif record.key_id != current_key:
        return FaultKind.OTHER_KEY
    if record.hash != record_hash(record):
        return FaultKind.EDITED
    if record.prev_hash != expected_prev:
        return FaultKind.LINK
    return None


def _anchor_faults(walk: _Walk, trusted: list[Anchor]) -> list[Fault]:
    """Each trusted anchor must name a record that is still there, with the anchored hash at the anchored place."""
    faults, last_good = [], 0
    for anchor in sorted(trusted, key=lambda anchor: (anchor.fields["last_id"], anchor.line)):
        anchored = anchor.fields
        said = _("锚点文件第 {line} 行，{at}，记到第 {count} 条 id={last_id}").format(
            line=anchor.line, at=anchored["at"].replace("T", " ")[:19], count=anchored["count"], last_id=anchored["last_id"]
        )
        if anchored["last_id"] in walk.seen:
            position, record = walk.seen[anchored["last_id"]]
            if (record.hash, position) == (anchored["hash"], anchored["count"]):
                last_good = max(last_good, anchored["last_id"])
                continue
            changed = _("改动在 id={first}–{last} 之间").format(first=last_good + 1, last=anchored["last_id"])
            faults.append(Fault(FaultKind.ANCHOR_MISMATCH, position, record, anchor, f"{said}；{changed}"))
        elif anchored["last_id"] in walk.missing:
            faults.append(Fault(FaultKind.MISSING, walk.missing[anchored["last_id"]], None, anchor, said))
        else:
            head = walk.report.head.pk if walk.report.head else _("无")
            detail = _("{said}；数据库只到 id={head}").format(said=said, head=head)
            faults.append(Fault(FaultKind.TRUNCATED, walk.report.count + 1, None, anchor, detail))
    return faults
