"""Programmes set up in the portal at every level (issue 16 point 1): who creates at which level, the period filled
from the national list, the issuing departments of the jurisdiction in signing order, and the rules an edit keeps."""

from datetime import date

import pytest
from django.urls import reverse

from portal import services, titles
from portal.enums import AuditEvent, DepartmentKind, Level, ProgrammeKind, RegionLevel
from portal.models import AuditRecord, Programme, ProgrammeDepartment
from portal.permissions import manages_programme
from tests.factories import (
    DepartmentFactory,
    InstitutionFactory,
    ProgrammeFactory,
    RegionFactory,
    ReviewerFactory,
    RoundFactory,
    SystemAdminFactory,
    UserFactory,
    ViewerFactory,
)
from tests.portal.helpers import at, messages_of, visible_text

pytestmark = pytest.mark.django_db
NEW = reverse("programme_new")


def _city():
    return RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY)


def _province():
    return RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)


def form(rows, **fields) -> dict:
    """The page's POST: the programme's fields and its departments' rows [(department, weight)] in signing order."""
    data = {
        "name": "高青县就业服务质量县级标杆机构评定", "period": "15", "period_quota": "5", "plaque_name": "",
        "doc_prefix": "", "publicity_days": "5", "publicity_template": "", "announcement_template": "",
        "departments-TOTAL_FORMS": str(len(rows)), "departments-INITIAL_FORMS": "0",
        "departments-MIN_NUM_FORMS": "0", "departments-MAX_NUM_FORMS": "8",
    }
    for index, (department, weight) in enumerate(rows):
        data[f"departments-{index}-department"] = str(department.pk) if department else ""
        data[f"departments-{index}-weight"] = weight
    return data | fields


def _admin_of(programme):
    admin = UserFactory(region=programme.region)
    services.programme_admin_grant(programme=programme, user=admin)
    return admin


# --- who creates at which level ------------------------------------------------------------------------------------


@pytest.mark.history
def test_county_admin_creates_a_county_programme_of_its_region_and_manages_it(login):
    county = RegionFactory()
    hr, drc = DepartmentFactory(region=county, name="高青县人社局"), DepartmentFactory(region=county, name="高青县发改局")
    admin = UserFactory(region=county)

    response = login(admin).post(NEW, form([(hr, "1"), (drc, "0.5")], period="14", period_quota="10"))

    programme = Programme.objects.get()
    assert response.status_code == 302 and response["Location"] == programme.get_absolute_url()
    assert messages_of(response) == ["评定项目“高青县就业服务质量县级标杆机构评定”已保存。"]
    assert (programme.level, programme.region, programme.kind) == (Level.COUNTY, county, ProgrammeKind.BENCHMARK)
    assert (programme.period_name, programme.period_start, programme.period_end) == (
        "“十四五”时期", date(2021, 1, 1), date(2025, 12, 31),
    )
    links = list(programme.programme_departments.order_by("order").values_list("department__name", "order", "weight"))
    assert [(name, order, str(weight)) for name, order, weight in links] == [("高青县人社局", 0, "1.00"), ("高青县发改局", 1, "0.50")]
    assert programme.lead_department == hr and manages_programme(admin, programme)
    assert programme.history.get().history_user == admin


def test_creation_writes_an_audit_record_with_the_grant(login):
    county = RegionFactory()
    admin = UserFactory(region=county)

    login(admin).post(NEW, form([(DepartmentFactory(region=county, name="高青县人社局"), "1")]))

    records = list(AuditRecord.objects.order_by("id").values_list("event", "user_id", "detail"))
    assert [(event, user) for event, user, _detail in records] == [
        (AuditEvent.PERMISSION_CHANGE, admin.pk), (AuditEvent.ADMIN_CHANGE, admin.pk),
    ]
    assert records[1][2] == (
        "programme create «高青县就业服务质量县级标杆机构评定» level=county region=370322 period=“十五五”时期 quota=5 "
        "departments=高青县人社局×1"
    )


def test_city_admin_by_its_department_creates_a_city_programme(login):
    city = _city()
    admin = UserFactory(department=DepartmentFactory(region=city, name="淄博市人社局"))

    page = login(admin).get(NEW)
    login(admin).post(NEW, form([(admin.department, "1")], name="淄博市市级标杆机构评定"))

    assert "市级" in visible_text(page) and page.context["form"].initial["name"] == "淄博市就业服务质量市级标杆机构评定"
    assert Programme.objects.get().level == Level.CITY
    assert Programme.objects.get().plaque_title == "市级就业服务质量标杆机构"


