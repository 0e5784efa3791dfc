"""The announcement (公布, issue 7): the draft and its document number, what blocks issuing, what issuing creates
(awards, audit records, notifications) and the public results page right after."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from awards import services as award_services
from awards.enums import AnnouncementStatus
from awards.models import Announcement, Award
from portal.enums import AuditEvent
from portal.models import AuditRecord, Notification
from portal.titles import period_remaining
from publicity import services
from tests.applications.factories import AwardFactory
from tests.awards.results_builders import (
    ISSUED_AT,
    ISSUED_ON,
    applicant_of,
    closed_round,
    draft,
    issue,
)
from tests.factories import ApplicantFactory
from tests.portal.helpers import refusal, text, visible_text
from tests.publicity.publicity_builders import at, file, listed_round, publish
from tests.worlds import module_world

pytestmark = pytest.mark.django_db


# Notice of 1–7 September 2026 ended without objections; the clock stands on 15 September 10:00.
_closed, closed = module_world("closed", closed_round, built_at=ISSUED_AT)


def issuing(listed, announcement=None, now=ISSUED_AT):
    return lambda: award_services.announcement_issue(
        announcement=announcement or draft(listed), actor=listed.admin, now=now
    )


# --- the draft ------------------------------------------------------------------------------------------


def test_defaults_number_the_document_with_the_lead_departments_prefix(closed):
    defaults = award_services.announcement_defaults(closed.round, today=ISSUED_ON)

    assert (defaults["doc_prefix"], defaults["doc_year"], defaults["doc_serial"]) == ("县人社局字", 2026, 1)
    assert defaults["title"] == "关于公布高青县2026年度县级就业服务质量标杆机构名单的通知"
    assert "公示期间无异议" in defaults["body"] and "“县级就业服务质量标杆机构”牌匾" in defaults["body"]
    assert "{" not in defaults["body"]
    assert defaults["written_on"] == ISSUED_ON
    draft(closed)
    assert award_services.announcement_defaults(closed.round, today=ISSUED_ON)["doc_serial"] == 2


def test_defaults_take_the_prefix_set_on_the_lead_department(closed):
    lead = closed.round.programme.lead_department
    lead.doc_prefix = "高人社字"
    lead.save()

    defaults = award_services.announcement_defaults(closed.round, today=ISSUED_ON)

    assert (defaults["doc_prefix"], defaults["doc_serial"]) == ("高人社字", 1)


def test_defaults_repeat_the_prefix_the_lead_department_last_issued_with(closed):
    draft(closed, doc_prefix="高人社字", doc_serial=7)

    defaults = award_services.announcement_defaults(closed.round, today=ISSUED_ON)

    assert (defaults["doc_prefix"], defaults["doc_serial"]) == ("高人社字", 8)


def test_document_number_is_printed_as_gbt_9704_has_it(closed):
    announcement = draft(closed, doc_year=2022, doc_serial=12)

    assert announcement.document_number == "县人社局字〔2022〕12号"
    assert announcement.status == AnnouncementStatus.DRAFT and announcement.published_at is None
    assert announcement.notice == closed.notice and announcement.issuers == closed.notice.issuers


def test_a_taken_number_is_refused_in_the_programme_and_year_only(closed):
    first = draft(closed, doc_serial=12)

    message = refusal(lambda: draft(closed, doc_serial=12))
    edited = award_services.announcement_save(
        round=closed.round, actor=closed.admin, announcement=first, title="修改后的标题", doc_serial=12
    )
    next_year = draft(closed, doc_serial=12, doc_year=2027)
    other_programme = draft(closed_round(names=("丙",)), doc_serial=12)

    assert message == "文号县人社局字〔2026〕12号已被本项目使用，请换一个序号。"
    assert edited.pk == first.pk and edited.title == "修改后的标题"  # its own number is not "taken"
    assert next_year.document_number == "县人社局字〔2027〕12号"
    assert other_programme.document_number == first.document_number
    assert Announcement.objects.filter(doc_serial=12).count() == 3


def test_the_rounds_draft_saved_twice_as_if_first_stays_one_draft(closed):
    """The page's save, sent twice at once: the later one (it waited on the round) changes the draft the first made."""
    values = award_services.announcement_defaults(closed.round, today=ISSUED_ON)

    first = award_services.announcement_draft_save(round=closed.round, actor=closed.admin, **values)
    second = award_services.announcement_draft_save(round=closed.round, actor=closed.admin, **{**values, "title": "第二次保存的标题"})

    assert second.pk == first.pk
    assert list(Announcement.objects.filter(round=closed.round).values_list("title", flat=True)) == ["第二次保存的标题"]


