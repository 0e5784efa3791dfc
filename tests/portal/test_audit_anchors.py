"""Anchors of the audit chain and the audit key (docs/security.md 9): the head written outside the database, to the audit
administrators, and checked by audit_verify; the key kept outside the database and checked by `manage.py check`."""

import io
import json
import logging

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from portal import audit_keys
from portal.audit import GENESIS, audit, record_hash
from portal.audit_anchors import anchor_path, audit_anchor_write, audit_anchors_read
from portal.checks import audit_key_check, audit_key_deploy_check
from portal.enums import AuditEvent, Role
from portal.models import AuditRecord, Notification
from portal.tasks import audit_anchor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def chain(count: int) -> list[AuditRecord]:
    return [audit(AuditEvent.LOGIN, username=f"user{n}") for n in range(1, count + 1)]


def lines() -> list[dict]:
    return [json.loads(line) for line in anchor_path().read_text().splitlines()]


# --- writing ---------------------------------------------------------------------------------------------------------


def test_anchor_appends_one_signed_line_with_the_head_readable_by_the_owner_only(caplog):
    records = chain(3)

    with caplog.at_level(logging.INFO, logger="portal.audit_anchors"):
        written = audit_anchor_write(source="beat")

    [line] = lines()
    assert line == written
    assert list(line) == ["v", "at", "source", "last_id", "count", "hash", "legacy_last_id", "key_id", "mac"]
    assert (line["v"], line["source"], line["last_id"], line["count"], line["hash"]) == (
        1,
        "beat",
        records[-1].pk,
        3,
        records[-1].hash,
    )
    assert (line["legacy_last_id"], line["key_id"]) == (0, audit_keys.key_id())
    assert line["at"].endswith("+08:00")
    assert anchor_path().stat().st_mode & 0o777 == 0o600
    [anchor] = audit_anchors_read()
    assert (anchor.line, anchor.problem) == (1, None)
    assert caplog.messages == [f"audit anchor {anchor_path().read_text().strip()}"]


def test_anchor_is_not_written_again_while_the_head_stays():
    chain(2)
    audit_anchor_write(source="beat")

    again = audit_anchor_write(source="beat")
    chain(1)
    moved = audit_anchor_write(source="beat")

    assert again is None
    assert [line["count"] for line in lines()] == [2, 3]
    assert moved == lines()[1]


def test_anchor_of_an_empty_log_writes_nothing():

    assert audit_anchor_write(source="beat") is None

    assert not anchor_path().exists()


def test_anchor_file_is_only_ever_appended_to():
    chain(1)
    anchor_path().write_text("an earlier line, kept as it is\n")

    audit_anchor_write(source="beat")

    assert anchor_path().read_text().splitlines()[0] == "an earlier line, kept as it is"
    assert len(anchor_path().read_text().splitlines()) == 2


def test_anchor_notifies_active_audit_administrators_only():
    auditor = UserFactory(role=Role.AUDIT_ADMIN, email="")
    UserFactory(role=Role.AUDIT_ADMIN, is_active=False)
    UserFactory(role="system_admin")
    records = chain(2)

    written = audit_anchor_write(source="beat")

    assert [(note.user, note.text) for note in Notification.objects.all()] == [
        (
            auditor,
            f"审计锚点：截至 {written['at'].replace('T', ' ')[:19]}，审计记录共 2 条，最后一条 id={records[-1].pk}，"
            f"摘要 {records[-1].hash}。请保留此消息备查。",
        )
    ]


def test_anchor_without_audit_administrators_still_writes_the_line():
    chain(1)

    audit_anchor_write(source="beat")

    assert (len(lines()), Notification.objects.count()) == (1, 0)


def test_beat_runs_the_anchor_task_every_15_minutes():
    chain(1)

    assert settings.CELERY_BEAT_SCHEDULE["audit-anchor"] == {"task": "portal.tasks.audit_anchor", "schedule": 900}
    assert (audit_anchor(), audit_anchor()) == (True, False)
    assert [line["source"] for line in lines()] == ["beat"]


# --- audit_verify --anchor ---------------------------------------------------------------------------------------


def test_verify_with_anchor_writes_one_after_a_clean_check():
    records = chain(2)
    out = io.StringIO()

    call_command("audit_verify", anchor=True, stdout=out)

    assert out.getvalue().splitlines() == [
        "审计记录完整：共 2 条。",
        f"没有锚点（{anchor_path()}）：尾部记录被删除、整条链被重写都无法发现。",
        f"已写入锚点：第 2 条（id={records[-1].pk}）。",
    ]
    assert [line["source"] for line in lines()] == ["verify"]


