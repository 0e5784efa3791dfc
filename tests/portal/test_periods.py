"""The national five-year periods (portal.periods) a programme runs in."""

from datetime import date

from portal import periods


def test_period_of_a_date_at_the_boundaries():

    found = [periods.period_containing(day) for day in (date(2020, 12, 31), date(2021, 1, 1), date(2030, 12, 31))]

    assert [period.name for period in found] == ["“十三五”时期", "“十四五”时期", "“十五五”时期"]


def test_a_date_outside_every_period_has_none_but_period_of_gives_the_nearest():

    after, before = date(2031, 1, 1), date(2015, 12, 31)

    assert (periods.period_containing(after), periods.period_containing(before)) == (None, None)
    assert (periods.period_of(after), periods.period_of(before)) == (periods.FIFTEENTH, periods.THIRTEENTH)


def test_the_three_periods_and_their_dates():

    rows = [(period.key, period.name, period.start, period.end) for period in periods.PERIODS]

    assert rows == [
        ("13", "“十三五”时期", date(2016, 1, 1), date(2020, 12, 31)),
        ("14", "“十四五”时期", date(2021, 1, 1), date(2025, 12, 31)),
        ("15", "“十五五”时期", date(2026, 1, 1), date(2030, 12, 31)),
    ]


def test_choices_list_the_latest_first_with_their_dates():

    choices = periods.period_choices()

    assert choices[0] == ("15", "“十五五”时期（2026年1月1日至2030年12月31日）")
    assert [key for key, _label in choices] == ["15", "14", "13"]


def test_a_programmes_dates_find_their_period_and_others_none():

    matching = periods.period_matching(date(2021, 1, 1), date(2025, 12, 31))
    other = periods.period_matching(date(2021, 1, 1), date(2024, 12, 31))

    assert (matching, other) == (periods.FOURTEENTH, None)
    assert periods.period_by_key("14") is periods.FOURTEENTH and periods.period_by_key("x") is None
