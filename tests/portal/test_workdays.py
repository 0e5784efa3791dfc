"""Working-day calendar against the official State Council holiday schedules.

The pure ``WorkdayCalendar`` tests need neither settings nor a database
(run with ``-p no:django``); the DB-backed tests at the bottom run only when
pytest-django has set Django up.
"""

import pickle
from datetime import date, datetime, timedelta

import pytest
from django.apps import apps
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from portal.workdays import CalendarYearUnknown, WorkdayCalendar


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


D = date

# 国务院办公厅关于2024/2025/2026年部分节假日安排的通知.
# Holiday blocks: every day declared off (放假调休), weekends included.
# Make-up workdays: every weekend day declared a working day (上班).
OFFICIAL = {
    2024: {
        "holidays": {
            "元旦": _days(D(2024, 1, 1), D(2024, 1, 1)),
            "春节": _days(D(2024, 2, 10), D(2024, 2, 17)),
            "清明节": _days(D(2024, 4, 4), D(2024, 4, 6)),
            "劳动节": _days(D(2024, 5, 1), D(2024, 5, 5)),
            "端午节": _days(D(2024, 6, 10), D(2024, 6, 10)),
            "中秋节": _days(D(2024, 9, 15), D(2024, 9, 17)),
            "国庆节": _days(D(2024, 10, 1), D(2024, 10, 7)),
        },
        "makeup": [
            D(2024, 2, 4),  # Sun, 春节
            D(2024, 2, 18),  # Sun, 春节
            D(2024, 4, 7),  # Sun, 清明
            D(2024, 4, 28),  # Sun, 劳动节
            D(2024, 5, 11),  # Sat, 劳动节
            D(2024, 9, 14),  # Sat, 中秋
            D(2024, 9, 29),  # Sun, 国庆
            D(2024, 10, 12),  # Sat, 国庆
        ],
    },
    2025: {
        "holidays": {
            "元旦": _days(D(2025, 1, 1), D(2025, 1, 1)),
            "春节": _days(D(2025, 1, 28), D(2025, 2, 4)),
            "清明节": _days(D(2025, 4, 4), D(2025, 4, 6)),
            "劳动节": _days(D(2025, 5, 1), D(2025, 5, 5)),
            "端午节": _days(D(2025, 5, 31), D(2025, 6, 2)),
            "国庆节、中秋节": _days(D(2025, 10, 1), D(2025, 10, 8)),
        },
        "makeup": [
            D(2025, 1, 26),  # Sun, 春节
            D(2025, 2, 8),  # Sat, 春节
            D(2025, 4, 27),  # Sun, 劳动节
            D(2025, 9, 28),  # Sun, 国庆
            D(2025, 10, 11),  # Sat, 国庆
        ],
    },
    2026: {
        "holidays": {
            "元旦": _days(D(2026, 1, 1), D(2026, 1, 3)),
            "春节": _days(D(2026, 2, 15), D(2026, 2, 23)),
            "清明节": _days(D(2026, 4, 4), D(2026, 4, 6)),
            "劳动节": _days(D(2026, 5, 1), D(2026, 5, 5)),
            "端午节": _days(D(2026, 6, 19), D(2026, 6, 21)),
            "中秋节": _days(D(2026, 9, 25), D(2026, 9, 27)),
            "国庆节": _days(D(2026, 10, 1), D(2026, 10, 7)),
        },
        "makeup": [
            D(2026, 1, 4),  # Sun, 元旦
            D(2026, 2, 14),  # Sat, 春节
            D(2026, 2, 28),  # Sat, 春节
            D(2026, 5, 9),  # Sat, 劳动节
            D(2026, 9, 20),  # Sun, 国庆
            D(2026, 10, 10),  # Sat, 国庆
        ],
    },
}

HOLIDAY_CASES = [
    pytest.param(d, id=f"{d.isoformat()}-{name}")
    for year in OFFICIAL.values()
    for name, block in year["holidays"].items()
    for d in block
]
MAKEUP_CASES = [pytest.param(d, id=d.isoformat()) for year in OFFICIAL.values() for d in year["makeup"]]


def expected_working(d: date) -> bool:
    schedule = OFFICIAL[d.year]
    if d in schedule["makeup"]:
        return True
    if any(d in block for block in schedule["holidays"].values()):
        return False
    return d.weekday() < 5


