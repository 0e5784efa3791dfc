"""The objector's identity (docs/security.md 17–19; the issue's "Done when"): the name, ID number and phone appear in no
page, export, e-mail or log line visible to anyone without the explicit permission on the objection.

The raw values are searched for (the phone also as +86…, national and dashed forms) in what each user sees; the
permission holder sees them through an audited view, and the database column holds only ciphertext.
"""

import logging

import pytest
from django.contrib import admin
from django.core import mail
from django.db import connection
from django.urls import reverse

from portal.crypto import decrypt
from portal.enums import AuditEvent
from portal.models import AuditRecord, Notification
from portal.transitions import Refused
from publicity import services
from publicity.identity_access import identity_access_request
from publicity.models import IDENTITY_FIELDS, Objection
from tests.factories import SecurityAdminFactory, SystemAdminFactory
from tests.portal.helpers import text, visible_text
from tests.publicity.publicity_builders import (
    EMAIL,
    ID_NUMBER,
    MASKED_ID,
    MASKED_NAME,
    MASKED_PHONE,
    NAME,
    PHONE,
    PHONE_E164,
    at,
    file,
    form_data,
    grant_identity,
    leaks,
    listed_round,
    pdf,
    publish,
    xlsx_cells,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(time_machine):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲", "乙"), objection_requires_id_number=True)
    publish(listed, at(2026, 9, 28, 10))
    return listed


def client_of(django_client_class, user=None):
    client = django_client_class()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.history
def test_identity_appears_nowhere_without_the_permission(
    listed, client, caplog, eager_celery, django_capture_on_commit_callbacks, captcha_passes
):
    caplog.set_level(logging.DEBUG)
    seen = {}  # what each page or file showed, by a label: searched at the end
    superuser = SystemAdminFactory(username="root", email="root@example.gov.cn", is_superuser=True)
    lead = listed.lead

    # The objector files through the public form and opens the private link.
    with django_capture_on_commit_callbacks(execute=True):
        filed = client.post(
            reverse("publicity:objection_new", args=[listed.notice.pk]), {**form_data(listed), "evidence": [pdf()]}
        )
    objection = Objection.objects.get()
    assert filed.status_code == 302
    for label, url in {
        "receipt": filed["Location"],
        "status": reverse("publicity:objection_status", args=[objection.receipt_number, objection.token]),
        "notice": listed.notice.get_absolute_url(),
        "notices": reverse("publicity:notices"),
        "lookup": reverse("publicity:objection_lookup"),
    }.items():
        seen[f"public {label}"] = text(client.get(url))

    # Staff without the permission: the programme admin, a superuser, and the handler before it is granted.
    admin = client_of(type(client), listed.admin)
    root = client_of(type(client), superuser)
    detail_url = reverse("publicity:objection", args=[objection.pk])
    identity_url = reverse("publicity:objection_identity", args=[objection.pk])
    list_url = reverse("publicity:objections")
    for who, staff in {"admin": admin, "superuser": root}.items():
        seen[f"{who} list"] = text(staff.get(list_url))
        seen[f"{who} detail"] = text(staff.get(detail_url))
        seen[f"{who} round"] = text(staff.get(reverse("publicity:round", args=[listed.round.pk])))
        seen[f"{who} export"] = "\n".join(xlsx_cells(staff.get(list_url, {"format": "xlsx"})))
        seen[f"{who} export identities"] = "\n".join(
            xlsx_cells(staff.get(list_url, {"format": "xlsx", "identities": "1"}))
        )
        assert staff.post(identity_url).status_code == 403, who
    for who in ("admin", "superuser"):
        assert MASKED_PHONE in visible_text_of(seen[f"{who} list"]) and MASKED_NAME in visible_text_of(
            seen[f"{who} list"]
        )
        assert MASKED_ID in visible_text_of(seen[f"{who} detail"]) and MASKED_PHONE in visible_text_of(
            seen[f"{who} detail"]
        )
        assert MASKED_PHONE in seen[f"{who} export"] and MASKED_ID in seen[f"{who} export"]

    with django_capture_on_commit_callbacks(execute=True):
        assigned = admin.post(
            reverse("publicity:objection_assign", args=[objection.pk]), {"handler": lead.pk, "deadline": "2026-10-09"}
        )
    assert assigned.status_code == 302
    handler = client_of(type(client), lead)
    seen["handler detail"] = text(handler.get(detail_url))
    seen["handler export identities"] = "\n".join(
        xlsx_cells(handler.get(list_url, {"format": "xlsx", "identities": "1"}))
    )
    assert handler.post(identity_url).status_code == 403

    # Asked for by the admin, approved by a security administrator: the handler sees the identity on its own page
    # (not searched: that is the permission).
    with django_capture_on_commit_callbacks(execute=True):
        asked = admin.post(
            reverse("publicity:objection_grant", args=[objection.pk]), {"user": lead.pk, "reason": "需电话核实"}
        )
    assert asked.status_code == 302
    assert handler.post(identity_url).status_code == 403
    security = client_of(type(client), SecurityAdminFactory(username="sec", email="sec@example.gov.cn"))
    seen["security requests"] = text(security.get(reverse("publicity:identity_requests")))
    access = objection.identity_requests.get()
    with django_capture_on_commit_callbacks(execute=True):
        approved = security.post(
            reverse("publicity:identity_request_decide", args=[access.pk]), {"decision": "approve", "note": "同意"}
        )
    assert approved.status_code == 302
    revealed = visible_text(handler.post(identity_url))
    assert NAME in revealed and ID_NUMBER in revealed and EMAIL in revealed and "139 1234 5678" in revealed
    seen["handler detail after grant"] = text(handler.get(detail_url))
    seen["admin detail after grant"] = text(admin.get(detail_url))

    # The handler decides; the reply goes to the objector by e-mail, the admins are told.
    with django_capture_on_commit_callbacks(execute=True):
        decided = handler.post(
            reverse("publicity:objection_decide", args=[objection.pk]),
            {
                "outcome": "not_upheld",
                "findings": "经调阅台账，人数属实。",
                "reply": "经核查，异议不成立。感谢您的监督。",
            },
        )
    assert decided.status_code == 302
    seen["public status after decision"] = text(client.get(filed["Location"]))
    seen["admin detail after decision"] = text(admin.get(detail_url))

    # Pages and exports.
    for label, content in seen.items():
        assert leaks(content) == [], label

    # E-mails: staff notifications never name the objector; the reply goes to the objector without the identity.
    reply = [m for m in mail.outbox if m.to == [EMAIL]]
    staff_mail = [m for m in mail.outbox if m.to != [EMAIL]]
    assert len(reply) == 1
    assert {m.to[0] for m in staff_mail} >= {listed.admin.email, lead.email}
    for message in mail.outbox:
        assert leaks(f"{message.subject}\n{message.body}") == [], message.subject
    for message in staff_mail:
        assert EMAIL not in [*message.to, *message.cc, *message.bcc, *message.reply_to]
    body = reply[0].body
    assert objection.receipt_number in body and "异议不成立" in body
    assert f"/objections/{objection.receipt_number}/{objection.token}/" in body

    # Logs (DEBUG and up, the whole flow), audit details, notifications and the field history.
    assert caplog.records
    assert leaks(caplog.text) == []
    assert [r.getMessage() for r in caplog.records if leaks(r.getMessage())] == []
    for record in AuditRecord.objects.all():
        assert leaks(f"{record.username} {record.detail}") == [], record.event
    for note in Notification.objects.all():
        assert leaks(note.text) == []
    historical = Objection.history.model
    assert not {f.name for f in historical._meta.get_fields()} & {*IDENTITY_FIELDS, "token"}
    assert objection.history.count() >= 3
    for row in objection.history.values():
        assert leaks(" ".join(map(str, row.values()))) == []


def visible_text_of(html: str) -> str:
    class Page:
        content = html.encode()

    return visible_text(Page)


def test_database_holds_ciphertext_only(listed):
    objection, token = file(listed, at(2026, 9, 29, 15))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, phone, id_number, email, token FROM publicity_objection WHERE id = %s", [objection.pk]
        )
        stored = cursor.fetchone()

    assert leaks(" ".join(stored)) == []
    assert token not in " ".join(stored)
    assert [decrypt(value) for value in stored] == [NAME, PHONE_E164, ID_NUMBER, EMAIL, token]
    assert PHONE not in " ".join(stored)


