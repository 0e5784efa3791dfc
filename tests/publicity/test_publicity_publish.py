"""Publishing a round's notice (publicity.services.notice_publish) and the admin's publicity page."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.enums import AuditEvent, InstitutionKind
from portal.models import AuditRecord, Institution, Region
from publicity.models import PublicityNotice
from review.models import Shortlist
from review.services import results
from tests.factories import DepartmentFactory
from tests.portal.helpers import refusal, visible_text
from tests.publicity.publicity_builders import TITLE, at, listed_round, publish

pytestmark = pytest.mark.django_db


def test_publish_snapshots_the_shortlist_with_its_period_index_and_digest():
    listed = listed_round(names=("甲", "乙"))
    centre = listed.applications[1].institution
    centre.kind = InstitutionKind.PUBLIC_AGENCY
    centre.region = Region.objects.create(code="370321", name="桓台县", level=centre.region.level)
    centre.save()

    notice = publish(listed, at(2026, 9, 28, 10), document_number=" 高人社字〔2026〕12号 ")

    assert (notice.starts_on.isoformat(), notice.ends_on.isoformat(), notice.working_days) == (
        "2026-09-28",
        "2026-10-09",
        5,
    )
    assert notice.closes_at == at(2026, 10, 10)
    assert notice.published_at == at(2026, 9, 28, 10)
    assert notice.index_number == "370322-2026-0001"
    assert notice.document_number == "高人社字〔2026〕12号"
    assert notice.issuers == [listed.programme.lead_department.name]
    assert list(
        notice.entries.values_list("rank", "institution_name", "institution_kind", "region_name", "is_replacement")
    ) == [
        (1, "申报机构甲", "经营性人力资源服务机构", "高青县", False),
        (2, "申报机构乙", "公共就业服务机构", "桓台县", False),
    ]
    assert len(notice.digest) == 64
    assert notice.digest == notice.content_digest()
    assert notice.period_label == "公示时间：9月28日至10月9日（5个工作日）"
    assert notice.closes_label == "2026年10月9日24时"


def test_entries_keep_the_names_as_published():
    listed = listed_round(names=("甲",))
    notice = publish(listed, at(2026, 9, 28, 10))

    Institution.objects.filter(pk=listed.applications[0].institution_id).update(name="改名后的机构")

    assert notice.entries.get().institution_name == "申报机构甲"
    assert notice.digest == PublicityNotice.objects.get(pk=notice.pk).content_digest()


def test_publish_freezes_the_shortlist():
    listed = listed_round(names=("甲", "乙"))
    publish(listed, at(2026, 9, 28, 10))

    message = refusal(
        lambda: results.shortlist_save(
            round=listed.round, application_ids=[listed.applications[1].pk], skip_reasons={}, actor=listed.admin
        )
    )

    assert message == "拟评定名单已在公示时冻结，不能修改。"
    assert Shortlist.objects.get(round=listed.round).frozen_at == at(2026, 9, 28, 10)


def test_publish_is_audited():
    listed = listed_round(names=("甲", "乙"))

    notice = publish(listed, at(2026, 9, 28, 10))

    record = AuditRecord.objects.get(event=AuditEvent.TRANSITION, object_type="publicity.publicitynotice")
    assert (record.user_id, record.object_id, record.success) == (listed.admin.pk, str(notice.pk), True)
    assert record.detail == "publish 370322-2026-0001 2026-09-28..2026-10-09 (2)"


def test_a_second_publication_of_the_round_is_refused():
    listed = listed_round()
    publish(listed, at(2026, 9, 28, 10))

    message = refusal(lambda: publish(listed, at(2026, 9, 29, 10)))

    assert message == "本批次已发布公示。名单调整请在原公示页面发布调整后名单。"
    assert PublicityNotice.objects.count() == 1


def test_publishing_without_a_shortlist_is_refused():
    listed = listed_round()
    Shortlist.objects.filter(round=listed.round).delete()

    message = refusal(lambda: publish(listed, at(2026, 9, 28, 10)))

    assert message == "尚未确定拟评定名单，不能发布公示。"
    assert PublicityNotice.objects.count() == 0


def test_publishing_an_empty_shortlist_is_refused():
    listed = listed_round()
    listed.round.shortlist.entries.all().delete()

    assert refusal(lambda: publish(listed, at(2026, 9, 28, 10))) == "尚未确定拟评定名单，不能发布公示。"


def test_index_numbers_count_up_within_the_jurisdiction_and_year():
    first, second = listed_round(), listed_round()

    publish(first, at(2026, 9, 28, 10))
    notice = publish(second, at(2026, 9, 29, 10))

    assert notice.index_number == "370322-2026-0002"


def test_the_programmes_publicity_days_are_respected():
    listed = listed_round(publicity_days=7)

    notice = publish(listed, at(2026, 9, 28, 10))

    assert (notice.ends_on.isoformat(), notice.working_days, notice.closes_at) == ("2026-10-12", 7, at(2026, 10, 13))
    assert notice.period_label == "公示时间：9月28日至10月12日（7个工作日）"


def test_published_on_a_holiday_the_period_starts_on_the_next_working_day():
    listed = listed_round()

    notice = publish(listed, at(2026, 10, 4, 9))

    assert notice.period_label == "公示时间：10月8日至10月13日（5个工作日）"
    assert notice.published_at == at(2026, 10, 4, 9)


def test_publication_day_is_the_beijing_date():
    listed = listed_round()

    notice = publish(listed, at(2026, 9, 28, 0, 30))  # 16:30 UTC on Sunday 27 September

    assert notice.starts_on.isoformat() == "2026-09-28"


def test_issuers_follow_the_programmes_departments_in_order():
    listed = listed_round()
    drc = DepartmentFactory(name="测试县发展和改革局")
    listed.programme.programme_departments.create(department=drc, order=1)

    notice = publish(listed, at(2026, 9, 28, 10))

    assert notice.issuers == [listed.programme.lead_department.name, "测试县发展和改革局"]


# --- the admin's page ------------------------------------------------------------------------------------


def test_admin_publishes_from_the_round_page(login, time_machine):
    time_machine.move_to(at(2026, 9, 28, 10), tick=False)
    listed = listed_round()
    client = login(listed.admin)
    url = reverse("publicity:round", args=[listed.round.pk])

    page = client.get(url)
    response = client.post(
        url,
        {
            "title": TITLE,
            "document_number": "",
            "written_on": "2026-09-28",
            "body": "现予以公示。",
            "contacts": "县评定工作办公室，电话：0533-6961000",
        },
    )

    assert "今天发布则公示时间为：9月28日至10月9日（5个工作日） ，异议受理至2026年10月9日24时。" in visible_text(page)
    assert "公示时间：9月28日至10月9日（5个工作日）。" in visible_text(page)  # the draft body from the default template
    assert response.status_code == 302
    notice = PublicityNotice.objects.get()
    assert (notice.title, notice.created_by, notice.ends_on.isoformat()) == (TITLE, listed.admin, "2026-10-09")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "公示已发布：公示时间：9月28日至10月9日（5个工作日）。"
    ]
    again = client.post(url, {"title": "再发一次"})
    assert again.status_code == 403
    assert "本批次已发布公示，当前没有需要发布的名单；有机构被取消资格时，可在此发布调整后名单。" in visible_text(again)


def test_written_on_after_today_is_refused(login, time_machine):
    time_machine.move_to(at(2026, 9, 28, 10), tick=False)
    listed = listed_round()

    response = login(listed.admin).post(
        reverse("publicity:round", args=[listed.round.pk]),
        {"title": TITLE, "written_on": "2026-09-29", "body": "现予以公示。", "contacts": "县评定工作办公室"},
    )

    assert response.status_code == 200
    assert "成文日期不能晚于今天。" in visible_text(response)
    assert PublicityNotice.objects.count() == 0


@pytest.mark.parametrize("role", ["lead", "other-admin"])
def test_only_the_programmes_admin_opens_the_round_page(login, role):
    listed = listed_round()
    user = listed.lead if role == "lead" else listed_round().admin

    response = login(user).get(reverse("publicity:round", args=[listed.round.pk]))

    assert response.status_code == {"lead": 403, "other-admin": 404}[role]


def test_round_page_shows_the_calendar_error_in_an_unknown_year(login, time_machine):
    time_machine.move_to(at(2031, 3, 3, 10), tick=False)
    listed = listed_round()

    page = login(listed.admin).get(reverse("publicity:round", args=[listed.round.pk]))

    assert page.status_code == 200
    assert "无法计算公示期：尚未录入2031年的节假日安排" in visible_text(page)
