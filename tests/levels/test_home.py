"""The viewer's home (config.views.home): the compact progress of its own scope from levels.selectors.home_progress,
with a link to the dashboard."""

import pytest

from tests.factories import ViewerFactory
from tests.levels.world import BUILT_AT, DECEMBER_FIRST, build
from tests.portal.helpers import visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=DECEMBER_FIRST)


def test_city_viewer_sees_its_allocated_targets_not_the_provinces(world, login):

    response = login(world.city_viewer).get("/home/")

    page = visible_text(response)
    assert "范围：淄博市及下级区划 · “十四五”时期" in page
    assert "1 市级 7 2 0 29% 2025-12-31 剩余30天" in page
    assert "2 县级 60 4 1 7% 2025-12-31 剩余30天" in page
    assert "省级" not in page.split("范围")[1] and "1000" not in page
    assert '<a class="button button--primary" href="/levels/?period=14">' in response.content.decode()


def test_county_viewer_counts_only_its_county(world, login):

    page = visible_text(login(world.county_viewer).get("/home/"))

    assert "1 县级 10 3 1 30% 2025-12-31 剩余30天" in page


def test_province_viewer_sees_the_ten_hundred_thousand(world, login):

    page = visible_text(login(world.province_viewer).get("/home/"))

    assert "1 省级 10 2 1 20% 2025-12-31 剩余30天" in page
    assert "3 县级 1000 6 1 1% 2025-12-31 剩余30天" in page


def test_a_viewer_of_a_region_without_targets_is_told_none_was_handed_down(world, login):

    page = visible_text(login(ViewerFactory(region=world.lixia, password_changed_at=DECEMBER_FIRST)).get("/home/"))

    assert "1 县级 未下达 2 0 — —" in page
