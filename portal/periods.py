"""The national five-year plan periods (五年规划时期) that programmes, quotas and targets are counted in.

A programme runs for one period (seed 001: 「到2025年」 is the end of 十四五) and stores its name and dates
(`Programme.period_name`, `period_start`, `period_end`): the programme form picks one of these and fills the three.
The names are stored as the documents print them (“十四五”时期), whatever the language of the page that saved them.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    key: str
    name: str
    start: date
    end: date

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """「“十四五”时期（2021年1月1日至2025年12月31日）」, for choices and pages."""
        return _("%(name)s（%(start)s至%(end)s）") % {
            "name": self.name, "start": _chinese_date(self.start), "end": _chinese_date(self.end),
        }

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


THIRTEENTH = Period("13", "“十三五”时期", date(2016, 1, 1), date(2020, 12, 31))
FOURTEENTH = Period("14", "“十四五”时期", date(2021, 1, 1), date(2025, 12, 31))
FIFTEENTH = Period("15", "“十五五”时期", date(2026, 1, 1), date(2030, 12, 31))
PERIODS = (THIRTEENTH, FOURTEENTH, FIFTEENTH)


def _chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_by_key(key: str | None) -> Period | None:
    return next((period for period in PERIODS if period.key == key), None)


def period_containing(day: date) -> Period | None:
    """The period `day` falls in, or None before the first and after the last."""
    return next((period for period in PERIODS if period.contains(day)), None)


def period_of(day: date) -> Period:
    """The period `day` falls in; the last one after every period, the first before (a default that always exists)."""
    found = period_containing(day)
    if found is not None:
        return found
    return PERIODS[-1] if day > PERIODS[-1].end else PERIODS[0]


def period_starting(start: date) -> Period | None:
    return next((period for period in PERIODS if period.start == start), None)


def period_matching(start: date | None, end: date | None) -> Period | None:
    """The period with exactly these dates (a programme's, when it was filled from this list)."""
    return next((period for period in PERIODS if (period.start, period.end) == (start, end)), None)


def period_choices() -> list[tuple[str, str]]:
    """(key, label) of every period, the latest first: the one a new programme most likely runs in."""
    return [(period.key, period.label) for period in reversed(PERIODS)]