def test_each_clear_view_is_audited(listed, login):
    objection, _token = file(listed, at(2026, 9, 29, 15))
    grant_identity(objection, listed.admin, "需联系异议人", requested_by=listed.admin)
    client = login(listed.admin)
    url = reverse("publicity:objection_identity", args=[objection.pk])

    pages = [client.post(url) for _ in range(2)]

    for page in pages:
        assert page.status_code == 200
        assert page["Cache-Control"] == "private, no-store"
        assert NAME in visible_text(page) and ID_NUMBER in visible_text(page) and "139 1234 5678" in visible_text(page)
    views = AuditRecord.objects.filter(event=AuditEvent.PERSONAL_DATA_VIEW, object_id=str(objection.pk))
    assert list(views.values_list("user_id", "success", "detail")) == [(listed.admin.pk, True, "objector identity")] * 2
    asked, grant = AuditRecord.objects.filter(event=AuditEvent.PERMISSION_CHANGE, object_type="publicity.objection").order_by("id")
    assert asked.detail == f"request publicity.view_objector_identity for {listed.admin.username}: 需联系异议人"
    assert grant.detail == (
        f"grant publicity.view_objector_identity to {listed.admin.username} (asked by {listed.admin.username}: 需联系异议人)"
    )
    assert grant.user_id != listed.admin.pk  # decided by a security administrator, not by the one who asked
    assert client.get(url).status_code == 405  # never by a link that a proxy or history could keep


