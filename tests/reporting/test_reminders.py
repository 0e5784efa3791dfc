"""Reminders of an unsubmitted report: 3 days before the deadline (15 December 2025), on the day and each day after,
once a day at most, and never after the report was submitted."""

from datetime import date

import pytest

from portal.models import Notification
from reporting import tasks
from reporting.enums import ReminderKind
from reporting.models import ReportReminder
from reporting.reminders import reports_remind
from tests.reporting.world import BEFORE_DEADLINE, BUILT_AT, build, submitted
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=BEFORE_DEADLINE)


def reminded(user) -> list[str]:
    return list(Notification.objects.filter(user=user, text__contains="截止").order_by("pk").values_list("text", flat=True))


def test_reminded_three_days_before_on_the_day_and_each_day_after(world):
    days = {day: reports_remind(date(2025, 12, day)) for day in range(10, 19)}

    assert days == {10: 0, 11: 0, 12: 2, 13: 0, 14: 0, 15: 2, 16: 2, 17: 2, 18: 2}
    kinds = ReportReminder.objects.filter(report=world.reports["高青县"]).order_by("sent_on").values_list("kind", flat=True)
    assert list(kinds) == [ReminderKind.BEFORE, ReminderKind.DUE, *[ReminderKind.OVERDUE] * 3]
    assert reminded(world.county_admin)[:2] == [
        "高青县的2025年度就业服务质量标杆机构评定结果和宣传情况将于2025年12月15日截止，请按时报送。",
        "高青县的2025年度就业服务质量标杆机构评定结果和宣传情况今天（2025年12月15日）截止，请按时报送。",
    ]


def test_at_most_once_a_day(world):
    first, again = reports_remind(date(2025, 12, 16)), reports_remind(date(2025, 12, 16))

    assert (first, again) == (2, 0)
    assert len(reminded(world.county_admin)) == 1


def test_not_after_submission(world):
    submitted(world)

    count = reports_remind(date(2025, 12, 16))

    assert count == 1
    assert reminded(world.county_admin) == []
    assert reminded(world.other_admin) == ["桓台县的2025年度就业服务质量标杆机构评定结果和宣传情况已逾期（截止日期2025年12月15日），请尽快报送。"]


def test_the_task_reminds_as_of_today(world, time_machine):
    time_machine.move_to(BEFORE_DEADLINE.replace(day=12), tick=False)

    assert tasks.reports_remind() == 2
    assert ReportReminder.objects.filter(sent_on=date(2025, 12, 12)).count() == 2
