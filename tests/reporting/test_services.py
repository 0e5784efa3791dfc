"""The call and the report's moves (seed 000's last paragraph): issue, save, submit, receive, return, submit again, with
their refusals, who is told, and on time or late."""

from datetime import date

import pytest

from portal.models import Notification
from portal.transitions import Refused, TransitionError
from reporting import services
from reporting.enums import ReportStatus, Timeliness
from reporting.models import UpwardReport
from reporting.selectors import home_context, timeliness
from tests.factories import RegionFactory
from tests.reporting.world import BEFORE_DEADLINE, BUILT_AT, PUBLICITY, at, build, submitted
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=BEFORE_DEADLINE)


def texts(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("text", flat=True))


def test_issue_gives_each_county_a_draft_and_tells_its_admin(world):
    statuses = {name: report.status for name, report in world.reports.items()}

    assert statuses == {"高青县": ReportStatus.DRAFT, "桓台县": ReportStatus.DRAFT}
    assert (world.call.deadline, world.call.subject) == (date(2025, 12, 15), "2025年度就业服务质量标杆机构评定结果和宣传情况")
    assert texts(world.county_admin) == [
        "淄博市人力资源和社会保障局下发报送通知：请于2025年12月15日前报送2025年度就业服务质量标杆机构评定结果和宣传情况。"]
    assert texts(world.city_admin) == []


def test_issue_refuses_a_region_not_directly_below(world):
    elsewhere = RegionFactory(code="370102", name="历下区")

    with pytest.raises(Refused, match="只能向本级直属的下级区划"):
        services.call_issue(region=world.city, year=2026, actor=world.city_admin, recipients=[world.gaoqing, elsewhere])


def test_issue_refuses_a_second_call_of_the_year(world):
    with pytest.raises(Refused, match="2025年度的报送通知已经下发"):
        services.call_issue(region=world.city, year=2025, actor=world.city_admin, recipients=[world.gaoqing])


def test_issue_refuses_a_deadline_already_past(world):
    with pytest.raises(Refused, match="报送截止日期不能早于今天"):
        services.call_issue(region=world.city, year=2024, actor=world.city_admin, recipients=[world.gaoqing])


def test_submit_without_text_or_serial_names_both_and_stays_a_draft(world):
    report = world.reports["高青县"]

    with pytest.raises(Refused) as refused:
        services.report_submit(report=report, actor=world.county_admin)

    assert str(refused.value) == "请填写宣传情况。请填写文号序号。"
    report.refresh_from_db()
    assert (report.status, report.first_submitted_at) == (ReportStatus.DRAFT, None)


def test_submit_takes_the_figures_and_the_number_and_tells_the_city(world):
    report = submitted(world)

    assert report.status == ReportStatus.SUBMITTED
    assert (report.document_number, report.written_on) == ("高人社字〔2025〕7号", date(2025, 12, 1))
    assert report.figures["region"] == {"code": "370322", "name": "高青县"}
    assert report.figures["totals"]["awarded"] == 0
    assert report.first_submitted_at == report.submitted_at == BEFORE_DEADLINE
    assert texts(world.city_admin) == ["高青县报送了2025年度就业服务质量标杆机构评定结果和宣传情况（高人社字〔2025〕7号），请审阅签收。"]


def test_a_submitted_report_is_not_changed(world):
    report = submitted(world)

    with pytest.raises(Refused, match="报告已报送，不能修改"):
        services.report_save(report=report, actor=world.county_admin, publicity_text="改", doc_serial=8)


