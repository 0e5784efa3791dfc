"""The allocation page (levels.views.allocate): a region's admin sets its own targets and hands shares down, all at
once; a refusal shows the numbers and keeps what was typed; another region is a 404, another role a 403."""

import pytest

from levels.models import Target
from portal.enums import Level
from tests.factories import ViewerFactory
from tests.levels.world import BUILT_AT, DECEMBER_FIRST, build
from tests.portal.helpers import messages_of, visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=DECEMBER_FIRST)


def shares(world, **typed) -> dict:
    """The city page's form: 张店区 and 高青县 as stored unless typed."""
    data = {"period": "14", f"share_{world.zhangdian.pk}_county": "10", f"share_{world.gaoqing.pk}_county": "5"}
    return data | {key.replace("zd", f"share_{world.zhangdian.pk}_county").replace("gq", f"share_{world.gaoqing.pk}_county"): value
                   for key, value in typed.items()}


def test_city_page_shows_what_the_province_gave_and_what_is_left(world, login):

    page = visible_text(login(world.city_admin).get("/levels/allocate/"))

    assert "淄博市 · 设定与分配「十百千」目标" in page
    assert "县级 60 2025-12-31 鲁人社字〔2021〕138号 山东省下达 高文博 · 2025-03-01 09:00 15 45" in page
    assert "1 张店区 张店区 · 县级 2 高青县 高青县 · 县级" in page


def test_city_saves_all_shares_at_once(world, login):
    client = login(world.city_admin)

    response = client.post("/levels/allocate/", shares(world, zd="12", gq="8", note="淄人社字〔2025〕3号"))

    assert response.status_code == 302
    assert response["Location"] == "/levels/allocate/370300/?period=14"
    assert messages_of(response) == ["已保存：张店区县级 12；高青县县级 8。"]
    assert dict(Target.objects.filter(parent__region=world.zibo).values_list("region__name", "count")) == {
        "张店区": 12, "高青县": 8}


def test_a_refusal_shows_the_numbers_and_keeps_what_was_typed(world, login):

    response = login(world.city_admin).post("/levels/allocate/", shares(world, zd="50", gq="11", note="试分配"))

    content = response.content.decode()
    assert response.status_code == 400
    assert "<li>县级目标：已分配 0，本次 61，超出山东省下达的 60。</li>" in content
    assert f'name="share_{world.zhangdian.pk}_county" value="50"' in content
    assert 'value="试分配"' in content
    assert Target.objects.get(region=world.zhangdian).count == 10


def test_a_number_that_is_not_one_is_shown_beside_its_field(world, login):

    response = login(world.city_admin).post("/levels/allocate/", shares(world, zd="-3"))

    assert response.status_code == 400
    assert "张店区 · 县级：确保该值大于或等于0。" in visible_text(response)


def test_province_sets_its_own_and_the_cities_shares(world, login):

    response = login(world.province_admin).post("/levels/allocate/", {
        "period": "14", "own_province": "10", "own_city": "100", "own_county": "1000", "deadline_county": "2025-11-30",
        "note_county": "鲁人社字〔2021〕138号", f"share_{world.zibo.pk}_city": "7", f"share_{world.zibo.pk}_county": "60",
        f"share_{world.jinan.pk}_city": "9", f"share_{world.jinan.pk}_county": "85",
    })

    assert response.status_code == 302
    assert Target.objects.get(region=world.province, level=Level.COUNTY).note == "鲁人社字〔2021〕138号"
    assert Target.objects.get(region=world.jinan, level=Level.CITY).count == 9
    assert Target.objects.get(region=world.gaoqing).deadline.isoformat() == "2025-11-30"


def test_another_regions_page_is_a_404_and_a_viewer_gets_403(world, login):

    province = login(world.city_admin).get("/levels/allocate/370000/")
    sibling = login(world.city_admin).get("/levels/allocate/370100/")
    viewer = login(ViewerFactory(region=world.zibo)).get("/levels/allocate/")

    assert (province.status_code, sibling.status_code, viewer.status_code) == (404, 404, 403)


def test_anonymous_is_sent_to_sign_in(world, client):

    response = client.post("/levels/allocate/370300/", shares(world))

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/levels/allocate/370300/")
    assert Target.objects.get(region=world.zhangdian).count == 10


def test_system_admin_picks_a_province_then_opens_its_cities(world, login):
    client = login(world.sysadmin)

    pick = client.get("/levels/allocate/").content.decode()
    province = client.get("/levels/allocate/370000/?period=14").content.decode()

    assert '<a href="/levels/allocate/370000/">山东省</a>' in pick
    assert '<a href="/levels/allocate/370300/?period=14">淄博市</a>' in province


def test_a_county_whose_target_was_handed_down_only_reads_it(world, login):

    response = login(world.county_admin).get("/levels/allocate/")

    page = visible_text(response)
    assert "县级 10 2025-12-31 — 淄博市下达 刘洋" in page
    assert "本级目标均由上级下达，也没有下级区划可分配：这里只能查看。" in page
    assert "保存目标" not in page