def official_overrides(year: int) -> dict[date, bool]:
    """What an admin would enter for a covered year."""
    schedule = OFFICIAL[year]
    overrides = {d: False for block in schedule["holidays"].values() for d in block}
    overrides.update({d: True for d in schedule["makeup"]})
    return overrides


PACKAGE = WorkdayCalendar(overrides={}, covered_years=frozenset())


# --- the official schedules ---------------------------------------------------


def test_reference_make_up_days_are_weekends():
    for schedule in OFFICIAL.values():
        for d in schedule["makeup"]:
            assert d.weekday() >= 5, d


@pytest.mark.parametrize("d", HOLIDAY_CASES)
def test_holiday_is_not_a_working_day(d):
    assert PACKAGE.is_working_day(d) is False


@pytest.mark.parametrize("d", MAKEUP_CASES)
def test_make_up_weekend_is_a_working_day(d):
    assert PACKAGE.is_working_day(d) is True


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_package_matches_official_schedule_for_every_day(year):
    # No extra or missing holiday / make-up day anywhere in the year.
    mismatches = [d for d in _days(D(year, 1, 1), D(year, 12, 31)) if PACKAGE.is_working_day(d) != expected_working(d)]
    assert mismatches == []


@pytest.mark.parametrize("year", sorted(OFFICIAL))
def test_admin_entered_year_reproduces_official_schedule(year):
    # Covered year entered by hand, package switched off: same answers.
    cal = WorkdayCalendar(overrides=official_overrides(year), covered_years=frozenset({year}), use_package=False)
    mismatches = [d for d in _days(D(year, 1, 1), D(year, 12, 31)) if cal.is_working_day(d) != expected_working(d)]
    assert mismatches == []


@pytest.mark.parametrize(
    "d, working",
    [
        (D(2024, 9, 30), True),  # Mon between the 9/29 make-up and 国庆
        (D(2024, 10, 8), True),
        (D(2025, 9, 27), False),  # ordinary Saturday before the 9/28 make-up
        (D(2025, 10, 9), True),
        (D(2026, 10, 8), True),
        (D(2026, 10, 11), False),  # Sunday after the 10/10 make-up
        (D(2026, 12, 31), True),
    ],
)
def test_ordinary_days(d, working):
    assert PACKAGE.is_working_day(d) is working


# --- publicity periods (5 working days, publication day = day 1) --------------


@pytest.mark.parametrize(
    "start, n, end",
    [
        # spanning National Day
        (D(2024, 9, 27), 5, D(2024, 10, 9)),  # Fri; Sun 9/29 is day 2
        (D(2024, 9, 30), 5, D(2024, 10, 11)),
        (D(2025, 9, 26), 5, D(2025, 10, 9)),  # Fri; Sun 9/28 is day 2; 10/1–10/8 off
        (D(2025, 9, 30), 5, D(2025, 10, 13)),  # 9/30, 10/9, 10/10, Sat 10/11, 10/13
        (D(2026, 9, 28), 5, D(2026, 10, 9)),
        (D(2026, 9, 18), 5, D(2026, 9, 23)),  # Fri; Sun 9/20 is day 2
        # day 2 is a make-up Saturday
        (D(2024, 10, 11), 5, D(2024, 10, 16)),
        (D(2025, 10, 10), 5, D(2025, 10, 15)),
        (D(2026, 10, 9), 5, D(2026, 10, 14)),
        (D(2026, 10, 9), 2, D(2026, 10, 10)),
        # published on a Sunday / holiday: day 1 is the next working day
        (D(2025, 3, 2), 5, D(2025, 3, 7)),  # Sun
        (D(2026, 10, 1), 5, D(2026, 10, 13)),  # 国庆 -> 10/8 .. 10/13 (Sat 10/10 counts)
        (D(2026, 2, 16), 1, D(2026, 2, 24)),  # 春节
        (D(2024, 5, 1), 5, D(2024, 5, 10)),  # 劳动节 -> 5/6 .. 5/10
        (D(2024, 5, 4), 6, D(2024, 5, 11)),  # ... and day 6 is the make-up Sat 5/11
        # published on a make-up weekend day: it is day 1
        (D(2024, 2, 4), 1, D(2024, 2, 4)),
        (D(2026, 2, 28), 5, D(2026, 3, 5)),
        # n=1 on an ordinary working day is the day itself
        (D(2026, 3, 10), 1, D(2026, 3, 10)),
        # across New Year (known years)
        (D(2024, 12, 30), 5, D(2025, 1, 6)),
        (D(2025, 12, 29), 5, D(2026, 1, 5)),  # Sun 2026-01-04 is day 4
        (D(2026, 12, 30), 2, D(2026, 12, 31)),  # stays inside 2026: no error
    ],
)
def test_add_working_days(start, n, end):
    assert PACKAGE.add_working_days(start, n) == end


