"""The home page of each role (config.views.home) and the navigation of each role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal import services
from portal.enums import InstitutionStatus, Level, RegionLevel
from tests.factories import (
    ApplicantFactory,
    DepartmentLeadFactory,
    InstitutionFactory,
    ProgrammeFactory,
    RegionFactory,
    ReviewerFactory,
    RoundFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)
from tests.portal.helpers import at, visible_text


def _city():
    return RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY)


def _county_of_other_city():
    return RegionFactory(code="370102", name="历下区", level=RegionLevel.COUNTY)


@pytest.mark.django_db
def test_home_anonymous_redirects_to_login_with_next(client):

    response = client.get("/home/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"


@pytest.mark.django_db
def test_home_applicant_sees_own_institution(login):
    applicant = ApplicantFactory(institution__name="高青县零工市场")

    response = login(applicant).get("/home/")

    content = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "portal/home/applicant.html"
    assert "<h1>我的申报</h1>" in content
    assert "<dd>高青县零工市场</dd>" in content
    assert f"<dd>{applicant.institution.uscc}</dd>" in content
    assert "本机构还没有申报记录" in content


@pytest.mark.django_db
def test_home_applicant_of_pending_institution_sees_verification_hint(login):
    applicant = ApplicantFactory(institution__status=InstitutionStatus.PENDING)

    content = login(applicant).get("/home/").content.decode()

    assert '<span class="status status--pending">待核验</span>' in content
    assert "机构信息经评定工作管理员核验后方可申报。" in content


@pytest.mark.django_db
def test_home_applicant_sees_open_rounds_only(login):
    RoundFactory(programme__name="正在申报的项目", name="2026年度", closes_at=at(2099, 3, 1, 17, 30))
    RoundFactory(programme__name="已截止的项目", opens_at=at(2020, 1, 1), closes_at=at(2020, 2, 1))
    applicant = ApplicantFactory()

    content = visible_text(login(applicant).get("/home/"))

    assert "正在申报的项目 · 2026年度 截止：2099年3月1日 17:30（北京时间）" in content
    assert "已截止的项目" not in content


@pytest.mark.django_db
def test_home_reviewer_sees_review_tasks_and_department(login):
    reviewer = ReviewerFactory(department__name="高青县发展和改革局")

    response = login(reviewer).get("/home/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>评审任务</h1>" in content
    assert "所属部门：高青县发展和改革局" in content
    assert "目前没有分配给您的评审任务" in content


@pytest.mark.django_db
def test_home_department_lead_sees_department_opinions(login):
    lead = DepartmentLeadFactory(department__name="高青县民政局")

    response = login(lead).get("/home/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>部门意见</h1>" in content
    assert "所属部门：高青县民政局" in content
    assert "目前没有待签署的部门意见" in content


@pytest.mark.django_db
def test_home_programme_admin_sees_only_granted_programmes(login):
    admin = UserFactory()
    granted = ProgrammeFactory(name="高青县县级标杆机构评定")
    other = ProgrammeFactory(name="别人的评定项目")
    services.programme_admin_grant(programme=granted, user=admin)

    response = login(admin).get("/home/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>工作台</h1>" in content
    assert response.context["programmes"] == [granted]
    assert f'<a href="/programmes/{granted.pk}/">高青县县级标杆机构评定</a>' in content
    assert other.name not in content
    assert '<span class="stat__value">1</span><span class="stat__label">管理的评定项目</span>' in content


@pytest.mark.django_db
def test_home_programme_admin_without_grant_sees_empty_state(login):
    ProgrammeFactory(name="别人的评定项目")
    admin = UserFactory()

    content = login(admin).get("/home/").content.decode()

    assert "您还没有负责的评定项目" in content
    assert "别人的评定项目" not in content
    assert '<span class="stat__value">0</span><span class="stat__label">待核验机构</span>' in content
    assert "暂无即将到来的截止时间" in content


@pytest.mark.django_db
def test_home_programme_admin_counts_pending_institutions_of_its_jurisdiction(login):
    admin = UserFactory()
    services.programme_admin_grant(programme=ProgrammeFactory(), user=admin)  # county 370322
    InstitutionFactory.create_batch(2, status=InstitutionStatus.PENDING)
    InstitutionFactory(status=InstitutionStatus.VERIFIED)
    InstitutionFactory(status=InstitutionStatus.PENDING, region=_county_of_other_city())

    response = login(admin).get("/home/")

    assert response.context["pending_institutions"] == 2
    assert '<span class="stat__value">2</span><span class="stat__label">待核验机构</span>' in response.content.decode()


@pytest.mark.django_db
def test_home_programme_admin_sees_next_deadline_of_its_programmes(login):
    admin = UserFactory()
    programme = ProgrammeFactory()
    services.programme_admin_grant(programme=programme, user=admin)
    RoundFactory(programme=programme, name="2022年度", opens_at=at(2022, 11, 1), closes_at=at(2022, 11, 30))
    RoundFactory(programme=programme, name="2099年度", opens_at=at(2099, 5, 1), closes_at=at(2099, 6, 1))
    soonest = RoundFactory(programme=programme, name="2098年度", closes_at=at(2098, 12, 18, 17, 30))
    RoundFactory(name="别人的批次", closes_at=timezone.now() + timedelta(days=1))

    response = login(admin).get("/home/")

    content = response.content.decode()
    assert response.context["next_deadline"] == soonest
    assert '<span class="stat__value stat__value--date deadline">2098-12-18 17:30</span>' in content
    assert "下一个截止：2098年度 申报截止（北京时间）" in content


@pytest.mark.django_db
def test_home_system_admin_sees_every_programme(login):
    first = ProgrammeFactory(name="甲项目")
    second = ProgrammeFactory(name="乙项目", region=_county_of_other_city())
    superuser = SystemAdminFactory()

    response = login(superuser).get("/home/")

    content = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "portal/home/system_admin.html"
    assert "<title>系统管理 · 就业服务质量标杆机构评定</title>" in content
    assert sorted(p.name for p in response.context["programmes"]) == sorted([first.name, second.name])
    assert '<span class="stat__value">2</span><span class="stat__label">管理的评定项目</span>' in content


@pytest.mark.django_db
def test_home_superuser_without_role_gets_system_admin_home(login):
    superuser = UserFactory(role="", is_superuser=True, is_staff=True)

    response = login(superuser).get("/home/")

    content = response.content.decode()
    assert [t.name for t in response.templates][0] == "portal/home/system_admin.html"
    assert '<span class="user-badge__role">系统管理员</span>' in content


@pytest.mark.django_db
def test_home_account_without_role_gets_403(login):
    user = UserFactory(role="")

    response = login(user).get("/home/")

    assert response.status_code == 403


NAVIGATION_CASES = [
    (ApplicantFactory, ["我的申报", "服务平台", "群众投诉", "满意度评价"]),
    (ReviewerFactory, ["评审任务"]),
    (DepartmentLeadFactory, ["部门意见", "异议核查"]),
    (UserFactory, ["工作台", "评定项目", "「十百千」目标", "机构核验", "异议办理", "批量奖牌", "评分标准", "社区（村）创建", "结果报送",
                   "宣传展示审核", "基层平台", "行政区划", "工作日计算"]),
    (ViewerFactory, ["进度总览", "目标进度", "评定项目", "结果报送", "满意度评价", "社区（村）创建"]),
    (SystemAdminFactory, ["工作台", "评定项目", "「十百千」目标", "机构核验", "异议办理", "批量奖牌", "评分标准", "社区（村）创建", "结果报送",
                   "宣传展示审核", "基层平台", "行政区划", "工作日计算"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "labels"), NAVIGATION_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_navigation_items_match_role(login, factory, labels):
    user = factory()

    response = login(user).get("/home/")

    items = response.context["nav_items"]
    assert [str(item["label"]) for item in items] == labels
    assert [item["active"] for item in items] == [True] + [False] * (len(labels) - 1)
    assert f'<a href="/home/" aria-current="page" class="is-active">{labels[0]}</a>' in response.content.decode()


@pytest.mark.django_db
def test_navigation_marks_programme_list_active_on_detail_page(login):
    admin = UserFactory()
    programme = ProgrammeFactory()
    services.programme_admin_grant(programme=programme, user=admin)

    response = login(admin).get(f"/programmes/{programme.pk}/")

    assert [(str(i["label"]), i["active"]) for i in response.context["nav_items"]] == [
        ("工作台", False),
        ("评定项目", True),
        ("「十百千」目标", False),
        ("机构核验", False),
        ("异议办理", False),
        ("批量奖牌", False),
        ("评分标准", False),
        ("社区（村）创建", False),
        ("结果报送", False),
        ("宣传展示审核", False),
        ("基层平台", False),
        ("行政区划", False),
        ("工作日计算", False),
    ]


@pytest.mark.django_db
def test_navigation_admin_site_link_only_for_staff(login):
    applicant = ApplicantFactory()
    superuser = SystemAdminFactory()

    applicant_page = login(applicant).get("/home/").content.decode()
    superuser_page = login(superuser).get("/home/").content.decode()

    assert '<a href="/admin/">管理后台</a>' not in applicant_page
    assert '<a href="/admin/">管理后台</a>' in superuser_page


@pytest.mark.django_db
def test_navigation_absent_for_anonymous(client):

    response = client.get("/")

    assert response.context["nav_items"] == []
    assert 'class="site-nav"' not in response.content.decode()


# --- each list only the user's jurisdiction (issue 13) -----------------------------------------------------------


@pytest.mark.django_db
def test_each_home_lists_only_the_open_rounds_of_the_users_jurisdiction(login):
    county = RoundFactory(name="2026年度", programme__name="高青县评定")
    city = RoundFactory(name="2026年度", programme=ProgrammeFactory(name="淄博市评定", level=Level.CITY, region=_city()))
    elsewhere = RoundFactory(name="2026年度", programme=ProgrammeFactory(name="历下区评定", region=_county_of_other_city()))
    city_admin, county_admin = UserFactory(), UserFactory()
    services.programme_admin_grant(programme=city.programme, user=city_admin)
    services.programme_admin_grant(programme=county.programme, user=county_admin)
    gaoqing_applicant = ApplicantFactory()  # an institution of 高青县, in 淄博市

    def listed(user):
        return {r.programme.name for r in login(user).get("/home/").context["open_rounds"]}

    assert listed(city_admin) == {"淄博市评定"}
    assert listed(county_admin) == {"高青县评定"}
    assert listed(gaoqing_applicant) == {"高青县评定", "淄博市评定"}
    assert listed(SystemAdminFactory()) == {"高青县评定", "淄博市评定", "历下区评定"}
    assert elsewhere.programme.name not in visible_text(login(gaoqing_applicant).get("/home/"))
