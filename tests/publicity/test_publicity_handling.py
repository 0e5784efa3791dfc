"""Handling objections: assigning a handler, deciding, disqualifying, the adjusted list and the announcement's
blockers, and the one reply to the objector."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from portal.enums import AuditEvent
from portal.models import AuditRecord, Notification
from portal.transitions import Refused
from publicity import services
from publicity.enums import ObjectionStatus
from publicity.identity_access import identity_access_decide
from publicity.models import Objection, PublicityNotice
from publicity.tasks import send_objection_reply
from tests.factories import DepartmentLeadFactory, ReviewerFactory, SecurityAdminFactory
from tests.portal.helpers import refusal, text, visible_text
from tests.publicity.publicity_builders import EMAIL, assign, at, decide, file, listed_round, publish
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


NOW = at(2026, 9, 29, 15)


def build_listed():
    """An open notice (28 Sep – 9 Oct 2026) with one objection against 申报机构甲; the clock stands on 29 Sep."""
    listed = listed_round(names=("甲", "乙"))
    publish(listed, at(2026, 9, 28, 10))
    listed.extra["objection"], listed.extra["token"] = file(listed, NOW)
    return listed


_listed, listed = module_world("listed", build_listed, built_at=NOW)


# --- assigning ------------------------------------------------------------------------------------------


def test_assign_puts_it_under_verification_and_grants_handling_only(listed):
    objection = assign(listed)

    assert (objection.status, objection.handler, objection.deadline) == (
        ObjectionStatus.VERIFYING,
        listed.lead,
        date(2026, 10, 9),
    )
    assert objection.assigned_at == at(2026, 9, 29, 15)
    assert listed.lead.has_perm("publicity.handle_objection", objection)
    assert services.may_see_identity(listed.lead, objection) is False
    record = AuditRecord.objects.get(
        event=AuditEvent.TRANSITION, object_type="publicity.objection", detail__startswith="assign"
    )
    assert (record.user_id, record.detail) == (listed.admin.pk, f"assign to {listed.lead.username} until 2026-10-09")
    told = Notification.objects.filter(user=listed.lead).values_list("text", flat=True)  # written with the assignment
    assert list(told) == [f"异议 {objection.receipt_number}（被异议机构：申报机构甲）已交您核查，办理期限2026年10月9日。"]


def test_assign_with_the_identity_grant_files_a_request_for_the_security_administrator(listed):
    objection = assign(listed, grant_identity=True)

    assert services.may_see_identity(listed.lead, objection) is False  # not before a second person approves
    access = objection.identity_requests.get()
    assert (access.status, access.grantee, access.requested_by) == ("pending", listed.lead, listed.admin)
    record = AuditRecord.objects.get(event=AuditEvent.PERMISSION_CHANGE, object_type="publicity.objection")
    assert record.detail == f"request publicity.view_objector_identity for {listed.lead.username}: 交办核查，需联系异议人"


def test_assign_to_the_programme_admin_is_allowed(listed):
    assert assign(listed, handler=listed.admin).handler == listed.admin


@pytest.mark.parametrize(
    "who", ["lead-of-another-programme", "reviewer-of-the-programme", "admin-of-another-programme"]
)
def test_handler_must_be_an_admin_or_a_department_lead_of_the_programme(listed, who):
    if who == "lead-of-another-programme":
        handler = DepartmentLeadFactory()
    elif who == "reviewer-of-the-programme":
        handler = ReviewerFactory(department=listed.programme.lead_department)
    else:
        handler = listed_round(names=("丙",)).admin

    assert refusal(lambda: assign(listed, handler=handler)) == "经办人须为本项目的管理员或评定部门负责人。"
    assert Objection.objects.get().status == ObjectionStatus.RECEIVED


def test_deadline_in_the_past_is_refused(listed):
    assert refusal(lambda: assign(listed, deadline=date(2026, 9, 28))) == "办理期限不能早于今天。"
    assert assign(listed, deadline=date(2026, 9, 29)).deadline == date(2026, 9, 29)  # today is fine


def test_assign_view_refuses_a_past_deadline_with_a_message(listed, login):
    client = login(listed.admin)

    response = client.post(
        reverse("publicity:objection_assign", args=[listed.extra["objection"].pk]),
        {"handler": listed.lead.pk, "deadline": "2026-09-01"},
        follow=True,
    )

    assert "办理期限不能早于今天。" in visible_text(response)
    assert Objection.objects.get().status == ObjectionStatus.RECEIVED


def test_a_closed_objection_cannot_be_assigned_again(listed):
    assign(listed)
    decide(listed)

    assert refusal(lambda: assign(listed)) == "异议已办结，不能再交办。"


def test_handler_opens_and_decides_another_lead_cannot(listed, login, client):
    assign(listed)
    objection = listed.extra["objection"]
    other_lead = DepartmentLeadFactory(department=listed.programme.lead_department, full_name="另一负责人")
    detail = reverse("publicity:objection", args=[objection.pk])
    decide_url = reverse("publicity:objection_decide", args=[objection.pk])
    data = {"outcome": "not_upheld", "findings": "经核实，人数属实。", "reply": "经核查，异议不成立。"}

    other = login(other_lead)
    assert other.get(detail).status_code == 404
    assert other.post(decide_url, data).status_code == 404
    assert other.get(reverse("publicity:objections")).status_code == 200
    assert objection.receipt_number not in visible_text(other.get(reverse("publicity:objections")))

    handler = login(listed.lead)
    page = handler.get(detail)
    assert page.status_code == 200 and "核查结论与答复" in visible_text(page)
    assert reverse("publicity:objection_assign", args=[objection.pk]) not in text(page)  # assigning is the admin's
    assert objection.receipt_number in visible_text(handler.get(reverse("publicity:objections")))
    assert handler.post(decide_url, data).status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.decided_by, objection.reply) == (
        ObjectionStatus.NOT_UPHELD,
        listed.lead,
        "经核查，异议不成立。",
    )


def test_the_lead_and_the_admin_see_the_objection_pages_under_their_navigations_name(listed, login):
    """Issue 13: a department lead verifies (异议核查 in its navigation), the admin handles (异议办理)."""
    assign(listed)
    objection = listed.extra["objection"]

    for user, name in ((listed.lead, "异议核查"), (listed.admin, "异议办理")):
        client = login(user)
        listing = client.get(reverse("publicity:objections"))
        detail = client.get(reverse("publicity:objection", args=[objection.pk]))
        assert listing.context["section_title"] == name
        assert f"<h1>{name}</h1>" in text(listing)
        assert visible_text(detail).count(name) >= 2  # the navigation and the breadcrumb


def test_handler_cannot_assign_or_grant(listed, login):
    assign(listed)
    client = login(listed.lead)
    pk = listed.extra["objection"].pk

    assert (
        client.post(
            reverse("publicity:objection_assign", args=[pk]), {"handler": listed.lead.pk, "deadline": "2026-10-09"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("publicity:objection_grant", args=[pk]), {"user": listed.lead.pk, "reason": "自己授权"}
        ).status_code
        == 403
    )
    assert services.may_see_identity(listed.lead, listed.extra["objection"]) is False


def test_reassigning_removes_the_previous_handlers_access(listed, login):
    objection = assign(listed, grant_identity=True)
    identity_access_decide(
        access_request=objection.identity_requests.get(), approve=True, actor=SecurityAdminFactory()
    )
    assert services.may_see_identity(listed.lead, objection) is True
    second = DepartmentLeadFactory(department=listed.programme.lead_department, full_name="新经办人")
    assign(listed, handler=second)

    assert (
        login(listed.lead).get(reverse("publicity:objection", args=[listed.extra["objection"].pk])).status_code == 404
    )
    assert services.may_see_identity(listed.lead, listed.extra["objection"]) is False


def test_objection_list_filters_by_status_and_notice(listed, login):
    other = listed_round(names=("丙",))
    publish(other, at(2026, 9, 28, 11))
    other_admin_objection, _token = file(other, at(2026, 9, 29, 15))
    assign(listed)
    receipt = listed.extra["objection"].receipt_number
    client = login(listed.admin)
    url = reverse("publicity:objections")

    verifying = visible_text(client.get(url, {"status": "verifying"}))
    received = visible_text(client.get(url, {"status": "received"}))
    of_notice = visible_text(client.get(url, {"notice": str(listed.notice.pk)}))
    nonsense = client.get(url, {"notice": "9" * 40, "status": "<script>"})

    assert receipt in verifying and receipt not in received
    assert receipt in of_notice
    assert other_admin_objection.receipt_number not in visible_text(client.get(url))  # another programme's
    assert nonsense.status_code == 200


# --- deciding ---------------------------------------------------------------------------------------------


def test_decision_needs_findings_and_reply(listed):
    assign(listed)

    assert refusal(lambda: decide(listed, findings=" ")) == "请填写核查情况和答复意见。"
    assert refusal(lambda: decide(listed, reply="")) == "请填写核查情况和答复意见。"
    assert Objection.objects.get().status == ObjectionStatus.VERIFYING


def test_decide_view_without_reply_is_400_and_changes_nothing(listed, login):
    assign(listed)

    response = login(listed.lead).post(
        reverse("publicity:objection_decide", args=[listed.extra["objection"].pk]),
        {"outcome": "upheld", "findings": "属实。"},
    )

    assert response.status_code == 400
    assert Objection.objects.get().status == ObjectionStatus.VERIFYING
    assert listed.entry(1).disqualified_at is None


def test_only_an_objection_under_verification_can_be_decided(listed):
    assert refusal(lambda: decide(listed)) == "只有核查中的异议才能办结（当前：已受理）。"


def test_upheld_disqualifies_the_entry_on_the_public_notice(listed, client):
    assign(listed)

    decide(listed, upheld=True, reply="经核查，异议成立，取消其拟评定资格。")

    entry = listed.entry(1)
    assert entry.disqualified_at == at(2026, 9, 29, 15)
    assert listed.entry(2).disqualified_at is None
    page = visible_text(client.get(listed.notice.get_absolute_url()))
    assert "1 申报机构甲 经营性人力资源服务机构 高青县 经核查异议成立，取消拟评定资格" in page
    assert "取消拟评定资格" not in page.split("申报机构乙")[1].split("异议受理")[0]
    with pytest.raises(Refused) as refused:
        file(listed, at(2026, 9, 29, 16), rank=1)
    assert str(refused.value) == "该机构已被取消拟评定资格。"
    form = visible_text(client.get(reverse("publicity:objection_new", args=[listed.notice.pk])))
    assert "申报机构乙" in form and "申报机构甲" not in form
    assert AuditRecord.objects.filter(
        object_type="publicity.noticeentry", object_id=str(entry.pk), detail="disqualified"
    ).exists()


def test_reply_shows_on_the_private_link(listed, client):
    assign(listed)
    decide(listed, upheld=False, reply="经核查，该机构台账人数属实，异议不成立。")
    objection = listed.extra["objection"]

    page = visible_text(
        client.get(reverse("publicity:objection_status", args=[objection.receipt_number, listed.extra["token"]]))
    )

    assert "办理状态 异议不成立" in page
    assert "办结时间 2026年9月29日 15:00" in page
    assert "答复意见 经核查，该机构台账人数属实，异议不成立。" in page
    assert "经调阅台账核实。" not in page  # the findings are internal


def test_reply_email_is_sent_once_even_if_the_task_runs_twice(listed, settings):
    settings.PORTAL_BASE_URL = "https://biaogan.example.gov.cn"
    assign(listed)
    decide(listed)
    objection = listed.extra["objection"]

    sent = [send_objection_reply(objection.pk), send_objection_reply(objection.pk)]

    assert sent == [True, False]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.to) == ("异议办理结果", [EMAIL])
    assert message.body == (
        f"您提交的异议（回执号 {objection.receipt_number}）已办结，结果：异议不成立。答复意见请通过私密链接查看："
        f"https://biaogan.example.gov.cn/objections/{objection.receipt_number}/{listed.extra['token']}/"
    )
    objection.refresh_from_db()
    assert objection.reply_sent_at == at(2026, 9, 29, 15)


def test_no_reply_is_sent_before_the_decision(listed):
    assign(listed)

    assert send_objection_reply(listed.extra["objection"].pk) is False
    assert mail.outbox == []


def test_a_failed_reply_is_sent_again_on_retry(listed, monkeypatch):
    assign(listed)
    decide(listed)
    objection = listed.extra["objection"]

    def unreachable(*args, **kwargs):
        raise OSError("mail server unreachable")

    monkeypatch.setattr("django.core.mail.send_mail", unreachable)
    with pytest.raises(OSError):
        services.objection_reply_send(objection=objection)
    monkeypatch.undo()

    assert Objection.objects.get().reply_sent_at is None
    assert services.objection_reply_send(objection=objection) is True
    assert len(mail.outbox) == 1


# --- the adjusted list and the announcement ------------------------------------------------------------------


def test_publicity_blockers(listed, time_machine):
    fresh = listed_round(names=("丙",))
    assert services.publicity_blockers(fresh.round) == ["尚未发布公示。"]

    assert services.publicity_blockers(listed.round) == [
        "公示期未满：异议受理至2026年10月9日24时。",
        "尚有1件异议未办结。",
    ]

    time_machine.move_to(at(2026, 10, 10, 0, 0, 1), tick=False)
    assert services.publicity_blockers(listed.round) == ["尚有1件异议未办结。"]

    assign(listed, deadline=date(2026, 10, 12))
    decide(listed)
    assert services.publicity_blockers(listed.round) == []
    assert services.publicity_blockers(listed.round, now=at(2026, 10, 9, 23, 59)) == [
        "公示期未满：异议受理至2026年10月9日24时。"
    ]


def test_announcement_blocked_when_every_entry_is_disqualified(time_machine):
    time_machine.move_to(at(2026, 9, 29, 15), tick=False)
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))
    listed.extra["objection"], _token = file(listed, at(2026, 9, 29, 15))
    assign(listed)
    decide(listed, upheld=True)

    assert services.publicity_blockers(listed.round, now=at(2026, 10, 12)) == ["公示名单中没有保留资格的机构。"]


def test_round_page_lists_the_blockers(listed, login):
    page = visible_text(login(listed.admin).get(reverse("publicity:round", args=[listed.round.pk])))

    assert "暂不能公布 公示期未满：异议受理至2026年10月9日24时。" in page
    assert "暂不能公布 尚有1件异议未办结。" in page
    assert "1件（未办结1件）" in page
    assert PublicityNotice.objects.count() == 1