@pytest.mark.parametrize("n", [0, -1])
def test_add_working_days_requires_positive_n(n):
    with pytest.raises(ValueError):
        PACKAGE.add_working_days(D(2026, 3, 10), n)


@pytest.mark.parametrize(
    "start, end, count",
    [
        (D(2026, 9, 28), D(2026, 10, 9), 5),
        (D(2026, 10, 9), D(2026, 10, 14), 5),
        (D(2025, 9, 28), D(2025, 9, 28), 1),  # make-up Sunday alone
        (D(2025, 10, 1), D(2025, 10, 8), 0),
        (D(2026, 10, 9), D(2026, 10, 1), 0),  # end before start
    ],
)
def test_working_days_between(start, end, count):
    assert PACKAGE.working_days_between(start, end) == count


@hyp_settings(max_examples=200, deadline=None)
@given(start=st.dates(D(2024, 1, 1), D(2026, 11, 30)), n=st.integers(1, 20))
def test_add_and_between_agree(start, n):
    end = PACKAGE.add_working_days(start, n)
    assert PACKAGE.is_working_day(end)
    assert PACKAGE.working_days_between(start, end) == n


# --- unknown years: never guess -------------------------------------------------


@pytest.mark.parametrize(
    "call, year",
    [
        (lambda: PACKAGE.add_working_days(D(2026, 12, 30), 5), 2027),  # 12/30, 12/31, then 2027
        (lambda: PACKAGE.add_working_days(D(2027, 3, 1), 1), 2027),
        (lambda: PACKAGE.is_working_day(D(2027, 1, 4)), 2027),
        (lambda: PACKAGE.is_working_day(D(2003, 6, 2)), 2003),  # before the package's data
        (lambda: PACKAGE.working_days_between(D(2026, 12, 31), D(2027, 1, 1)), 2027),
        # package switched off and year not covered
        (lambda: WorkdayCalendar({}, frozenset(), use_package=False).is_working_day(D(2025, 3, 3)), 2025),
        # overrides alone do not make a year known
        (
            lambda: WorkdayCalendar({D(2027, 1, 1): False}, frozenset()).add_working_days(D(2026, 12, 30), 5),
            2027,
        ),
    ],
)
def test_unknown_year_raises(call, year):
    with pytest.raises(CalendarYearUnknown) as excinfo:
        call()
    assert excinfo.value.year == year
    assert str(year) in str(excinfo.value)


def test_unknown_year_message():
    # Without Django set up the msgid is used as is; with Django it goes
    # through gettext (identity for Chinese, the source language).
    expected = "尚未录入2027年的节假日安排（国务院办公厅通知），无法计算工作日。请系统管理员在“节假日安排”中录入。"
    if apps.ready:
        from django.utils import translation

        with translation.override("zh-hans"):
            assert str(CalendarYearUnknown(2027)) == expected
    else:
        assert str(CalendarYearUnknown(2027)) == expected


def test_unknown_year_error_pickles():
    err = pickle.loads(pickle.dumps(CalendarYearUnknown(2027)))
    assert err.year == 2027
    assert "2027" in str(err)


# --- admin overrides ------------------------------------------------------------

# Illustrative 2027 entries for the tests, NOT the official 2027 schedule.
FAKE_2027 = WorkdayCalendar(
    overrides={D(2027, 1, 1): False, D(2027, 1, 9): True},  # Fri off, Sat working
    covered_years=frozenset({2027}),
)