def test_a_draft_needs_a_notice(time_machine):
    time_machine.move_to(ISSUED_AT, tick=False)
    listed = listed_round(names=("甲",))

    assert refusal(lambda: draft(listed)) == "尚未发布公示，不能起草公布文件。"


def test_an_issued_announcement_cannot_be_edited(closed):
    announcement = issue(closed)

    message = refusal(
        lambda: award_services.announcement_save(
            round=closed.round, actor=closed.admin, announcement=announcement, title="发布后改的标题"
        )
    )

    assert message == "已发布的文件不能修改。"
    announcement.refresh_from_db()
    assert announcement.title == "关于公布高青县2026年度县级就业服务质量标杆机构名单的通知"


def test_a_draft_read_before_the_issue_cannot_undo_it(closed):
    """The page read the draft, then the document was issued before its save arrived."""
    stale = draft(closed)
    award_services.announcement_issue(announcement=Announcement.objects.get(pk=stale.pk), actor=closed.admin, now=ISSUED_AT)

    message = refusal(
        lambda: award_services.announcement_save(round=closed.round, actor=closed.admin, announcement=stale, title="迟到的修改")
    )

    assert message == "已发布的文件不能修改。"
    assert Announcement.objects.get(pk=stale.pk).status == AnnouncementStatus.ISSUED


# --- what blocks issuing ------------------------------------------------------------------------------------


def test_issue_is_refused_while_publicity_is_open_and_allowed_at_its_end(closed):
    announcement = draft(closed)

    message = refusal(issuing(closed, announcement, now=at(2026, 9, 7, 23, 59)))  # the last minute of 7 September
    issued = award_services.announcement_issue(announcement=announcement, actor=closed.admin, now=at(2026, 9, 8))

    assert message == "暂不能公布：公示期未满：异议受理至2026年9月7日24时。"
    assert issued.is_issued and issued.awards.count() == 2


def test_issue_is_refused_until_every_objection_is_closed(closed):
    objection, _token = file(closed, at(2026, 9, 2, 10))
    announcement = draft(closed)

    received = refusal(issuing(closed, announcement))
    services.objection_assign(objection=objection, handler=closed.lead, deadline=ISSUED_ON, actor=closed.admin)
    verifying = refusal(issuing(closed, announcement))
    services.objection_decide(
        objection=objection, upheld=False, findings="经核实。", reply="异议不成立。", actor=closed.lead
    )
    issued = award_services.announcement_issue(announcement=announcement, actor=closed.admin, now=ISSUED_AT)

    assert received == verifying == "暂不能公布：尚有1件异议未办结。"
    assert issued.awards.count() == 2
    assert Award.objects.count() == 2  # the refusals created nothing


def test_a_disqualified_entry_gets_no_award(closed):
    objection, _token = file(closed, at(2026, 9, 2, 10), rank=1)
    services.objection_assign(objection=objection, handler=closed.lead, deadline=ISSUED_ON, actor=closed.admin)
    services.objection_decide(
        objection=objection, upheld=True, findings="属实。", reply="异议成立。", actor=closed.lead
    )

    announcement = issue(closed)

    assert list(announcement.awards.values_list("institution_name", flat=True)) == ["申报机构乙"]
    assert "公示期间收到的异议均已核查办结" in announcement.body


@pytest.mark.parametrize("limit", ["round", "period"])
def test_issue_is_refused_over_the_quota(time_machine, limit):
    time_machine.move_to(ISSUED_AT, tick=False)
    if limit == "round":
        listed = closed_round(names=("甲", "乙"), quota=1)
    else:
        listed = closed_round(names=("甲", "乙"), period_quota=3)
        AwardFactory(programme=listed.programme)
        AwardFactory(programme=listed.programme)  # one place left in the period
    announcement = draft(listed)

    assert award_services.announcement_blockers(announcement) == ["名单有2家，超过可用名额1家。"]
    assert refusal(issuing(listed, announcement)) == "暂不能公布：名单有2家，超过可用名额1家。"
    assert not announcement.awards.exists()


