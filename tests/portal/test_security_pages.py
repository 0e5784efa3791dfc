"""The security and audit administrators' pages (issue 11 item 3; docs/security.md 3, 7–9): each open to its own group
only, each action audited; the audit log is read, searched, exported and verified, never changed."""

import io

import openpyxl
import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from portal.audit import audit
from portal.enums import AuditEvent, Role
from portal.models import AuditRecord
from portal.services import programme_admin_grant
from tests.factories import (
    ApplicantFactory,
    AuditAdminFactory,
    DepartmentLeadFactory,
    ProgrammeFactory,
    ReviewerFactory,
    SecurityAdminFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)
from tests.portal.helpers import messages_of, text, visible_text

pytestmark = pytest.mark.django_db

SECURITY_URLS = ["/security/lockouts/", "/security/programme-admins/"]
AUDIT_URLS = ["/audit-log/", "/audit-log/export/"]
OTHERS = {
    "programme_admin": lambda: UserFactory(role=Role.PROGRAMME_ADMIN),
    "applicant": ApplicantFactory,
    "reviewer": ReviewerFactory,
    "dept_lead": DepartmentLeadFactory,
    "viewer": ViewerFactory,
    "system_admin": SystemAdminFactory,
}


def _login_post(client, username, password, remote_addr="127.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=remote_addr)


@pytest.mark.parametrize("role", sorted(OTHERS))
def test_security_and_audit_pages_refuse_every_other_role(login, role):
    client = login(OTHERS[role]())

    answers = {url: client.get(url).status_code for url in SECURITY_URLS + AUDIT_URLS}
    posts = {
        url: client.post(url, {"username": "x"}).status_code
        for url in ["/security/lockouts/unlock/", "/audit-log/verify/"]
    }

    assert set(answers.values()) == {403}
    assert set(posts.values()) == {403}


def test_security_admin_cannot_read_the_audit_log_and_auditor_cannot_unlock(login):
    security = login(SecurityAdminFactory())
    assert {security.get(url).status_code for url in AUDIT_URLS} == {403}
    auditor = login(AuditAdminFactory())

    assert {auditor.get(url).status_code for url in SECURITY_URLS} == {403}
    assert auditor.post("/security/lockouts/unlock/", {"username": "x"}).status_code == 403


def test_anonymous_is_sent_to_the_login(client):

    assert {client.get(url).status_code for url in SECURITY_URLS + AUDIT_URLS} == {302}


# --- lockouts ----------------------------------------------------------------------------------------


def test_security_admin_sees_a_lockout_and_lifts_it(client, login):
    UserFactory(username="zhao")
    for _ in range(5):
        _login_post(client, "zhao", "Wrong-pass-2026", remote_addr="10.3.3.3")
    assert _login_post(client, "zhao", "Test-pass-2026", remote_addr="10.3.3.4").status_code == 429
    security = SecurityAdminFactory(username="sec")
    staff = login(security)

    page = staff.get("/security/lockouts/")
    unlocked = staff.post("/security/lockouts/unlock/", {"username": "zhao"})

    assert "账号已锁定" in visible_text(page) and "zhao" in visible_text(page)
    assert messages_of(unlocked) == ["已解锁（清除失败记录 2 条）。"]  # one per address it was tried from
    assert not AccessAttempt.objects.filter(username="zhao").exists()
    record = AuditRecord.objects.get(event=AuditEvent.UNLOCK)
    assert (record.username, record.detail) == ("sec", "unlock username=zhao ip=-: 2 failure records removed")
    client.logout()
    assert _login_post(client, "zhao", "Test-pass-2026", remote_addr="10.3.3.4").status_code == 302


def test_unlock_needs_a_username_or_an_address(login):
    staff = login(SecurityAdminFactory())

    response = staff.post("/security/lockouts/unlock/", {"ip_address": "not-an-ip"})

    assert response.status_code == 302
    assert messages_of(response) == ["输入一个有效的 IPv4 或 IPv6 地址。 请指定要解锁的账号或地址。"]
    assert not AuditRecord.objects.filter(event=AuditEvent.UNLOCK).exists()


def test_lockouts_page_empty_state(login):

    page = login(SecurityAdminFactory()).get("/security/lockouts/")

    assert "目前没有登录失败记录" in visible_text(page)


# --- programme administration -------------------------------------------------------------------------


def test_security_admin_grants_and_revokes_programme_administration(login):
    programme = ProgrammeFactory(name="某县标杆评定")
    admin = UserFactory(role=Role.PROGRAMME_ADMIN, full_name="林管理")
    staff = login(SecurityAdminFactory(username="sec"))

    granted = staff.post(reverse("security_programme_admin_grant", args=[programme.pk]), {"user": admin.pk})
    page = staff.get("/security/programme-admins/")
    revoked = staff.post(reverse("security_programme_admin_revoke", args=[programme.pk]), {"user": admin.pk})

    assert granted.status_code == revoked.status_code == 302
    assert "林管理（" in visible_text(page)
    assert admin.has_perm("portal.manage_programme", programme) is False
    details = list(
        AuditRecord.objects.filter(event=AuditEvent.PERMISSION_CHANGE).order_by("id").values_list("username", "detail")
    )
    assert details == [
        ("sec", f"grant portal.manage_programme to {admin.username}"),
        ("sec", f"revoke portal.manage_programme from {admin.username}"),
    ]


def test_programme_administration_is_given_to_programme_admins_only(login):
    programme = ProgrammeFactory()
    reviewer = ReviewerFactory()

    response = login(SecurityAdminFactory()).post(
        reverse("security_programme_admin_grant", args=[programme.pk]), {"user": reviewer.pk}
    )

    assert response.status_code == 302
    assert reviewer.has_perm("portal.manage_programme", programme) is False
    assert not AuditRecord.objects.filter(event=AuditEvent.PERMISSION_CHANGE).exists()


# --- the audit log -----------------------------------------------------------------------------------


def test_auditor_reads_and_filters_the_log(login):
    programme_admin_grant(programme=ProgrammeFactory(), user=UserFactory(username="wang"))
    audit(AuditEvent.EXPORT, username="", detail="ranking xlsx")
    client = login(AuditAdminFactory())

    everything = visible_text(client.get("/audit-log/"))
    exports = visible_text(client.get("/audit-log/", {"event": "export"}))
    nothing = visible_text(client.get("/audit-log/", {"q": "no-such-detail"}))

    assert "grant portal.manage_programme to wang" in everything and "ranking xlsx" in everything
    assert "ranking xlsx" in exports and "grant portal.manage_programme" not in exports
    assert "没有符合条件的审计记录" in nothing


@pytest.mark.parametrize("query", [{"q": "\x00" * 3}, {"source_ip": "x" * 40}, {"date_from": "2026-13-45"}, {"page": "99"}])
def test_audit_log_odd_queries_are_answered(login, query):

    response = login(AuditAdminFactory()).get("/audit-log/", query)

    assert response.status_code == 200


def test_auditor_exports_the_log_and_the_export_is_audited(login):
    audit(AuditEvent.EXPORT, username="", detail="=HYPERLINK(\"http://evil\")")
    client = login(AuditAdminFactory(username="aud"))

    response = client.get("/audit-log/export/", {"event": "export"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = [cell.value for row in sheet.iter_rows() for cell in row]
    assert response["Content-Disposition"].startswith("attachment")
    assert "'=HYPERLINK(\"http://evil\")" in cells  # formula neutralised (docs/security.md 16)
    record = AuditRecord.objects.order_by("id").last()
    assert (record.event, record.username) == (AuditEvent.EXPORT, "aud")
    assert record.detail.startswith("audit log xlsx: 1 rows")


def test_auditor_verifies_the_chain_and_the_result_is_recorded(login):
    audit(AuditEvent.EXPORT, username="", detail="one")
    client = login(AuditAdminFactory(username="aud"))

    response = client.post("/audit-log/verify/")
    home = visible_text(client.get("/home/"))

    assert messages_of(response)[0].startswith("审计记录完整：共 ")
    record = AuditRecord.objects.order_by("id").last()
    assert (record.event, record.success, record.username) == (AuditEvent.AUDIT_VERIFY, True, "aud")
    assert "最近一次校验" in home and "完整" in home


def test_nobody_can_change_an_audit_record_through_any_page(login):
    record = audit(AuditEvent.EXPORT, username="", detail="kept")
    for user in (SystemAdminFactory(), SecurityAdminFactory(), AuditAdminFactory()):
        client = login(user)
        for url in (
            reverse("admin:portal_auditrecord_change", args=[record.pk]),
            reverse("admin:portal_auditrecord_delete", args=[record.pk]),
        ):
            client.post(url, {"detail": "changed", "post": "yes"})

    record.refresh_from_db()
    assert record.detail == "kept"


# --- the administrators' home pages ------------------------------------------------------------------


def test_security_admin_home_counts_what_waits(login):
    page = login(SecurityAdminFactory()).get("/home/")

    assert page.status_code == 200
    assert [t.name for t in page.templates][0] == "portal/home/security_admin.html"
    assert "待审批的身份查看申请" in visible_text(page) and "锁定中的账号或地址" in visible_text(page)


def test_audit_admin_home(login):
    page = login(AuditAdminFactory()).get("/home/")

    assert page.status_code == 200
    assert "尚未在门户中校验过审计链" in text(page)