def test_asking_needs_a_reason_and_a_user_of_the_programme(listed):
    objection, _token = file(listed, at(2026, 9, 29, 15))
    outsider = listed_round(names=("丙",)).admin

    for user, reason, message in [
        (listed.lead, "  ", "申请查看异议人身份须说明理由。"),
        (outsider, "核查需要", "只能为本项目的管理员或评定部门负责人申请。"),
        (SystemAdminFactory(), "核查需要", "只能为本项目的管理员或评定部门负责人申请。"),
    ]:
        with pytest.raises(Refused) as refused:
            identity_access_request(objection=objection, grantee=user, actor=listed.admin, reason=reason)
        assert str(refused.value) == message
        assert services.may_see_identity(user, objection) is False


def test_a_refused_clear_view_is_audited_as_a_failure(listed, login):
    objection, _token = file(listed, at(2026, 9, 29, 15))

    response = login(listed.admin).post(reverse("publicity:objection_identity", args=[objection.pk]))

    assert response.status_code == 403
    record = AuditRecord.objects.get(event=AuditEvent.PERSONAL_DATA_VIEW)
    assert (record.user_id, record.success, record.detail) == (listed.admin.pk, False, "denied")


def test_superuser_without_the_explicit_permission_sees_masked_values_only(listed, login):
    objection, _token = file(listed, at(2026, 9, 29, 15))
    superuser = SystemAdminFactory(is_superuser=True)
    client = login(superuser)

    detail = client.get(reverse("publicity:objection", args=[objection.pk]))
    export = xlsx_cells(client.get(reverse("publicity:objections"), {"format": "xlsx", "identities": "1"}))

    assert services.may_see_identity(superuser, objection) is False
    assert leaks(text(detail)) == [] and MASKED_PHONE in visible_text(detail)
    assert "您没有查看异议人身份的授权" in visible_text(detail)
    assert leaks("\n".join(export)) == [] and MASKED_ID in export
    assert client.post(reverse("publicity:objection_identity", args=[objection.pk])).status_code == 403
    assert Objection not in admin.site._registry  # no back door through the admin site
    assert Objection.history.model not in admin.site._registry


def test_export_with_identities_shows_them_only_in_rows_with_the_permission(listed, login):
    first, _token = file(listed, at(2026, 9, 29, 15))
    second, _token = file(
        listed, at(2026, 9, 29, 16), rank=2, name="司马另一", phone="+8613800001234", id_number="", email=""
    )
    grant_identity(first, listed.admin, "核查需要", requested_by=listed.admin)
    client = login(listed.admin)

    default = xlsx_cells(client.get(reverse("publicity:objections"), {"format": "xlsx"}))
    with_identities = client.get(reverse("publicity:objections"), {"format": "xlsx", "identities": "1"})
    cells = xlsx_cells(with_identities)

    assert leaks("\n".join(default)) == [] and "司马另一" not in default and "13800001234" not in "".join(default)
    assert NAME in cells and ID_NUMBER in cells
    assert any(PHONE in cell for cell in cells)
    assert "司马另一" not in cells and "司***" in cells and "138****1234" in cells
    assert with_identities["Content-Disposition"].startswith("attachment")
    exports = AuditRecord.objects.filter(event=AuditEvent.EXPORT).order_by("pk").values_list("detail", flat=True)
    assert list(exports) == ["objections xlsx: 2 rows, 0 with identity", "objections xlsx: 2 rows, 1 with identity"]
    clear = AuditRecord.objects.get(event=AuditEvent.PERSONAL_DATA_VIEW)
    assert (clear.user_id, clear.detail) == (listed.admin.pk, "objections xlsx: 1 identities in clear")


def test_export_cells_of_identity_are_text_not_formulas(listed, login):
    objection, _token = file(listed, at(2026, 9, 29, 15))
    grant_identity(objection, listed.admin, "核查需要", requested_by=listed.admin)

    cells = xlsx_cells(login(listed.admin).get(reverse("publicity:objections"), {"format": "xlsx", "identities": "1"}))

    assert f"'{PHONE_E164}" in cells  # a leading + would be read as a formula: quoted (docs/security.md 16)
    assert ID_NUMBER in cells
