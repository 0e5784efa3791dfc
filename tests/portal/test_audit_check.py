"""Tampering with the audit log (docs/security.md 9) as an insider who owns the table: each case is caught by
`audit_verify`, which names the first bad record and the kind of fault. The append-only trigger is lifted for the
tampering statement itself, as the table's owner could."""

import importlib
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from portal.audit import GENESIS, audit, record_hash
from portal.audit_anchors import anchor_path, audit_anchor_write
from portal.audit_check import FaultKind, audit_log_verify
from portal.enums import AuditEvent
from portal.models import AuditRecord

pytestmark = pytest.mark.django_db

APPEND_ONLY = importlib.import_module("portal.migrations.0006_auditrecord_append_only")
UPDATE = "UPDATE portal_auditrecord SET detail = %s, key_id = %s, prev_hash = %s, hash = %s WHERE id = %s"


def chain(count: int) -> list[AuditRecord]:
    return [audit(AuditEvent.LOGIN, username=f"user{n}", detail=f"第{n}次") for n in range(1, count + 1)]


def tamper(*statements: tuple[str, list]) -> None:
    """Run statements with the append-only trigger lifted, then put it back (an owner of the table can)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for sql in APPEND_ONLY.ALLOW[vendor]:
            cursor.execute(sql)
        for sql, params in statements:
            cursor.execute(sql, params)
        for sql in APPEND_ONLY.FORBID[vendor]:
            cursor.execute(sql)


def rewrite(records: list[AuditRecord], start: int, *, keyed: bool, detail: str | None = None) -> None:
    """Change records[start] (its detail) and recompute every hash from there on, as an insider would.

    keyed: with the audit key (someone who has it). Otherwise with the plain hash anyone can compute from the code,
    the records then claiming to be older than the key (key_id NULL).
    """
    previous = records[start - 1].hash if start else GENESIS
    statements = []
    for index, record in enumerate(AuditRecord.objects.filter(pk__in=[r.pk for r in records[start:]]).order_by("id")):
        if index == 0 and detail is not None:
            record.detail = detail
        record.key_id = record.key_id if keyed else None
        record.prev_hash = previous
        record.hash = previous = record_hash(record)
        statements.append((UPDATE, [record.detail, record.key_id, record.prev_hash, record.hash, record.pk]))
    tamper(*statements)


def skip_an_id() -> None:
    """Leave a gap in the ids, as a rolled-back transaction does on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence('portal_auditrecord', 'id'))")
        else:
            cursor.execute("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'portal_auditrecord'")


def verify_fails() -> tuple[str, str]:
    """audit_verify's error (the first fault) and what it printed on stderr; it must exit with code 1."""
    stderr = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("audit_verify", stdout=io.StringIO(), stderr=stderr)
    assert error.value.returncode == 1
    return str(error.value), stderr.getvalue()


def verify_passes() -> list[str]:
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().splitlines()


def named(record: AuditRecord, position: int) -> str:
    """How the command names a record."""
    return f"第 {position} 条（id={record.pk}，{timezone.localtime(record.created_at):%Y-%m-%d %H:%M:%S}，登录）"


def first_fault():
    fault = audit_log_verify().first_fault
    return fault.kind, fault.position, fault.record.pk if fault.record else None


# --- the cases of the summary figure -------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["delete", "truncate table"])
def test_truncated_tail_is_named_at_the_first_missing_place(tampering, how):
    found = tampering("truncate" if how == "delete" else "truncate-table")
    records = chain(45)
    audit_anchor_write(source="test")
    if how == "delete":
        tamper(("DELETE FROM portal_auditrecord WHERE id > %s", [records[39].pk]))
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE portal_auditrecord")  # an owner's TRUNCATE: a row trigger never sees it
    else:
        tamper(("DELETE FROM portal_auditrecord", []))

    error, printed = verify_fails()

    position = 41 if how == "delete" else 1
    last = f"id={records[39].pk}" if how == "delete" else "id=无"
    assert first_fault() == (FaultKind.TRUNCATED, position, None)
    assert error.startswith(f"审计记录校验失败，共 1 处问题；第一处：第 {position} 条起：锚点记录过的尾部记录已缺失")
    assert f"记到第 45 条 id={records[44].pk}；数据库只到 {last}" in error
    assert printed.strip() == error.split("第一处：")[1]
    found(f"#{position}")


def test_edited_record_is_named(tampering):
    found = tampering("edit")
    records = chain(30)
    audit_anchor_write(source="test")
    edited = records[16]

    tamper(("UPDATE portal_auditrecord SET detail = %s WHERE id = %s", ["第17次（改）", edited.pk]))
    error, _ = verify_fails()

    assert first_fault() == (FaultKind.EDITED, 17, edited.pk)
    assert error == (
        f"审计记录校验失败，共 1 处问题；第一处：{named(edited, 17)}：内容与摘要不符：记录被改动，或摘要被不用密钥重算。"
    )
    found("#17")


