"""The progress dashboard (levels.views.dashboard) and its Excel export: each user's own scope, drill-down within it
only (a 404 outside), the charts drawn in the page with their numbers, and the same few queries however many titles."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from portal.enums import AuditEvent
from portal.models import AuditRecord
from tests.factories import ApplicantFactory, UserFactory
from tests.levels.world import BUILT_AT, DECEMBER_FIRST, build, grant
from tests.portal.helpers import visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=DECEMBER_FIRST)


def test_city_viewer_lands_on_its_city_with_its_allocated_targets(world, login):

    response = login(world.city_viewer).get("/levels/")

    page = visible_text(response)
    assert response.status_code == 200
    assert "淄博市 ·「十百千」目标进度" in page
    assert "1 市级 7 山东省下达 2 0 28.57% 2025-12-31 剩余30天" in page
    assert "2 县级 60 山东省下达 4 1 6.67% 2025-12-31 剩余30天" in page
    assert "1000" not in page
    assert "设定与分配目标" not in page


def test_the_children_link_to_their_own_dashboards_and_drilling_down_works(world, login):
    client = login(world.city_viewer)

    content = client.get("/levels/?period=14").content.decode()
    county = client.get("/levels/370303/?period=14")

    assert '<a href="/levels/370303/?period=14">张店区</a>' in content
    assert '<a href="/levels/370322/?period=14">高青县</a>' in content
    assert county.status_code == 200
    assert "1 县级 10 淄博市下达 3 1 30.00% 2025-12-31 剩余30天" in visible_text(county)
    assert '<a href="/levels/370300/?period=14">淄博市</a> › 张店区' in county.content.decode()


@pytest.mark.parametrize("code", ["370000", "370100", "370102", "370303001000", "999999"])
def test_a_region_outside_the_city_viewers_subtree_is_a_404(world, login, code):

    response = login(world.city_viewer).get(f"/levels/{code}/")

    assert response.status_code == 404


def test_a_county_admin_cannot_go_up_to_its_city(world, login):
    client = login(world.county_admin)

    own, up = client.get("/levels/"), client.get("/levels/370300/export.xlsx")

    assert (own.status_code, up.status_code) == (200, 404)
    assert "张店区 ·「十百千」目标进度" in visible_text(own)


def test_anonymous_is_sent_to_sign_in_and_other_roles_get_403(world, client, login):

    anonymous = client.get("/levels/370300/")
    applicant = login(ApplicantFactory()).get("/levels/")

    assert (anonymous.status_code, anonymous["Location"]) == (302, "/accounts/login/?next=/levels/370300/")
    assert applicant.status_code == 403


def test_a_post_is_refused(world, login):

    response = login(world.city_viewer).post("/levels/")

    assert response.status_code == 405


def test_an_admin_without_a_region_is_told_so(world, login):

    response = login(UserFactory()).get("/levels/")

    assert (response.status_code, "你的账号没有管辖区划" in visible_text(response)) == (200, True)


def test_the_charts_are_inline_svg_with_their_numbers(world, login):

    content = login(world.province_admin).get("/levels/").content.decode()

    assert content.count("<svg") == 3
    assert '<title id="chart-children-city-title">市级：各下级区划目标与有效称号</title>' in content
    assert ">目标 7</text>" in content and ">有效 2</text>" in content  # 淄博's city level
    assert ">县级 1</text>" in content  # a year's valid county titles
    assert "<script" not in content.split("<main", 1)[1] and " style=" not in content
    assert 'fill="url(#chart-children-city-hatch)"' in content


def test_the_province_admin_may_go_on_to_allocate(world, login):

    page = visible_text(login(world.province_admin).get("/levels/"))

    assert "设定与分配目标" in page
    assert "1 省级 10 本级设定 2 1 20.00% 2025-12-31 剩余30天" in page


def test_export_holds_the_same_figures_and_is_audited(world, login):

    response = login(world.city_viewer).get("/levels/370300/export.xlsx?period=14")

    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert response["Content-Disposition"].startswith("attachment;")
    assert rows[0] == ("分组", "区划或年度", "层级", "目标（家）", "有效称号", "已撤销", "完成率", "完成期限", "完成情况")
    assert rows[1:3] == [("本辖区", "淄博市", "市级", 7, 2, 0, "28.57%", "2025-12-31", "剩余30天"),
                         ("本辖区", "淄博市", "县级", 60, 4, 1, "6.67%", "2025-12-31", "剩余30天")]
    assert ("下级区划", "张店区", "县级", 10, 3, 1, "30.00%", "2025-12-31", "剩余30天") in rows
    assert ("年度", "2026年", "县级", None, 1, 0, None, None, None) in rows
    record = AuditRecord.objects.order_by("-id").first()
    assert (record.event, record.user_id, record.object_id) == (AuditEvent.EXPORT, world.city_viewer.pk, str(world.zibo.pk))


def test_the_queries_stay_the_same_from_10_to_1110_titles(world, login, django_assert_max_num_queries,
                                                          django_assert_num_queries):
    from portal.models import Title

    client = login(world.province_admin)
    client.get("/levels/")  # the session's first write is the sign-in's, not the page's
    Title.objects.exclude(programme=world.zhangdian_programme).delete()
    grant(world.zhangdian_programme, *[world.zhangdian_programme.period_start] * 6)
    assert Title.objects.count() == 10
    with django_assert_max_num_queries(10) as ten:
        client.get("/levels/")
    grant(world.zhangdian_programme, *[world.zhangdian_programme.period_start] * 1100)

    with django_assert_num_queries(len(ten.captured_queries)):
        many = client.get("/levels/")

    assert "3 县级 1000 本级设定 1109 1 110.90% 2025-12-31 已完成" in visible_text(many)