def test_issue_is_refused_twice(closed):
    announcement = issue(closed)

    message = refusal(issuing(closed, announcement, now=at(2026, 9, 16, 10)))

    assert message == "该文件已发布。"
    assert Award.objects.count() == 2
    announcement.refresh_from_db()
    assert announcement.published_at == ISSUED_AT


def test_a_draft_on_a_replaced_notice_must_be_saved_again(closed):
    objection, _token = file(closed, at(2026, 9, 2, 10), rank=1)
    services.objection_assign(objection=objection, handler=closed.lead, deadline=ISSUED_ON, actor=closed.admin)
    services.objection_decide(
        objection=objection, upheld=True, findings="属实。", reply="异议成立。", actor=closed.lead
    )
    announcement = draft(closed)
    publish(closed, at(2026, 9, 8, 9), replaces=closed.notice, title="关于调整后名单的公示")

    blockers = award_services.announcement_blockers(announcement, now=at(2026, 9, 30, 10))

    assert "公示名单已调整，请重新保存草稿以依据最新的公示。" in blockers


# --- what issuing creates ---------------------------------------------------------------------------------


def test_issuing_creates_one_award_per_kept_entry(closed):
    announcement = issue(closed)

    awards = list(announcement.awards.order_by("plaque_number"))
    assert announcement.status == AnnouncementStatus.ISSUED and announcement.published_at == ISSUED_AT
    assert announcement.digest == announcement.content_digest()
    assert re.fullmatch(r"370322-2026-\d{4}", announcement.index_number)
    assert [(a.institution_name, a.plaque_number) for a in awards] == [
        ("申报机构甲", "370322X-2026-001"),
        ("申报机构乙", "370322X-2026-002"),
    ]
    for award, application in zip(awards, closed.applications, strict=True):
        assert (award.programme, award.institution_id, award.application) == (
            closed.programme,
            application.institution_id,
            application,
        )
        assert award.awarded_on == ISSUED_ON and award.revoked_at is None
        assert award.digest == award_services.award_digest(award) and len(award.digest) == 64
        assert len(award.verify_code) >= 16 and award.plaque_number not in award.verify_code
        assert award.get_verify_url() == f"/verify/{award.verify_code}/"
    assert awards[0].verify_code != awards[1].verify_code
    assert period_remaining(closed.round) == closed.programme.period_quota - 2


def test_plaque_numbers_go_on_across_programmes_of_the_jurisdiction(closed):
    issue(closed)
    other = closed_round(names=("丙",))

    issue(other)

    assert Award.objects.get(institution_name="申报机构丙").plaque_number == "370322X-2026-003"


def test_issuing_is_audited(closed):
    announcement = issue(closed)

    records = AuditRecord.objects.filter(event=AuditEvent.TRANSITION, user_id=closed.admin.pk)
    assert records.filter(
        object_type="awards.announcement",
        object_id=str(announcement.pk),
        detail="announce 县人社局字〔2026〕1号: 2 awards",
    ).exists()
    award_details = set(records.filter(object_type="awards.award").values_list("detail", flat=True))
    assert award_details == {"award 370322X-2026-001", "award 370322X-2026-002"}


def test_issuing_notifies_the_institutions_users(closed, eager_celery, django_capture_on_commit_callbacks):
    colleague = ApplicantFactory(institution=applicant_of(closed).institution)
    bystander = ApplicantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        announcement = issue(closed)

    told = Notification.objects.filter(link=announcement.get_absolute_url())  # they were told of the notice before
    for user in (applicant_of(closed), colleague):
        note = told.get(user=user)
        assert note.text == (
            "贵机构被评定为“县级就业服务质量标杆机构”（县人社局字〔2026〕1号），奖牌编号370322X-2026-001。"
            "可在工作台下载奖牌和公布文件。"
        )
    assert "370322X-2026-002" in told.get(user=applicant_of(closed, "乙")).text
    assert not Notification.objects.filter(user=bystander).exists()
    assert colleague.email in {address for message in mail.outbox for address in message.to}