def test_province_issues_with_four_departments_finance_signing_without_score(login):
    province = _province()
    kinds = [DepartmentKind.HR, DepartmentKind.DRC, DepartmentKind.CIVIL_AFFAIRS, DepartmentKind.FINANCE]
    names = ["山东省人社厅", "山东省发改委", "山东省民政厅", "山东省财政厅"]
    departments = [DepartmentFactory(region=province, name=name, kind=kind) for name, kind in zip(names, kinds, strict=True)]
    admin = UserFactory(region=province)

    login(admin).post(NEW, form(list(zip(departments, ["1", "1", "1", "0"], strict=True)), plaque_name="省级就业服务质量标杆机构（十百千）"))

    programme = Programme.objects.get()
    rows = programme.programme_departments.order_by("order").values_list("department__name", "weight")
    assert [(name, int(weight)) for name, weight in rows] == [(n, w) for n, w in zip(names, [1, 1, 1, 0], strict=True)]
    assert (programme.level, programme.plaque_title) == (Level.PROVINCE, "省级就业服务质量标杆机构（十百千）")


def test_system_admin_picks_the_region_first_and_is_not_granted(login):
    city = _city()
    department = DepartmentFactory(region=city, name="淄博市人社局", doc_prefix="淄人社字")
    client = login(SystemAdminFactory())

    picker = client.get(NEW)
    response = client.post(f"{NEW}?region={city.pk}", form([(department, "1")], name="淄博市评定"))

    programme = Programme.objects.get()
    assert picker.templates[0].name == "portal/programme_region.html"
    assert response.status_code == 302 and (programme.region, programme.level) == (city, Level.CITY)
    assert programme.document_prefix == "淄人社字"
    assert not AuditRecord.objects.filter(event=AuditEvent.PERMISSION_CHANGE).exists()


@pytest.mark.parametrize("region", [None, "town"], ids=["no-jurisdiction", "town"])
def test_admin_without_a_county_city_or_province_may_not_create(login, region):
    town = RegionFactory(code="370322101000", name="青城镇", level=RegionLevel.TOWN, parent=RegionFactory())
    admin = UserFactory(region=town if region else None)

    response = login(admin).post(NEW, form([]))

    assert response.status_code == 403 and not Programme.objects.exists()


def test_other_roles_get_403_and_visitors_the_login(client, login):

    reviewer = login(ReviewerFactory()).get(NEW)
    viewer = login(ViewerFactory()).get(NEW)
    anonymous = client.logout() or client.get(NEW)

    assert (reviewer.status_code, viewer.status_code) == (403, 403)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


# --- the departments ---------------------------------------------------------------------------------------------------


def test_a_department_of_another_jurisdiction_is_refused(login):
    county = RegionFactory()
    other = DepartmentFactory(region=RegionFactory(code="370302", name="张店区"), name="张店区人社局")
    admin = UserFactory(region=county)

    response = login(admin).post(NEW, form([(DepartmentFactory(region=county), "1"), (other, "1")]))

    assert response.status_code == 200 and not Programme.objects.exists()
    assert "选择一个有效的选项" in visible_text(response)
    assert "张店区人社局" not in response.content.decode()


@pytest.mark.parametrize(
    ("weights", "message"),
    [(["1", "1"], "部门不能重复：高青县人社局。"), (["0"], "至少一个部门的评分权重须大于0，否则评审没有综合得分。"), ([], "请至少选择牵头部门（第1行）。")],
    ids=["repeated", "no-weight", "none"],
)
def test_rows_are_refused_with_the_reason(login, weights, message):
    county = RegionFactory()
    hr = DepartmentFactory(region=county, name="高青县人社局")
    admin = UserFactory(region=county)

    response = login(admin).post(NEW, form([(hr, weight) for weight in weights]))

    assert message in visible_text(response) and not Programme.objects.exists()


# --- editing -----------------------------------------------------------------------------------------------------------


