"""Chinese working-day calendar (国务院办公厅 节假日安排).

Why this exists: the publicity period (公示期) of an evaluation result is
5 *working* days and the publication day itself counts as day 1 when it is a
working day.  "Working day" follows the State Council holiday schedule,
including weekend make-up workdays (调休上班), so plain Monday–Friday
arithmetic is wrong around every holiday.

Sources, in order of precedence:
1. ``WorkdayOverride`` rows entered by an admin (always win);
2. years an admin marked complete (``HolidayScheduleYear.is_complete``):
   Monday–Friday work, weekends off, every holiday / make-up day is an override;
3. the ``chinese_calendar`` package for the years it ships data for;
4. otherwise we refuse (``CalendarYearUnknown``) – a wrong deadline is worse
   than an error asking the admin to enter the year's schedule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import chinese_calendar
from django.apps import apps
from django.core.cache import cache
from django.utils.translation import gettext, gettext_noop

CACHE_KEY = "portal:workday-calendar"
CACHE_TIMEOUT = 60 * 60  # 1 hour; invalidate_calendar() clears it on admin edits


def _unknown_year_message(year: int) -> str:
    msgid = gettext_noop(
        "尚未录入%(year)s年的节假日安排（国务院办公厅通知），无法计算工作日。"
        "请系统管理员在“节假日安排”中录入。"
    )
    # Translation needs configured settings and a ready app registry; the pure
    # calendar is also used (and tested) without Django, then the msgid is the
    # message.
    if apps.ready:
        msgid = gettext(msgid)
    return msgid % {"year": year}


class CalendarYearUnknown(Exception):
    """No authoritative holiday schedule for ``year``: we never guess."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(_unknown_year_message(year))

    def __reduce__(self):  # picklable (e.g. through Celery) despite custom __init__
        return (type(self), (self.year,))


@dataclass(frozen=True)
class WorkdayCalendar:
    overrides: Mapping[date, bool]  # admin-entered date -> working?; wins over everything
    covered_years: frozenset[int]  # years whose schedule an admin declared fully entered
    use_package: bool = True  # consult chinese_calendar for the years it knows

    def __post_init__(self):
        # Own plain copies: immutable in practice, and picklable for the cache.
        object.__setattr__(self, "overrides", dict(self.overrides))
        object.__setattr__(self, "covered_years", frozenset(self.covered_years))

    def is_working_day(self, d: date) -> bool:
        if isinstance(d, datetime) or not isinstance(d, date):
            # A datetime would silently miss the date-keyed overrides.
            raise TypeError(f"expected datetime.date, got {type(d).__name__}")
        if d in self.overrides:
            return bool(self.overrides[d])
        if d.year in self.covered_years:
            return d.weekday() < 5
        if self.use_package:
            try:
                return chinese_calendar.is_workday(d)
            except NotImplementedError:  # year outside the package's data
                pass
        raise CalendarYearUnknown(d.year)

    def add_working_days(self, start: date, n: int) -> date:
        """Date of working day ``n``; day 1 is ``start`` if it is a working day,
        otherwise the next working day (publication on a Sunday/holiday).

        Publicity (公示期) ends on ``add_working_days(published_on, 5)``: the
        publication day counts as day 1 under the seed rule."""
        if n < 1:
            raise ValueError("n must be >= 1")
        d = start
        count = 0
        while True:
            if self.is_working_day(d):
                count += 1
                if count == n:
                    return d
            d += timedelta(days=1)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in ``[start, end]`` (both inclusive); 0 if end < start."""
        count = 0
        d = start
        while d <= end:
            count += self.is_working_day(d)
            d += timedelta(days=1)
        return count


# --- database-backed calendar -------------------------------------------------


def _build_calendar() -> WorkdayCalendar:
    from portal.models import HolidayScheduleYear, WorkdayOverride

    return WorkdayCalendar(
        overrides=dict(WorkdayOverride.objects.values_list("date", "is_working_day")),
        covered_years=frozenset(
            HolidayScheduleYear.objects.filter(is_complete=True).values_list("year", flat=True)
        ),
    )


def get_calendar() -> WorkdayCalendar:
    calendar = cache.get(CACHE_KEY)
    if calendar is None:
        calendar = _build_calendar()
        cache.set(CACHE_KEY, calendar, CACHE_TIMEOUT)
    return calendar


def invalidate_calendar() -> None:
    """Call after saving/deleting a WorkdayOverride or HolidayScheduleYear."""
    from django.db import transaction

    cache.delete(CACHE_KEY)
    # Again after commit: a concurrent request may have re-cached the
    # pre-commit data in between.  (Outside a transaction this runs at once.)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def is_working_day(d: date) -> bool:
    return get_calendar().is_working_day(d)


def add_working_days(start: date, n: int) -> date:
    return get_calendar().add_working_days(start, n)


def working_days_between(start: date, end: date) -> int:
    return get_calendar().working_days_between(start, end)