@pytest.mark.parametrize(
    "start, n, end",
    [
        (D(2026, 12, 30), 5, D(2027, 1, 6)),  # 12/30, 12/31, [1/1 off], 1/4, 1/5, 1/6
        (D(2027, 1, 8), 2, D(2027, 1, 9)),  # Sat 1/9 entered as working day
        (D(2027, 1, 8), 3, D(2027, 1, 11)),  # Sun 1/10: plain weekend of covered year
    ],
)
def test_covered_year_with_overrides(start, n, end):
    assert FAKE_2027.add_working_days(start, n) == end


def test_covered_year_beyond_it_still_unknown():
    with pytest.raises(CalendarYearUnknown) as excinfo:
        FAKE_2027.is_working_day(D(2028, 1, 3))
    assert "2028" in str(excinfo.value)


@pytest.mark.parametrize(
    "overrides, d, working",
    [
        ({D(2026, 10, 10): False}, D(2026, 10, 10), False),  # make-up cancelled
        ({D(2026, 10, 5): True}, D(2026, 10, 5), True),  # holiday turned working
        ({D(2026, 3, 10): False}, D(2026, 3, 10), False),  # local day off on a Tuesday
        ({D(2026, 3, 14): True}, D(2026, 3, 14), True),  # Saturday turned working
    ],
)
def test_override_beats_package(overrides, d, working):
    assert PACKAGE.is_working_day(d) is not working
    assert WorkdayCalendar(overrides, frozenset()).is_working_day(d) is working


def test_override_changes_publicity_end():
    cal = WorkdayCalendar({D(2026, 10, 10): False}, frozenset())
    assert cal.add_working_days(D(2026, 10, 9), 5) == D(2026, 10, 15)


def test_covered_year_takes_precedence_over_package():
    # Declared complete but nothing entered: plain Mon–Fri, package ignored.
    cal = WorkdayCalendar({}, frozenset({2026}))
    assert cal.is_working_day(D(2026, 10, 1)) is True  # Thursday
    assert cal.is_working_day(D(2026, 10, 10)) is False  # Saturday


def test_datetime_is_rejected():
    with pytest.raises(TypeError):
        PACKAGE.is_working_day(datetime(2026, 3, 10, 9, 0))


def test_calendar_pickles_for_the_cache():
    cal = WorkdayCalendar({D(2027, 1, 1): False}, {2027})
    copy = pickle.loads(pickle.dumps(cal))
    assert copy == cal
    assert copy.covered_years == frozenset({2027})


# --- database-backed functions (need pytest-django and config.settings) --------

django_db = pytest.mark.django_db if apps.ready else pytest.mark.skip(reason="Django is not set up")

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "workdays-tests"}}


@pytest.fixture
def fresh_cache(settings):
    from portal.workdays import invalidate_calendar

    settings.CACHES = LOCMEM
    invalidate_calendar()
    yield
    invalidate_calendar()


@django_db
def test_get_calendar_reads_the_database(fresh_cache):
    from portal.models import HolidayScheduleYear, WorkdayOverride
    from portal.workdays import add_working_days, get_calendar, is_working_day

    HolidayScheduleYear.objects.create(year=2027, is_complete=True, source="test")
    HolidayScheduleYear.objects.create(year=2028, is_complete=False, source="test")
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_working_day=False, note="test")
    WorkdayOverride.objects.create(date=D(2026, 10, 10), is_working_day=False, note="test")

    cal = get_calendar()
    assert cal.covered_years == frozenset({2027})
    assert cal.overrides == {D(2027, 1, 1): False, D(2026, 10, 10): False}
    assert is_working_day(D(2026, 10, 10)) is False
    assert add_working_days(D(2026, 12, 30), 5) == D(2027, 1, 6)
    with pytest.raises(CalendarYearUnknown):
        is_working_day(D(2028, 3, 1))  # 2028 not complete


@django_db
def test_get_calendar_is_cached_until_invalidated(fresh_cache, django_assert_num_queries):
    from portal.models import WorkdayOverride
    from portal.workdays import get_calendar, invalidate_calendar

    assert get_calendar().is_working_day(D(2026, 3, 10)) is True
    WorkdayOverride.objects.create(date=D(2026, 3, 10), is_working_day=False, note="test")
    with django_assert_num_queries(0):
        assert get_calendar().is_working_day(D(2026, 3, 10)) is True  # stale cache
    invalidate_calendar()
    assert get_calendar().is_working_day(D(2026, 3, 10)) is False
