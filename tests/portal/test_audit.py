"""The audit log (docs/security.md 8–9): what writes a record, the hash chain and its check, append-only, retention."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus as S
from applications.services import application_transition
from portal import services
from portal.audit import GENESIS, audit, record_hash
from portal.checks import audit_settings_check
from portal.enums import AuditEvent
from portal.models import AuditRecord
from portal.transitions import TransitionError
from tests.applications.factories import ApplicationFactory
from tests.factories import ProgrammeFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Test-pass-2026"
WRONG_PASSWORD = "Wrong-pass-7391"
FIELDS = ["event", "user_id", "username", "source_ip", "object_type", "object_id", "success", "detail"]


def records(event=None) -> list[dict]:
    rows = AuditRecord.objects.order_by("id")
    if event is not None:
        rows = rows.filter(event=event)
    return list(rows.values(*FIELDS))


def login_post(client, username, password, remote_addr="10.1.2.3"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=remote_addr)


def verify() -> str:
    """audit_verify's first line, about the records (the second is about the anchors: tests/portal/test_audit_check.py)."""
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue().splitlines()[0]


# --- what writes a record ----------------------------------------------------------------------------


def test_login_success_writes_one_record_with_user_and_ip(client):
    user = UserFactory(username="zhao")

    login_post(client, "zhao", PASSWORD)

    assert records() == [
        {
            "event": AuditEvent.LOGIN,
            "user_id": user.pk,
            "username": "zhao",
            "source_ip": "10.1.2.3",
            "object_type": "",
            "object_id": "",
            "success": True,
            "detail": "",
        }
    ]


def test_login_failure_writes_one_record_with_username_never_password(client):
    UserFactory(username="zhao")

    login_post(client, "zhao", WRONG_PASSWORD)

    assert records() == [
        {
            "event": AuditEvent.LOGIN_FAILED,
            "user_id": None,
            "username": "zhao",
            "source_ip": "10.1.2.3",
            "object_type": "",
            "object_id": "",
            "success": False,
            "detail": "",
        }
    ]
    assert WRONG_PASSWORD not in str(list(AuditRecord.objects.values()))


def test_logout_writes_one_record(client):
    user = UserFactory(username="zhao")
    login_post(client, "zhao", PASSWORD)

    client.post(reverse("logout"), REMOTE_ADDR="10.9.8.7")

    assert records(AuditEvent.LOGOUT) == [
        {
            "event": AuditEvent.LOGOUT,
            "user_id": user.pk,
            "username": "zhao",
            "source_ip": "10.9.8.7",
            "object_type": "",
            "object_id": "",
            "success": True,
            "detail": "",
        }
    ]


def test_logout_when_not_signed_in_writes_nothing(client):

    client.post(reverse("logout"))

    assert records() == []


def test_lockout_writes_one_lockout_record_and_every_failure(client, settings):
    UserFactory(username="zhao")

    for _ in range(settings.AXES_FAILURE_LIMIT):
        login_post(client, "zhao", WRONG_PASSWORD)

    assert records(AuditEvent.LOCKOUT) == [
        {
            "event": AuditEvent.LOCKOUT,
            "user_id": None,
            "username": "zhao",
            "source_ip": "10.1.2.3",
            "object_type": "",
            "object_id": "",
            "success": False,
            "detail": "",
        }
    ]
    assert len(records(AuditEvent.LOGIN_FAILED)) == settings.AXES_FAILURE_LIMIT
    assert WRONG_PASSWORD not in str(list(AuditRecord.objects.values()))


def test_transition_writes_one_record_with_actor_and_move():
    application = ApplicationFactory(status=S.SUBMITTED)
    admin = UserFactory(username="admin1")

    application_transition(application=application, to=S.RETURNED, actor=admin, note="请补充材料")

    assert records() == [
        {
            "event": AuditEvent.TRANSITION,
            "user_id": admin.pk,
            "username": "admin1",
            "source_ip": None,
            "object_type": "applications.application",
            "object_id": str(application.pk),
            "success": True,
            "detail": "submitted→returned 请补充材料",
        }
    ]


def test_refused_transition_writes_nothing():
    application = ApplicationFactory(status=S.DRAFT)

    with pytest.raises(TransitionError):
        application_transition(application=application, to=S.ACCEPTED, actor=UserFactory())

    assert records() == []


def test_programme_admin_grant_and_revoke_write_permission_changes():
    programme = ProgrammeFactory()
    user = UserFactory(username="wang")

    services.programme_admin_grant(programme=programme, user=user)
    services.programme_admin_revoke(programme=programme, user=user)

    assert [(r["event"], r["object_type"], r["object_id"], r["detail"]) for r in records()] == [
        (AuditEvent.PERMISSION_CHANGE, "portal.programme", str(programme.pk), "grant portal.manage_programme to wang"),
        (AuditEvent.PERMISSION_CHANGE, "portal.programme", str(programme.pk), "revoke portal.manage_programme from wang"),
    ]


@pytest.mark.parametrize(
    ("url_name", "query", "detail"),
    [
        ("applications:round_applications", "?export=xlsx", "round_applications xlsx rows=1"),
        ("review:export", "", "review sheets xlsx"),
    ],
)
def test_exports_write_one_record(client, url_name, query, detail):
    round = RoundFactory()
    ApplicationFactory(round=round, status=S.SUBMITTED)
    admin = UserFactory(username="admin1")
    services.programme_admin_grant(programme=round.programme, user=admin)
    client.force_login(admin)
    args = [round.pk] if url_name.startswith("applications") else [round.pk, "sheets"]

    response = client.get(reverse(url_name, args=args) + query, REMOTE_ADDR="10.1.2.3")

    assert response.status_code == 200
    assert records(AuditEvent.EXPORT) == [
        {
            "event": AuditEvent.EXPORT,
            "user_id": admin.pk,
            "username": "admin1",
            "source_ip": "10.1.2.3",
            "object_type": "portal.round",
            "object_id": str(round.pk),
            "success": True,
            "detail": detail,
        }
    ]