def test_the_public_results_page_shows_the_announcement_right_after_issuing(
    client, closed, django_capture_on_commit_callbacks
):
    url = reverse("awards:results")
    before = visible_text(client.get(url))

    with django_capture_on_commit_callbacks() as callbacks:
        announcement = issue(closed)
    cached = visible_text(client.get(url))
    for callback in callbacks:
        callback()
    after = visible_text(client.get(url))

    assert "还没有公布评定结果" in before
    assert "还没有公布评定结果" in cached  # the page cache: only the bump after the commit makes it fresh
    assert announcement.title in after and "县人社局字〔2026〕1号 · 发布日期：2026-09-15" in after


def test_every_published_document_gets_its_own_index_number(closed):
    other = closed_round(names=("丙",))  # a second programme of the same county

    first = issue(closed)
    second = issue(other)
    later_notice = publish(listed_round(names=("丁",)), at(2026, 9, 16, 9))

    numbers = [first.index_number, second.index_number, later_notice.index_number]
    assert len(set(numbers)) == 3, numbers


# --- the admin's page ------------------------------------------------------------------------------------


def form_data(**overrides) -> dict:
    data = {
        "doc_prefix": "县人社局字",
        "doc_year": "2026",
        "doc_serial": "12",
        "title": "关于公布高青县2026年度县级就业服务质量标杆机构名单的通知",
        "written_on": "2026-09-15",
        "body": "经机构申报、部门联合评审、社会公示，现将名单予以公布。",
    }
    return {**data, **overrides}


def test_admin_drafts_and_issues_from_the_round_page(login, closed):
    client = login(closed.admin)
    url = reverse("awards:announcement", args=[closed.round.pk])

    blank = client.get(url)
    saved = client.post(url, form_data())
    page = client.get(url)
    announcement = Announcement.objects.get()
    issued = client.post(reverse("awards:announcement_issue", args=[announcement.pk]))
    after = client.get(url)

    assert blank.status_code == 200 and 'value="县人社局字"' in text(blank)
    assert "申报机构甲（经营性人力资源服务机构） 申报机构乙（经营性人力资源服务机构）" in visible_text(blank)
    assert saved.status_code == 302 and saved["Location"] == url
    assert announcement.document_number == "县人社局字〔2026〕12号" and not announcement.is_issued
    assert "可以发布" in visible_text(page) and "发布县人社局字〔2026〕12号并授牌" in visible_text(page)
    assert issued.status_code == 302 and issued["Location"] == url
    announcement.refresh_from_db()
    assert announcement.is_issued and announcement.awards.count() == 2
    assert "已发布县人社局字〔2026〕12号，授牌2家。" in visible_text(after)
    assert "370322X-2026-001 申报机构甲 有效" in visible_text(after)


def test_round_page_shows_why_it_cannot_issue_yet(login, time_machine):
    time_machine.move_to(at(2026, 9, 3, 10), tick=False)  # publicity still open
    listed = closed_round()
    announcement = draft(listed)
    client = login(listed.admin)

    page = visible_text(client.get(reverse("awards:announcement", args=[listed.round.pk])))
    refused = client.post(reverse("awards:announcement_issue", args=[announcement.pk]), follow=True)

    assert "暂不能发布 公示期未满：异议受理至2026年9月7日24时。" in page
    assert "并授牌" not in page
    assert "暂不能公布：公示期未满" in visible_text(refused)
    assert not Award.objects.exists()


def test_form_refuses_a_date_written_in_the_future(login, closed):
    response = login(closed.admin).post(
        reverse("awards:announcement", args=[closed.round.pk]), form_data(written_on="2026-09-16")
    )

    assert response.status_code == 200
    assert "成文日期不能晚于今天。" in visible_text(response)
    assert not Announcement.objects.exists()


def test_the_draft_cannot_be_posted_once_issued(login, closed):
    issue(closed)

    response = login(closed.admin).post(reverse("awards:announcement", args=[closed.round.pk]), form_data())

    assert response.status_code == 403
    assert "本批次的公布文件已发布，不能再修改。" in visible_text(response)
    assert Announcement.objects.get().doc_serial == 1
