"""An award counts against its programme's period (Title.programme): portal.titles counts titles by period."""

from datetime import date

import pytest
from django.utils import timezone

from portal import periods, titles
from portal.enums import Level, RegionLevel
from portal.models import Programme
from tests.factories import InstitutionFactory, ProgrammeFactory, RegionFactory

pytestmark = pytest.mark.django_db


def _grant(programme, *, revoked=False, returned=False):
    title = titles.title_grant(
        programme=programme, institution=InstitutionFactory(), holder_name="某机构", number="", awarded_on=date(2024, 6, 1),
        actor=None,
    )
    if revoked:
        titles.title_revoke(title=title, revoked_at=timezone.now(), quota_returned=returned, actor=None, reason="撤销")
    return title


def _programmes():
    fourteenth = ProgrammeFactory(
        period_name="“十四五”时期", period_start=date(2021, 1, 1), period_end=date(2025, 12, 31), period_quota=5
    )
    fifteenth = ProgrammeFactory(period_quota=5)
    city = ProgrammeFactory(
        level=Level.CITY, region=RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY),
        period_name="“十四五”时期", period_start=date(2021, 1, 1), period_end=date(2025, 12, 31),
    )
    return fourteenth, fifteenth, city


def test_period_tally_counts_valid_revoked_and_the_places_taken_in_that_period_only():
    fourteenth, fifteenth, city = _programmes()
    _grant(fourteenth)
    _grant(fourteenth, revoked=True)
    _grant(fourteenth, revoked=True, returned=True)
    _grant(city)
    _grant(fifteenth)

    tally = titles.period_tally(Programme.objects.all(), periods.FOURTEENTH)

    assert tally == titles.PeriodTally(valid=2, revoked=2, counted=3)
    assert titles.period_tally(Programme.objects.all(), periods.FIFTEENTH) == titles.PeriodTally(1, 0, 1)


def test_title_counts_by_level_narrowed_to_a_period():
    fourteenth, fifteenth, city = _programmes()
    _grant(fourteenth)
    _grant(fifteenth, revoked=True)
    _grant(city)

    counts = titles.title_counts(Programme.objects.all(), period=periods.FOURTEENTH)
    everything = titles.title_counts(Programme.objects.all())

    assert {level: (row["valid"], row["revoked"]) for level, row in counts.items()} == {"county": (1, 0), "city": (1, 0)}
    assert (everything["county"]["valid"], everything["county"]["revoked"]) == (1, 1)


def test_titles_counted_keep_a_revoked_place_unless_given_back():
    programme = ProgrammeFactory(period_quota=5)
    _grant(programme)
    _grant(programme, revoked=True)
    _grant(programme, revoked=True, returned=True)

    counted = titles.titles_counted(programme)

    assert counted == 2
    assert list(titles.programmes_in_period(Programme.objects.all(), periods.FOURTEENTH)) == []