def test_verify_reports_the_anchors_it_checked():
    records = chain(2)
    call_command("audit_verify", anchor=True, stdout=io.StringIO())
    out = io.StringIO()

    call_command("audit_verify", anchor=True, stdout=out)

    at = lines()[0]["at"].replace("T", " ")[:19]
    assert out.getvalue().splitlines() == [
        "审计记录完整：共 2 条。",
        f"锚点一致：共 1 个，最近一个写于 {at}，记到第 2 条（id={records[-1].pk}）。",
        "链头未变或没有记录，未写入新锚点。",
    ]


def test_verify_with_anchor_writes_none_over_a_fault():
    records = chain(1)
    forged = AuditRecord(event=AuditEvent.LOGIN, username="forged", prev_hash=records[0].hash)
    forged.hash = record_hash(forged)
    AuditRecord.objects.bulk_create([forged])

    with pytest.raises(CommandError):
        call_command("audit_verify", anchor=True, stdout=io.StringIO(), stderr=io.StringIO())

    assert not anchor_path().exists()


# --- the key ---------------------------------------------------------------------------------------------------------


def test_chain_is_keyed_the_key_stays_out_of_the_database():
    [record] = chain(1)

    with override_settings(AUDIT_HMAC_KEY="another-audit-key-of-at-least-32-characters"):
        other = record_hash(record)
    plain = AuditRecord(**{f.attname: getattr(record, f.attname) for f in AuditRecord._meta.concrete_fields})
    plain.key_id = None

    assert record.prev_hash == GENESIS
    assert (record.key_id, len(record.key_id)) == (audit_keys.key_id(), 16)
    assert len({record.hash, other, record_hash(plain)}) == 3
    assert settings.AUDIT_HMAC_KEY not in str(list(AuditRecord.objects.values()))


def test_without_a_configured_key_a_private_per_machine_key_file_is_made_once(settings, tmp_path):
    settings.AUDIT_HMAC_KEY = ""
    settings.VAR_DIR = tmp_path

    first = audit_keys.key_id()
    content = (tmp_path / "audit_key").read_bytes()
    again = audit_keys.key_id()

    assert first == again
    assert (tmp_path / "audit_key").stat().st_mode & 0o777 == 0o600
    assert len(content) >= audit_keys.MIN_KEY_LENGTH
    assert [path.name for path in tmp_path.iterdir()] == ["audit_key"]  # no partial file left behind
    with override_settings(AUDIT_HMAC_KEY=content.decode()):
        assert audit_keys.key_id() == first


def test_an_existing_key_file_is_used_as_it_is(settings, tmp_path):
    settings.AUDIT_HMAC_KEY = ""
    settings.VAR_DIR = tmp_path
    (tmp_path / "audit_key").write_text("a-key-file-made-by-another-process-first-0123\n")

    with override_settings(AUDIT_HMAC_KEY="a-key-file-made-by-another-process-first-0123"):
        expected = audit_keys.key_id()

    assert audit_keys.key_id() == expected


@pytest.mark.parametrize(
    ("key", "debug", "ids"),
    [
        ("", False, ["portal.W001"]),
        ("", True, []),
        ("x" * 31, True, ["portal.E004"]),
        ("x" * 31, False, ["portal.E004"]),
        ("x" * 32, False, []),
    ],
)
def test_check_wants_a_long_enough_audit_key_and_deploy_check_one_set(key, debug, ids):

    with override_settings(AUDIT_HMAC_KEY=key, DEBUG=debug):
        messages = audit_key_check() + audit_key_deploy_check()

    assert [message.id for message in messages] == ids
    if "portal.E004" in ids:
        assert messages[0].msg == "AUDIT_HMAC_KEY 太短：审计密钥至少 32 个字符。"


def test_deploy_check_registers_the_missing_key_warning():

    with override_settings(AUDIT_HMAC_KEY="", DEBUG=False):
        plain = [message.id for message in run_checks(tags=["security"])]
        deploy = [message.id for message in run_checks(tags=["security"], include_deployment_checks=True)]

    assert ("portal.W001" in plain, "portal.W001" in deploy) == (False, True)