def test_a_number_already_used_is_refused_and_the_next_one_offered(world):
    earlier = services.call_issue(region=world.city, year=2024, actor=world.city_admin, recipients=[world.gaoqing],
                                  deadline=date(2025, 12, 31))
    world.reports["2024"] = earlier.reports.get()
    first = world.reports["2024"]
    services.report_save(report=first, actor=world.county_admin, publicity_text=PUBLICITY, doc_serial=7)
    services.report_submit(report=first, actor=world.county_admin)
    report = world.reports["高青县"]
    services.report_save(report=report, actor=world.county_admin, publicity_text=PUBLICITY, doc_serial=7)

    with pytest.raises(Refused, match=r"文号高人社字〔2025〕7号已被使用"):
        services.report_submit(report=report, actor=world.county_admin)
    assert services.next_serial("高人社字", 2025) == 8
    assert services.serial_suggestion(UpwardReport(call=world.call, region=world.gaoqing)) == 8


def test_receive_is_final_and_tells_the_county(world):
    report = services.report_receive(report=submitted(world), actor=world.city_admin, now=at(2025, 12, 2, 9))

    assert (report.status, report.decided_by, report.decided_at) == (ReportStatus.RECEIVED, world.city_admin, at(2025, 12, 2, 9))
    assert texts(world.county_admin)[-1] == "淄博市人力资源和社会保障局已签收高青县报送的2025年度就业服务质量标杆机构评定结果和宣传情况。"
    with pytest.raises(TransitionError, match="报告当前状态为“已签收”，不能退回"):
        services.report_return(report=report, actor=world.city_admin, reason="补充")


def test_a_draft_can_be_neither_received_nor_returned(world):
    with pytest.raises(TransitionError, match="报告当前状态为“待报送”，不能签收"):
        services.report_receive(report=world.reports["高青县"], actor=world.city_admin)


def test_return_needs_a_reason(world):
    with pytest.raises(Refused, match="请填写退回理由"):
        services.report_return(report=submitted(world), actor=world.city_admin, reason="  ")


@pytest.mark.history
def test_returned_then_submitted_again_keeps_the_first_submission(world):
    report = submitted(world)
    returned = services.report_return(report=report, actor=world.city_admin, reason="请补充宣传活动场次。", now=at(2025, 12, 3, 9))
    services.report_save(report=returned, actor=world.county_admin, publicity_text=PUBLICITY + "共8场。", doc_serial=7)

    again = services.report_submit(report=returned, actor=world.county_admin, now=at(2025, 12, 20, 9))

    assert (again.status, again.first_submitted_at, again.submitted_at) == (
        ReportStatus.SUBMITTED, BEFORE_DEADLINE, at(2025, 12, 20, 9))
    assert timeliness(again) == Timeliness.ON_TIME  # late only by its first submission
    assert "退回了高青县报送的2025年度就业服务质量标杆机构评定结果和宣传情况，理由：请补充宣传活动场次。" in texts(world.county_admin)[-1]
    reasons = list(again.history.order_by("history_id").values_list("history_change_reason", flat=True))
    assert reasons[-5:] == ["保存草稿", "报送", "退回：请补充宣传活动场次。", "保存草稿", "报送"]


@pytest.mark.parametrize(("submitted_at", "today", "expected"), [
    (at(2025, 12, 15, 23, 59), None, Timeliness.ON_TIME),
    (at(2025, 12, 16, 0, 1), None, Timeliness.LATE),
    (None, date(2025, 12, 15), Timeliness.OPEN),
    (None, date(2025, 12, 16), Timeliness.OVERDUE),
])
def test_late_is_after_the_deadline_day_in_beijing(world, submitted_at, today, expected):
    report = world.reports["高青县"]
    report.first_submitted_at = submitted_at

    assert timeliness(report, today) == expected


def test_the_home_lists_what_is_due_and_what_waits_to_be_received(world):
    submitted(world, "桓台县")

    county, city = home_context(world.county_admin), home_context(world.city_admin)

    assert [row["report"].region.name for row in county["reports_due"]] == ["高青县"]
    assert (county["issues_calls"], county["reports_to_receive"]) == (False, 0)  # a county asks nobody: no such figure
    assert (city["reports_due"], city["issues_calls"], city["reports_to_receive"]) == ([], True, 1)
