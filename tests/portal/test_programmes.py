"""Programme list and detail (portal.views.programme_list, programme_detail): who sees which programme."""

import factory
import pytest
from django.urls import reverse

from portal import services
from portal.enums import GroupPosition, Level, RegionLevel
from portal.models import EvaluationGroupMember, ProgrammeDepartment
from tests.factories import (
    ApplicantFactory,
    DepartmentFactory,
    ProgrammeFactory,
    RegionFactory,
    ReviewerFactory,
    RoundFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)
from tests.portal.helpers import at, text, visible_text


def _city():
    return RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY)


def _jinan_county():
    return RegionFactory(code="370102", name="历下区", level=RegionLevel.COUNTY)


def _admin_of(*programmes):
    admin = UserFactory()
    for programme in programmes:
        services.programme_admin_grant(programme=programme, user=admin)
    return admin


# --- list --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_programme_list_admin_sees_only_granted_programmes(login):
    granted = ProgrammeFactory(name="高青县县级标杆机构评定")
    ProgrammeFactory(name="别人的评定项目")
    admin = _admin_of(granted)

    response = login(admin).get("/programmes/")

    content = text(response)
    assert response.status_code == 200
    assert "<h1>评定项目</h1>" in content
    assert list(response.context["page"].object_list) == [granted]
    assert f'<a href="/programmes/{granted.pk}/">高青县县级标杆机构评定</a>' in content
    assert "别人的评定项目" not in content
    assert "共 1 条" in content


@pytest.mark.django_db
def test_programme_list_admin_after_revoke_sees_nothing(login):
    programme = ProgrammeFactory(name="已收回的项目")
    admin = _admin_of(programme)
    services.programme_admin_revoke(programme=programme, user=admin)

    content = text(login(admin).get("/programmes/"))

    assert "已收回的项目" not in content
    assert "还没有评定项目" in content


@pytest.mark.django_db
def test_programme_list_city_viewer_sees_its_counties_not_other_cities(login):
    city = _city()
    ProgrammeFactory(name="高青县评定", region=RegionFactory(code="370322"))
    ProgrammeFactory(name="张店区评定", region=RegionFactory(code="370302", name="张店区"))
    ProgrammeFactory(name="淄博市评定", level=Level.CITY, region=city)
    ProgrammeFactory(name="历下区评定", region=_jinan_county())
    viewer = ViewerFactory(region=city)

    response = login(viewer).get("/programmes/")

    content = text(response)
    assert {p.name for p in response.context["page"].object_list} == {"淄博市评定", "张店区评定", "高青县评定"}
    assert "历下区评定" not in content


@pytest.mark.django_db
def test_programme_list_viewer_without_region_sees_every_jurisdiction(login):
    programme = ProgrammeFactory(name="高青县评定")
    viewer = ViewerFactory(region=None)

    response = login(viewer).get("/programmes/")

    assert list(response.context["page"].object_list) == [programme]
    assert "高青县评定" in text(response)


@pytest.mark.django_db
def test_programme_list_system_admin_sees_all(login):
    ProgrammeFactory(name="高青县评定")
    ProgrammeFactory(name="历下区评定", region=_jinan_county())
    superuser = SystemAdminFactory()

    response = login(superuser).get("/programmes/")

    assert {p.name for p in response.context["page"].object_list} == {"历下区评定", "高青县评定"}


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [ApplicantFactory, ReviewerFactory], ids=["applicant", "reviewer"])
def test_programme_list_non_programme_roles_get_403(login, factory):
    ProgrammeFactory()
    user = factory()

    response = login(user).get("/programmes/")

    assert response.status_code == 403