def test_chain_rewritten_without_the_key_is_named_at_its_first_record(tampering):
    found = tampering("rewrite")
    records = chain(30)
    audit_anchor_write(source="test")

    rewrite(records, 0, keyed=False, detail="第1次（改）")  # every hash recomputed, as plain records
    error, printed = verify_fails()

    assert first_fault() == (FaultKind.UNKEYED, 1, records[0].pk)
    assert error.endswith(f"{named(records[0], 1)}：没有密钥签名，却在启用审计密钥之后：记录是伪造的，或整条链被重写。")
    assert f"{named(records[29], 30)}：与锚点不符" in printed  # the anchored head no longer matches either
    found("#1")


def test_forged_row_inserted_in_the_middle_is_named(tampering):
    found = tampering("forge")
    before = chain(22)
    skip_an_id()
    after = chain(18)
    audit_anchor_write(source="test")
    forged = AuditRecord(
        id=before[-1].pk + 1,
        created_at=before[-1].created_at + timedelta(seconds=1),
        event=AuditEvent.LOGIN,
        username="user22",
        detail="伪造",
        prev_hash=before[-1].hash,
    )
    forged.hash = record_hash(forged)  # the plain hash: the forger has not the key

    AuditRecord.objects.bulk_create([forged])  # an INSERT, which the trigger allows
    error, printed = verify_fails()

    assert first_fault() == (FaultKind.UNKEYED, 23, forged.pk)
    assert f"第一处：{named(forged, 23)}：没有密钥签名" in error
    assert f"{named(after[-1], 41)}：与锚点不符" in printed  # the anchored head moved from place 40 to 41
    found("#23")


def test_chain_rewritten_with_the_key_is_caught_by_the_anchor(tampering):
    found = tampering("anchor-rewrite")
    records = chain(10)
    audit_anchor_write(source="test")
    records += chain(20)
    audit_anchor_write(source="test")

    rewrite(records, 16, keyed=True, detail="第17次（改）")  # a key holder's rewrite: every record checks out
    error, _ = verify_fails()

    assert first_fault() == (FaultKind.ANCHOR_MISMATCH, 30, records[29].pk)
    assert error.endswith(
        f"第一处：{named(records[29], 30)}：与锚点不符：锚点之前的链被改过（插入或删除了记录，或持有密钥者重写）"
        f"（锚点文件第 2 行，{json.loads(anchor_path().read_text().splitlines()[1])['at'].replace('T', ' ')[:19]}，"
        f"记到第 30 条 id={records[29].pk}；改动在 id={records[10].pk}–{records[29].pk} 之间）。"
    )
    found("#30")


def test_forged_anchor_is_named_by_its_line(tampering):
    found = tampering("anchor-forgery")
    records = chain(45)
    audit_anchor_write(source="test")
    tamper(("DELETE FROM portal_auditrecord WHERE id > %s", [records[39].pk]))
    anchor = json.loads(anchor_path().read_text())
    anchor.update(last_id=records[39].pk, count=40, hash=records[39].hash)  # to hide the cut; the mac cannot follow

    anchor_path().write_text(json.dumps(anchor) + "\n")
    error, _ = verify_fails()

    fault = audit_log_verify().first_fault
    assert (fault.kind, fault.position, fault.anchor.line) == (FaultKind.ANCHOR_INVALID, None, 1)
    assert error == "审计记录校验失败，共 1 处问题；第一处：锚点文件第 1 行：锚点本身不可信（签名不符，锚点被伪造或改动）。"
    found("anchor line 1")


# --- more ways in, and what is not caught without an anchor --------------------------------------------------------


def test_rewrite_with_plain_hashes_keeping_the_key_ids_is_named_at_its_first_record():
    records = chain(5)
    statements, previous = [], GENESIS
    for record in records:
        plain = AuditRecord(**{f.attname: getattr(record, f.attname) for f in AuditRecord._meta.concrete_fields})
        plain.key_id, plain.prev_hash = None, previous
        previous = record_hash(plain)
        statements.append((UPDATE, [record.detail, record.key_id, plain.prev_hash, previous, record.pk]))

    tamper(*statements)

    assert first_fault() == (FaultKind.EDITED, 1, records[0].pk)


def test_anchored_record_removed_by_a_key_holder_is_named():
    records = chain(5)
    audit_anchor_write(source="test")
    records += chain(5)
    audit_anchor_write(source="test")
    tamper(("DELETE FROM portal_auditrecord WHERE id = %s", [records[4].pk]))

    rewrite(records[:4] + records[5:], 4, keyed=True)  # relinked with the key: the chain itself checks out
    error, printed = verify_fails()

    faults = sorted(audit_log_verify().faults, key=lambda fault: fault.sort_key())
    assert [(fault.kind, fault.position) for fault in faults] == [
        (FaultKind.MISSING, 5),
        (FaultKind.ANCHOR_MISMATCH, 9),
    ]
    assert f"第一处：第 5 条（id={records[4].pk}）：锚点记录过的这条记录已不存在：记录被删除" in error
    assert f"{named(records[9], 9)}：与锚点不符" in printed