def test_audit_refuses_an_unknown_event():

    with pytest.raises(ValueError):
        audit("coffee_break")

    assert records() == []


# --- the hash chain ----------------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["10.0.0.1", "2001:DB8::1", "::ffff:10.0.0.1", "fe80::1%eth0", "unix-socket", ""])
def test_chain_links_each_record_to_the_one_before(address):
    request = RequestFactory().get("/", REMOTE_ADDR=address)
    request.user = UserFactory()

    first = audit(AuditEvent.LOGIN, request=request)
    second = audit(AuditEvent.EXPORT, request=request, detail="含中文的详情")

    stored = list(AuditRecord.objects.order_by("id"))
    assert [r.prev_hash for r in stored] == [GENESIS, first.hash]
    assert [r.hash for r in stored] == [record_hash(r) for r in stored] == [first.hash, second.hash]
    assert verify() == "审计记录完整：共 2 条。"


def test_chain_hash_uses_the_configured_algorithm(settings):
    settings.AUDIT_HASH = "sha3_256"

    record = audit(AuditEvent.PURGE, detail="objection 7")

    assert verify() == "审计记录完整：共 1 条。"
    with override_settings(AUDIT_HASH="sha256"):
        assert record_hash(record) != record.hash


def test_verify_on_an_empty_log_reports_zero():

    assert verify() == "审计记录完整：共 0 条。"


def test_verify_names_a_record_that_does_not_chain_onto_the_one_before():
    first = audit(AuditEvent.LOGIN, username="a")
    audit(AuditEvent.LOGIN, username="b")
    forged = AuditRecord(event=AuditEvent.LOGIN, username="forged", prev_hash=GENESIS, key_id=first.key_id)
    forged.hash = record_hash(forged)  # as if record 2 were gone
    [forged] = AuditRecord.objects.bulk_create([forged])  # an INSERT, which the trigger allows

    with pytest.raises(CommandError) as error:
        call_command("audit_verify", stderr=io.StringIO())

    time = f"{timezone.localtime(forged.created_at):%Y-%m-%d %H:%M:%S}"
    assert str(error.value) == (
        f"审计记录校验失败，共 1 处问题；第一处：第 3 条（id={forged.pk}，{time}，登录）："
        "与上一条记录不衔接：其前有记录被删除、插入或改动。"
    )
    assert error.value.returncode == 1


def test_verify_names_a_record_whose_fields_do_not_match_its_hash():
    first = audit(AuditEvent.LOGIN, username="a")
    forged = AuditRecord(event=AuditEvent.LOGIN, username="a", success=False, prev_hash=first.hash, key_id=first.key_id)
    forged.hash = record_hash(
        AuditRecord(event=AuditEvent.LOGIN, username="a", prev_hash=first.hash, key_id=first.key_id)
    )
    [forged] = AuditRecord.objects.bulk_create([forged])
    audit(AuditEvent.LOGOUT, username="a")

    with pytest.raises(CommandError, match=rf"第一处：第 2 条（id={forged.pk}，.*）：内容与摘要不符"):
        call_command("audit_verify", stderr=io.StringIO())


# --- append-only ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    ["UPDATE portal_auditrecord SET detail = 'changed'", "DELETE FROM portal_auditrecord"],
)
def test_database_refuses_update_and_delete(sql):
    audit(AuditEvent.LOGIN, username="a")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(sql)

    assert records()[0]["detail"] == ""
    assert verify() == "审计记录完整：共 1 条。"


def test_model_refuses_save_of_an_existing_record_and_delete():
    record = audit(AuditEvent.LOGIN, username="a")
    record.detail = "changed"

    with pytest.raises(PermissionDenied):
        record.save()
    with pytest.raises(PermissionDenied):
        record.delete()
    with pytest.raises(PermissionDenied):
        AuditRecord.objects.update(detail="changed")
    with pytest.raises(PermissionDenied):
        AuditRecord.objects.all().delete()

    assert records()[0]["detail"] == ""


def test_admin_shows_records_read_only(client):
    record = audit(AuditEvent.LOGIN, username="a")
    admin_client = client
    admin_client.force_login(UserFactory(is_staff=True, is_superuser=True))

    change = admin_client.get(reverse("admin:portal_auditrecord_change", args=[record.pk]))
    add = admin_client.get(reverse("admin:portal_auditrecord_add"))
    delete = admin_client.post(reverse("admin:portal_auditrecord_delete", args=[record.pk]), {"post": "yes"})

    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert (add.status_code, delete.status_code) == (403, 403)
    assert AuditRecord.objects.count() == 2  # the record, and admin_client's own login


# --- settings --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "ids"), [(182, ["portal.E001"]), (183, []), (365, [])])
def test_retention_below_six_months_is_refused(days, ids):

    with override_settings(AUDIT_RETENTION_DAYS=days):
        errors = audit_settings_check()

    assert [error.id for error in errors] == ids
    if errors:
        assert errors[0].msg == "审计记录保存期限不得少于183天（网络安全法第二十一条）。"


@pytest.mark.parametrize(("name", "ids"), [("sha256", []), ("sha512", ["portal.E002"]), ("no-such-hash", ["portal.E002"])])
def test_audit_hash_must_be_a_256_bit_algorithm(name, ids):

    with override_settings(AUDIT_HASH=name):
        errors = audit_settings_check()

    assert [error.id for error in errors] == ids