@pytest.mark.django_db
def test_programme_list_anonymous_redirects_to_login(client):

    response = client.get("/programmes/", {"q": "高青"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/programmes/%3Fq%3D%25E9%25AB%2598%25E9%259D%2592"


@pytest.mark.django_db
def test_programme_list_search_filters_by_name(login):
    gaoqing = ProgrammeFactory(name="高青县县级标杆机构评定")
    zhangdian = ProgrammeFactory(name="张店区区级标杆机构评定")
    admin = _admin_of(gaoqing, zhangdian)

    response = login(admin).get("/programmes/", {"q": " 高青 "})

    content = text(response)
    assert list(response.context["page"].object_list) == [gaoqing]
    assert "张店区区级标杆机构评定" not in content
    assert '<input type="search" id="q" name="q" value="高青">' in content
    assert '<a href="/programmes/">清除</a>' in content


@pytest.mark.django_db
def test_programme_list_search_drops_nul_characters(login):
    gaoqing = ProgrammeFactory(name="高青县县级标杆机构评定")
    admin = _admin_of(gaoqing, ProgrammeFactory(name="张店区区级标杆机构评定"))

    response = login(admin).get("/programmes/", {"q": "高\x00青"})

    assert response.status_code == 200
    assert response.context["q"] == "高青"
    assert list(response.context["page"].object_list) == [gaoqing]


@pytest.mark.django_db
def test_programme_list_search_without_match_shows_empty_state(login):
    admin = _admin_of(ProgrammeFactory(name="高青县县级标杆机构评定"))

    content = text(login(admin).get("/programmes/", {"q": "不存在"}))

    assert "没有符合条件的评定项目" in content
    assert "请换一个关键词，或清除搜索条件。" in content
    assert "高青县县级标杆机构评定" not in content


@pytest.mark.django_db
def test_programme_list_without_programmes_shows_empty_state(login):
    admin = _admin_of()

    content = text(login(admin).get("/programmes/"))

    assert "还没有评定项目" in content
    assert "系统管理员可在管理后台创建评定项目并分配管理员。" in content
    assert '<table class="table">' not in content


@pytest.mark.django_db
def test_programme_list_pagination_keeps_query_in_links(login, settings):
    settings.PAGINATE_BY = 2
    ProgrammeFactory.create_batch(5, name=factory.Sequence(lambda n: f"标杆项目{n}"))
    ProgrammeFactory(name="别的项目")
    superuser = SystemAdminFactory()

    response = login(superuser).get("/programmes/", {"q": "标杆", "page": "2"})

    content = text(response)
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 2
    assert "共 5 条" in content
    assert "第 2 / 3 页" in content
    assert '<a href="?q=%E6%A0%87%E6%9D%86&amp;page=1">首页</a>' in content
    assert '<a href="?q=%E6%A0%87%E6%9D%86&amp;page=1" rel="prev">上一页</a>' in content
    assert '<a href="?q=%E6%A0%87%E6%9D%86&amp;page=3" rel="next">下一页</a>' in content
    assert '<a href="?q=%E6%A0%87%E6%9D%86&amp;page=3">末页</a>' in content


@pytest.mark.django_db
def test_programme_list_page_out_of_range_shows_last_page(login, settings):
    settings.PAGINATE_BY = 2
    ProgrammeFactory.create_batch(3)
    superuser = SystemAdminFactory()

    response = login(superuser).get("/programmes/", {"page": "99"})

    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert '<a href="?page=1" rel="prev">上一页</a>' in text(response)


# --- detail ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_programme_detail_admin_sees_programme_facts(login):
    lead = DepartmentFactory(name="高青县人力资源和社会保障局")
    programme = ProgrammeFactory(name="高青县县级标杆机构评定", lead_department=lead, publicity_days=5)
    ProgrammeDepartment.objects.create(
        programme=programme, department=DepartmentFactory(name="高青县发展和改革局"), order=1
    )
    RoundFactory(programme=programme, name="2022年度", opens_at=at(2022, 11, 1, 9), closes_at=at(2022, 11, 30, 17, 30))
    EvaluationGroupMember.objects.create(
        programme=programme, name="周立新", position=GroupPosition.LEADER, title="县人力资源社会保障局局长", department=lead
    )
    admin = _admin_of(programme)

    response = login(admin).get(f"/programmes/{programme.pk}/")

    content = text(response)
    assert response.status_code == 200
    assert "<h1>高青县县级标杆机构评定</h1>" in content
    assert "<dd>县级</dd>" in content
    settings_url = reverse("publicity:programme_settings", args=[programme.pk])
    assert f'<dd>5个工作日 · <a href="{settings_url}">公示与公布设置</a></dd>' in content
    assert "<dd>县级就业服务质量标杆机构</dd>" in content
    assert "<dd>“十五五”时期（2026年1月1日至2030年12月31日）</dd>" in content
    assert '<li>高青县人力资源和社会保障局 <span class="status status--info">牵头</span></li>' in content
    assert "<li>高青县发展和改革局</li>" in content
    assert [r.name for r in response.context["rounds"]] == ["2022年度"]
    assert "2022-11-01 09:00 2022-11-30 17:30 2 已截止" in visible_text(response)
    assert "1 组长 周立新 县人力资源社会保障局局长 高青县人力资源和社会保障局" in visible_text(response)


@pytest.mark.django_db
def test_programme_detail_without_rounds_or_group_shows_empty_states(login):
    programme = ProgrammeFactory()
    admin = _admin_of(programme)

    content = text(login(admin).get(f"/programmes/{programme.pk}/"))

    assert "本项目还没有批次" in content
    assert "尚未设置评定小组" in content


@pytest.mark.django_db
def test_programme_detail_other_programme_gets_404(login):
    own = ProgrammeFactory()
    other = ProgrammeFactory(name="别人的评定项目")
    admin = _admin_of(own)

    response = login(admin).get(f"/programmes/{other.pk}/")

    assert response.status_code == 404
    assert "别人的评定项目" not in text(response)


@pytest.mark.django_db
def test_programme_detail_missing_id_gets_404(login):
    admin = _admin_of(ProgrammeFactory())

    response = login(admin).get("/programmes/999999/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_programme_detail_city_viewer_sees_own_county_programme(login):
    programme = ProgrammeFactory(name="高青县评定", region=RegionFactory(code="370322"))
    viewer = ViewerFactory(region=_city())

    response = login(viewer).get(f"/programmes/{programme.pk}/")

    assert response.status_code == 200
    assert "<h1>高青县评定</h1>" in text(response)


@pytest.mark.django_db
def test_programme_detail_city_viewer_gets_404_for_other_city(login):
    programme = ProgrammeFactory(name="历下区评定", region=_jinan_county())
    viewer = ViewerFactory(region=_city())

    response = login(viewer).get(f"/programmes/{programme.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [ApplicantFactory, ReviewerFactory], ids=["applicant", "reviewer"])
def test_programme_detail_non_programme_roles_get_403(login, factory):
    programme = ProgrammeFactory(name="高青县评定")
    user = factory()

    response = login(user).get(f"/programmes/{programme.pk}/")

    assert response.status_code == 403
    assert "高青县评定" not in text(response)


@pytest.mark.django_db
def test_programme_detail_anonymous_redirects_to_login(client):
    programme = ProgrammeFactory()

    response = client.get(f"/programmes/{programme.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/programmes/{programme.pk}/"
