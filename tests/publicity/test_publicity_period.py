"""The publicity period (publicity.services.publicity_period) against the State Council schedules of 2024–2026.

Day 1 is the publication day when it is a working day, otherwise the next working day; the period closes at 00:00
Beijing time of the day after its last day. Each expectation is also checked against `chinese_calendar` itself.
"""

from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest

from portal.transitions import Refused
from publicity.models import PublicityNotice
from publicity.services import SHANGHAI, publicity_period
from tests.publicity.publicity_builders import at, listed_round, publish

pytestmark = pytest.mark.django_db


def counted_by_hand(published_on: date, days: int) -> tuple[date, date]:
    """The same rule, counted day by day on chinese_calendar: an independent check of the literal expectations."""
    day = published_on
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    start, counted = day, 1
    while counted < days:
        day += timedelta(days=1)
        counted += chinese_calendar.is_workday(day)
    return start, day


CASES = [
    # 2026 National Day: 1–7 Oct off, Sat 10 Oct a make-up working day.
    pytest.param(date(2026, 9, 28), 5, date(2026, 9, 28), date(2026, 10, 9), id="2026-mon-before-national-day"),
    pytest.param(date(2026, 10, 9), 5, date(2026, 10, 9), date(2026, 10, 14), id="2026-fri-then-make-up-saturday"),
    pytest.param(date(2026, 10, 4), 5, date(2026, 10, 8), date(2026, 10, 13), id="2026-sunday-in-holiday"),
    pytest.param(date(2026, 9, 27), 5, date(2026, 9, 28), date(2026, 10, 9), id="2026-plain-sunday"),
    # 2026 Spring Festival: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb make-up working days.
    pytest.param(date(2026, 2, 14), 5, date(2026, 2, 14), date(2026, 2, 27), id="2026-make-up-saturday-is-day-1"),
    pytest.param(date(2026, 2, 12), 5, date(2026, 2, 12), date(2026, 2, 25), id="2026-across-spring-festival"),
    # 2025 National Day: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct make-up working days.
    pytest.param(date(2025, 9, 26), 5, date(2025, 9, 26), date(2025, 10, 9), id="2025-fri-then-make-up-sunday"),
    pytest.param(date(2025, 9, 27), 5, date(2025, 9, 28), date(2025, 10, 10), id="2025-saturday-day-1-make-up-sunday"),
    pytest.param(date(2025, 10, 1), 5, date(2025, 10, 9), date(2025, 10, 14), id="2025-holiday-through-make-up-sat"),
    # 2025 Spring Festival: 28 Jan–4 Feb off, Sun 26 Jan and Sat 8 Feb make-up working days.
    pytest.param(date(2025, 1, 24), 5, date(2025, 1, 24), date(2025, 2, 6), id="2025-across-spring-festival"),
    pytest.param(date(2025, 1, 26), 5, date(2025, 1, 26), date(2025, 2, 7), id="2025-make-up-sunday-is-day-1"),
    # 2024 National Day: 1–7 Oct off, Sun 29 Sep and Sat 12 Oct make-up working days.
    pytest.param(date(2024, 9, 27), 5, date(2024, 9, 27), date(2024, 10, 9), id="2024-fri-then-make-up-sunday"),
    pytest.param(date(2024, 9, 28), 5, date(2024, 9, 29), date(2024, 10, 10), id="2024-saturday-day-1-make-up-sunday"),
    pytest.param(date(2024, 10, 1), 5, date(2024, 10, 8), date(2024, 10, 12), id="2024-ends-on-make-up-saturday"),
    # 2024 Spring Festival: 10–17 Feb off, Sun 4 Feb and Sat 18 Feb make-up working days.
    pytest.param(date(2024, 2, 3), 5, date(2024, 2, 4), date(2024, 2, 8), id="2024-make-up-sunday-is-day-1"),
    pytest.param(date(2024, 2, 8), 5, date(2024, 2, 8), date(2024, 2, 20), id="2024-across-spring-festival"),
    # A programme with 7 working days.
    pytest.param(date(2026, 9, 28), 7, date(2026, 9, 28), date(2026, 10, 12), id="2026-seven-days"),
]


@pytest.mark.parametrize(("published_on", "days", "starts_on", "ends_on"), CASES)
def test_period_follows_the_holiday_schedule(published_on, days, starts_on, ends_on):
    period = publicity_period(published_on, days)

    assert counted_by_hand(published_on, days) == (starts_on, ends_on)
    assert (period.starts_on, period.ends_on, period.working_days) == (starts_on, ends_on, days)
    assert period.closes_at == datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=SHANGHAI)


def test_period_closes_at_midnight_beijing_time():
    period = publicity_period(date(2026, 9, 28), 5)

    assert period.closes_at == at(2026, 10, 10)
    assert period.closes_at.astimezone(SHANGHAI).isoformat() == "2026-10-10T00:00:00+08:00"


@pytest.mark.parametrize(
    ("published_on", "year"),
    [
        pytest.param(date(2031, 3, 3), 2031, id="unknown-year"),
        pytest.param(date(2026, 12, 29), 2027, id="runs-into-2027"),
    ],
)
def test_period_in_a_year_the_calendar_does_not_know_is_refused_with_the_reason(published_on, year):
    with pytest.raises(Refused) as refused:
        publicity_period(published_on, 5)

    assert str(refused.value) == (
        f"无法计算公示期：尚未录入{year}年的节假日安排（国务院办公厅通知），无法计算工作日。请系统管理员在“节假日安排”中录入。"
    )


def test_publishing_in_a_year_the_calendar_does_not_know_is_refused_and_changes_nothing():
    listed = listed_round()

    with pytest.raises(Refused) as refused:
        publish(listed, at(2031, 3, 3, 9))

    assert str(refused.value).startswith("无法计算公示期：尚未录入2031年的节假日安排")
    assert PublicityNotice.objects.count() == 0
    listed.round.shortlist.refresh_from_db()
    assert listed.round.shortlist.frozen_at is None
