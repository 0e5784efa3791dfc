"""The pages of both sides: the city issues a call and follows it (on time, late, receive, return); the county previews
its report, writes 宣传情况, keeps what it typed on a refusal, submits and reads a return."""

import io

import openpyxl
import pytest
from django.urls import reverse

from portal.enums import AuditEvent
from portal.models import AuditRecord
from reporting.enums import ReportStatus
from reporting.models import ReportCall
from tests.reporting.world import BEFORE_DEADLINE, BUILT_AT, PUBLICITY, at, build, submitted
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=BEFORE_DEADLINE)


def page(response) -> str:
    return response.content.decode()


def test_the_county_lists_its_report_with_its_deadline(world, login):
    response = login(world.county_admin).get(reverse("reporting:reports"))

    assert response.status_code == 200
    assert "2025-12-15" in page(response) and "未到截止日期" in page(response) and "桓台县" not in page(response)


def test_the_county_previews_its_report_with_the_next_number_offered(world, login):
    response = login(world.county_admin).get(world.reports["高青县"].get_absolute_url())

    assert response.status_code == 200
    text = page(response)
    assert "关于报送2025年度县级就业服务质量标杆机构评定结果和宣传情况的报告" in text
    assert "2025年，高青县未发布县级就业服务质量标杆机构评定结果。" in text
    assert 'name="doc_serial" value="1"' in text and "主送" in text and "淄博市人力资源和社会保障局" in text


def test_a_refused_submission_keeps_the_typed_serial_and_saves_the_draft(world, login):
    report = world.reports["高青县"]

    response = login(world.county_admin).post(
        reverse("reporting:report_write", args=[report.pk]), {"publicity_text": "", "doc_serial": "23", "action": "submit"})

    assert response.status_code == 400
    assert "请填写宣传情况。" in page(response) and 'name="doc_serial" value="23"' in page(response)
    report.refresh_from_db()
    assert (report.status, report.doc_serial) == (ReportStatus.DRAFT, 23)


def test_the_county_submits(world, login):
    report = world.reports["高青县"]

    response = login(world.county_admin).post(
        reverse("reporting:report_write", args=[report.pk]), {"publicity_text": PUBLICITY, "doc_serial": "5", "action": "submit"})

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.document_number) == (ReportStatus.SUBMITTED, "高人社字〔2025〕5号")


def test_writing_needs_a_post(world, login):
    response = login(world.county_admin).get(reverse("reporting:report_write", args=[world.reports["高青县"].pk]))

    assert response.status_code == 405


def test_the_city_creates_a_call_for_its_counties(world, login):
    client = login(world.city_admin)
    form = client.get(reverse("reporting:call_create"))

    response = client.post(reverse("reporting:call_create"), {
        "year": "2026", "deadline": "", "subject": "", "recipients": [str(world.gaoqing.pk)], "note": ""})

    assert form.status_code == 200 and "桓台县（370321）" in page(form)
    call = ReportCall.objects.get(year=2026)
    assert response.status_code == 302 and response["Location"] == call.get_absolute_url()
    assert (call.deadline.isoformat(), list(call.reports.values_list("region__name", flat=True))) == ("2026-12-15", ["高青县"])


def test_a_second_call_of_the_year_is_refused_keeping_the_form(world, login):
    response = login(world.city_admin).post(reverse("reporting:call_create"), {
        "year": "2025", "subject": "补报", "recipients": [str(world.gaoqing.pk)]})

    assert response.status_code == 400
    assert "2025年度的报送通知已经下发，不能重复下发。" in page(response) and 'value="补报"' in page(response)


def test_a_county_may_not_issue_calls(world, login):
    assert login(world.county_admin).get(reverse("reporting:call_create")).status_code == 403


def test_the_overview_shows_on_time_late_and_overdue(world, login, time_machine):
    submitted(world, "高青县", now=at(2025, 12, 10, 9))
    submitted(world, "桓台县", now=at(2025, 12, 18, 9), serial=2)
    time_machine.move_to(at(2025, 12, 20, 9), tick=False)

    response = login(world.city_admin).get(world.call.get_absolute_url())

    text = page(response)
    assert response.status_code == 200
    assert text.count("status--success\">按时报送") == 1 and text.count("status--warning\">逾期报送") == 1
    assert reverse("reporting:report_pdf", args=[world.reports["高青县"].pk]) in text
    assert text.count('data-confirm="签收') == 2


def test_the_city_receives(world, login):
    report = submitted(world)

    response = login(world.city_admin).post(reverse("reporting:report_receive", args=[report.pk]))

    assert response.status_code == 302 and response["Location"] == world.call.get_absolute_url()
    report.refresh_from_db()
    assert report.status == ReportStatus.RECEIVED


def test_a_return_without_a_reason_is_refused_then_given_one(world, login):
    report = submitted(world)
    client = login(world.city_admin)

    empty = client.post(reverse("reporting:report_return", args=[report.pk]), {"reason": ""})
    given = client.post(reverse("reporting:report_return", args=[report.pk]), {"reason": "请补充宣传活动场次。"})

    assert empty.status_code == 400 and "请填写退回理由" in page(empty)
    assert given.status_code == 302
    county = login(world.county_admin).get(report.get_absolute_url())
    assert "请补充宣传活动场次。" in page(county) and "重新报送" in page(county)


def test_the_call_list_counts_the_reports(world, login):
    submitted(world)

    response = login(world.city_admin).get(reverse("reporting:calls"))

    assert response.status_code == 200 and "1 / 2" in page(response)


def test_the_county_sees_an_empty_call_list(world, login):
    response = login(world.county_admin).get(reverse("reporting:calls"))

    assert "还没有下发的报送通知" in page(response) and reverse("reporting:call_create") not in page(response)


def test_the_overview_exports_each_county_s_status(world, login):
    submitted(world)

    response = login(world.city_admin).get(reverse("reporting:call_xlsx", args=[world.call.pk]))

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert [row[1:4] + row[5:7] for row in rows] == [
        ("370321", "桓台县", "待报送", "未到截止日期", None), ("370322", "高青县", "已报送", "按时报送", "高人社字〔2025〕7号")]
    assert AuditRecord.objects.filter(event=AuditEvent.EXPORT, object_type="reporting.reportcall").count() == 1