def test_record_inserted_by_a_key_holder_without_relinking_is_a_broken_link():
    records = chain(3)
    forged = AuditRecord(event=AuditEvent.LOGIN, username="forged", prev_hash=GENESIS, key_id=records[0].key_id)
    forged.hash = record_hash(forged)

    [forged] = AuditRecord.objects.bulk_create([forged])
    error, _ = verify_fails()

    assert first_fault() == (FaultKind.LINK, 4, forged.pk)
    assert error.endswith("：与上一条记录不衔接：其前有记录被删除、插入或改动。")


@pytest.mark.parametrize("keyed", [True, False])
def test_without_an_anchor_a_cut_and_rewritten_chain_passes_with_a_warning(keyed):
    records = chain(10)
    tamper(("DELETE FROM portal_auditrecord WHERE id > %s", [records[7].pk]))
    rewrite(records[:8], 0, keyed=keyed, detail="改")

    lines = verify_passes()

    assert lines[0] == "审计记录完整：共 8 条。" if keyed else "审计记录完整：共 8 条（其中 8 条写于启用审计密钥之前，按普通摘要校验）。"
    assert lines[1] == f"没有锚点（{anchor_path()}）：尾部记录被删除、整条链被重写都无法发现。"


def test_records_signed_with_another_key_are_named_and_so_are_its_anchors():
    records = chain(3)
    audit_anchor_write(source="test")

    with override_settings(AUDIT_HMAC_KEY="another-audit-key-of-at-least-32-characters"):
        report = audit_log_verify()
        error, printed = verify_fails()

    assert [(f.kind, f.position) for f in sorted(report.faults, key=lambda f: f.sort_key())] == [
        (FaultKind.OTHER_KEY, 1),
        (FaultKind.ANCHOR_INVALID, None),
    ]
    assert f"第一处：{named(records[0], 1)}：由另一把审计密钥签名：密钥配置不对，或记录是伪造的（签名密钥标识 " in error
    assert f"锚点文件第 1 行：锚点本身不可信（由另一把审计密钥（标识 {records[0].key_id}）签名）。" in printed


def test_unreadable_anchor_line_is_named():
    chain(2)
    audit_anchor_write(source="test")
    with anchor_path().open("a") as anchors:
        anchors.write("not an anchor\n")

    error, _ = verify_fails()

    assert error.endswith("第一处：锚点文件第 2 行：锚点本身不可信（无法读取，不是有效的锚点行）。")


# --- records written before the key existed ------------------------------------------------------------------------


def legacy_chain(count: int) -> list[AuditRecord]:
    """Records as the portal wrote them before the audit key: plain hashes, no key id."""
    records, previous = [], GENESIS
    for n in range(1, count + 1):
        record = AuditRecord(event=AuditEvent.LOGIN, username=f"old{n}", prev_hash=previous)
        record.hash = previous = record_hash(record)
        records += AuditRecord.objects.bulk_create([record])
    return records


def test_records_from_before_the_key_verify_by_their_plain_hash():
    old = legacy_chain(3)
    new = chain(2)

    lines = verify_passes()

    assert new[0].prev_hash == old[-1].hash
    assert lines[0] == "审计记录完整：共 5 条（其中 3 条写于启用审计密钥之前，按普通摘要校验）。"


def test_anchor_before_the_first_keyed_record_marks_the_transition():
    legacy_chain(3)

    anchor = audit_anchor_write(source="verify")  # the deploy's anchor, right after the migration
    chain(2)
    rewrite(list(AuditRecord.objects.order_by("id")), 0, keyed=False)  # all five as "old" plain records

    assert anchor["legacy_last_id"] == anchor["last_id"]
    assert first_fault()[:2] == (FaultKind.UNKEYED, 4)


def test_edit_in_the_plain_prefix_rehashed_is_caught_at_the_first_keyed_record():
    old = legacy_chain(3)
    new = chain(2)

    rewrite(old, 1, keyed=False, detail="改")  # the plain prefix recomputed: only the key's link can tell

    assert first_fault() == (FaultKind.LINK, 4, new[0].pk)


def test_plain_record_after_a_keyed_one_is_a_downgrade():
    chain(2)
    last = AuditRecord.objects.order_by("-id").first()
    forged = AuditRecord(event=AuditEvent.LOGIN, username="forged", prev_hash=last.hash)
    forged.hash = record_hash(forged)

    [forged] = AuditRecord.objects.bulk_create([forged])

    assert first_fault() == (FaultKind.UNKEYED, 3, forged.pk)