def test_whoever_manages_it_edits_and_the_change_is_audited(login):
    programme = ProgrammeFactory(name="旧名称")
    admin = _admin_of(programme)

    response = login(admin).post(
        reverse("programme_edit", args=[programme.pk]),
        form([(programme.lead_department, "1")], name="新名称", doc_prefix="高人社字", period_quota="6"),
    )

    programme.refresh_from_db()
    assert response.status_code == 302
    assert (programme.name, programme.document_prefix, programme.period_quota) == ("新名称", "高人社字", 6)
    detail = AuditRecord.objects.get(event=AuditEvent.ADMIN_CHANGE).detail
    assert detail.startswith("programme change «新名称»: 项目名称、周期名额、发文机关代字")


def test_another_programmes_admin_and_a_viewer_get_404_and_403(login):
    programme, other = ProgrammeFactory(name="高青县评定"), ProgrammeFactory()
    url = reverse("programme_edit", args=[programme.pk])

    outsider = login(_admin_of(other)).post(url, form([(programme.lead_department, "1")], name="改掉"))
    viewer = login(ViewerFactory()).get(url)

    assert (outsider.status_code, viewer.status_code) == (404, 403)
    assert Programme.objects.get(pk=programme.pk).name == "高青县评定"


def test_period_quota_below_the_titles_counted_is_refused_with_the_numbers(login):
    programme = ProgrammeFactory(period_quota=5)
    for _ in range(3):
        titles.title_grant(
            programme=programme, institution=InstitutionFactory(), holder_name="机构", number="", awarded_on=date(2026, 6, 1),
            actor=None,
        )
    client = login(_admin_of(programme))

    response = client.post(reverse("programme_edit", args=[programme.pk]), form([(programme.lead_department, "1")], period_quota="2"))

    assert "周期名额不能少于本周期已计入名额的称号数：已计入3个，填写的周期名额为2个。" in visible_text(response)
    assert Programme.objects.get().period_quota == 5


def test_period_and_departments_are_fixed_once_rounds_have_begun(login):
    programme = ProgrammeFactory()
    RoundFactory(programme=programme, opens_at=at(2026, 3, 1), closes_at=at(2026, 4, 1))
    added = DepartmentFactory(region=programme.region)
    client = login(_admin_of(programme))
    url = reverse("programme_edit", args=[programme.pk])

    period = client.post(url, form([(programme.lead_department, "1")], period="14"))
    departments = client.post(url, form([(programme.lead_department, "1"), (added, "1")]))

    assert "本项目已有评定批次，周期不能再修改；新周期请新建评定项目。" in visible_text(period)
    assert "本项目已有批次开始申报，评审按现有的评定部门和权重进行，部门、顺序和权重不能再修改。" in visible_text(departments)
    assert ProgrammeDepartment.objects.filter(programme=programme).count() == 1
    assert Programme.objects.get().period_start == date(2026, 1, 1)


def test_a_second_programme_of_the_same_jurisdiction_and_period_is_refused(login):
    existing = ProgrammeFactory(name="高青县“十五五”评定")
    admin = UserFactory(region=existing.region)

    response = login(admin).post(NEW, form([(existing.lead_department, "1")]))

    assert "高青县“十五五”时期已有评定项目“高青县“十五五”评定”" in visible_text(response)
    assert Programme.objects.count() == 1


# --- the pages show it -------------------------------------------------------------------------------------------------


def test_list_and_detail_offer_the_links_to_those_who_may_use_them(login):
    programme = ProgrammeFactory(plaque_name="县级就业服务质量标杆机构（示范）")
    admin = _admin_of(programme)
    viewer = ViewerFactory(region=programme.region)

    listed = login(admin).get(reverse("programme_list"))
    detail = login(admin).get(programme.get_absolute_url())
    seen = login(viewer).get(programme.get_absolute_url())

    assert reverse("programme_new") in listed.content.decode() and "县级就业服务质量标杆机构（示范）" in visible_text(listed)
    assert reverse("programme_edit", args=[programme.pk]) in detail.content.decode()
    assert "发文机关代字 未设置" in visible_text(detail)
    assert reverse("programme_edit", args=[programme.pk]) not in seen.content.decode()
    assert reverse("programme_new") not in login(viewer).get(reverse("programme_list")).content.decode()


def test_empty_list_of_a_creator_says_what_to_do_next(login):
    admin = UserFactory(region=RegionFactory())

    page = login(admin).get(reverse("programme_list"))

    assert "还没有评定项目" in visible_text(page) and "按本辖区的实施方案新建评定项目" in visible_text(page)
