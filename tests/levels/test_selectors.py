"""Counting toward the targets (levels.selectors): each viewer's scope, valid titles with the revoked beside them, a
title counted in its programme's period (not its year), benchmark programmes only; per child region and per year."""

from datetime import date

import pytest

from levels import selectors
from portal.enums import Level
from portal.periods import FIFTEENTH, FOURTEENTH
from tests.levels.world import BUILT_AT, DECEMBER_FIRST, build
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=DECEMBER_FIRST)
TODAY = date(2025, 12, 1)


def figures(cells) -> list[tuple]:
    return [(cell.level.label, cell.count, cell.valid, cell.revoked) for cell in cells]


def test_summary_of_the_province_counts_every_level_against_its_own_targets(world):

    cells = selectors.summary(scope=world.province, period=FOURTEENTH, today=TODAY)

    assert figures(cells) == [("省级", 10, 2, 1), ("市级", 100, 3, 0), ("县级", 1000, 6, 1)]


def test_summary_of_a_city_shows_its_allocated_targets_not_the_provinces(world):

    cells = selectors.summary(scope=world.zibo, period=FOURTEENTH, today=TODAY)

    assert figures(cells) == [("市级", 7, 2, 0), ("县级", 60, 4, 1)]
    assert [cell.target.parent.region.name for cell in cells] == ["山东省", "山东省"]


def test_summary_of_a_county_counts_the_late_award_on_the_old_quota_but_not_the_new_periods(world):

    fourteenth = selectors.summary(scope=world.zhangdian, period=FOURTEENTH, today=TODAY)
    fifteenth = selectors.summary(scope=world.zhangdian, period=FIFTEENTH, today=TODAY)

    assert figures(fourteenth) == [("县级", 10, 3, 1)]
    assert figures(fifteenth) == [("县级", None, 1, 0)]


def test_a_cell_says_the_days_left_then_overdue_then_done(world):
    cell = selectors.summary(scope=world.gaoqing, period=FOURTEENTH, today=TODAY)[0]

    states = []
    for today, valid in ((date(2025, 12, 1), 1), (date(2026, 1, 5), 1), (date(2026, 1, 5), 5)):
        cell.today, cell.valid = today, valid
        states.append((cell.state, cell.state_class, cell.rate))

    assert states == [("剩余30天", "status--info", "20.00%"), ("已逾期5天", "status--error", "20.00%"),
                      ("已完成", "status--success", "100.00%")]


def test_dashboard_of_the_province_has_a_row_per_city_with_its_shares(world):

    board = selectors.dashboard(scope=world.province, period=FOURTEENTH, today=TODAY)

    assert board.handed_down == [Level.CITY, Level.COUNTY]
    assert [(row.region.name, figures(row.cells)) for row in board.children] == [
        ("济南市", [("市级", 8, 1, 0), ("县级", 85, 2, 0)]),
        ("淄博市", [("市级", 7, 2, 0), ("县级", 60, 4, 1)]),
    ]


def test_dashboard_of_a_city_lists_its_counties_and_each_year(world):

    board = selectors.dashboard(scope=world.zibo, period=FOURTEENTH, today=TODAY)

    assert [(row.region.name, figures(row.cells)) for row in board.children] == [
        ("张店区", [("县级", 10, 3, 1)]), ("高青县", [("县级", 5, 1, 0)]),
    ]
    assert [(row.year, [(c.valid, c.revoked) for c in row.in_order]) for row in board.years] == [
        (2021, [(0, 0), (0, 0)]), (2022, [(0, 0), (1, 0)]), (2023, [(1, 0), (1, 0)]), (2024, [(0, 0), (0, 1)]),
        (2025, [(1, 0), (1, 0)]), (2026, [(0, 0), (1, 0)]),
    ]


def test_dashboard_counts_a_provincial_programmes_county_titles_on_a_row_of_its_own(world):
    from tests.levels.world import grant, programme

    grant(programme(world.province, Level.COUNTY), date(2024, 5, 1))

    board = selectors.dashboard(scope=world.province, period=FOURTEENTH, today=TODAY)

    own = board.children[-1]
    assert (own.region, own.label, figures(own.cells)) == (None, "山东省", [("市级", None, 0, 0), ("县级", None, 1, 0)])
    assert figures(board.totals)[2] == ("县级", 1000, 7, 1)


def test_dashboard_of_a_county_has_no_children_table(world):

    board = selectors.dashboard(scope=world.zhangdian, period=FOURTEENTH, today=TODAY)

    assert (board.children, board.handed_down, figures(board.totals)) == ([], [], [("县级", 10, 3, 1)])


def test_dashboard_of_every_region_lists_the_provinces_without_a_target_of_its_own(world):

    board = selectors.dashboard(scope=None, period=FOURTEENTH, today=TODAY)

    assert figures(board.totals) == [("省级", None, 2, 1), ("市级", None, 3, 0), ("县级", None, 6, 1)]
    assert [(row.region.name, figures(row.cells)) for row in board.children] == [
        ("山东省", [("省级", 10, 2, 1), ("市级", 100, 3, 0), ("县级", 1000, 6, 1)]),
    ]


def test_each_user_follows_its_own_region_and_below(world):
    from portal.models import Region
    from portal.permissions import visible

    def codes(user, action="track_targets"):
        return sorted(visible(user, Region, action).values_list("code", flat=True))

    assert codes(world.city_viewer) == ["370300", "370303", "370322"]
    assert codes(world.county_admin) == ["370303"]
    assert codes(world.province_viewer) == ["370000", "370100", "370102", "370300", "370303", "370322"]
    assert codes(world.city_admin, "allocate_targets") == ["370300"]
    assert codes(world.city_viewer, "allocate_targets") == []
    assert len(codes(world.sysadmin, "allocate_targets")) == 6


def test_default_period_is_the_latest_with_a_target_else_todays(world):

    with_target = selectors.default_period(world.zibo, date(2027, 1, 1))
    without = selectors.default_period(world.town, date(2027, 1, 1))

    assert (with_target, without) == (FOURTEENTH, FIFTEENTH)
