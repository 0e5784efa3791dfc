"""The admin's Excel exports of a review: score sheets, department results and the ranking (issue 5 §9)."""

import io
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from applications.enums import ApplicationStatus, PriorityKind
from applications.models import PriorityItem
from portal import services as portal_services
from portal.enums import DepartmentKind, InstitutionKind
from portal.models import ProgrammeDepartment
from review import rubrics
from review.enums import AssignmentStatus, SheetStatus
from review.models import ReviewAssignment, ReviewPlan, Score, ScoreSheet
from tests.applications.factories import ApplicationFactory
from tests.factories import (
    DepartmentFactory,
    InstitutionFactory,
    ProgrammeFactory,
    RegionFactory,
    ReviewerFactory,
    RoundFactory,
    UserFactory,
)
from tests.portal.helpers import at
from tests.review.builders import county_rubric
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EVIL = '=HYPERLINK("http://evil.example","点我")'


def admin_of(programme):
    admin = UserFactory()
    portal_services.programme_admin_grant(programme=programme, user=admin)
    return admin


def accepted(round, name, kind=InstitutionKind.COMMERCIAL_HR):
    institution = InstitutionFactory(name=name, kind=kind)
    return ApplicationFactory(round=round, institution=institution, status=ApplicationStatus.ACCEPTED)


def sheet_for(
    application, reviewer, total, *, failed=(), status=SheetStatus.SUBMITTED, assignment_status=AssignmentStatus.ACTIVE, justification=""
):
    """A score sheet whose lines add up to `total`: (二)2 = total − 60, (二)3 = (二)4 = 30, no bonus; required items in
    `failed` not met. County condition 1 is left out where it does not apply, as the form leaves it."""
    assignment = ReviewAssignment.objects.create(
        application=application,
        reviewer=reviewer,
        department=reviewer.department,
        status=assignment_status,
        created_by=UserFactory(),
    )
    submitted = status == SheetStatus.SUBMITTED
    sheet = ScoreSheet.objects.create(
        assignment=assignment,
        status=status,
        total=Decimal(total) if submitted else None,
        justification=justification,
        submitted_at=timezone.now() if submitted else None,
    )
    points = {"(二)2": Decimal(total) - 60, "(二)3": Decimal(30), "(二)4": Decimal(30), "(二)5": Decimal(0)}
    lines = rubrics.sheet_lines(application.round.review_plan.rubric, application)
    Score.objects.bulk_create(
        Score(
            sheet=sheet, item=line.item, passed=line.item.code not in failed if line.required else None,
            points=points[line.item.code] if line.judged else None, comment=f"{line.item.code}评语",
        )
        for line in lines
        if line.applicable
    )
    return sheet


def plan_for(round):
    return ReviewPlan.objects.create(
        round=round,
        rubric=county_rubric(round.programme),
        methods=["written"],
        scoring_opens_at=timezone.now() - timedelta(days=1),
        scoring_closes_at=timezone.now() + timedelta(days=7),
    )


def build_scored():
    """Two departments (weights 1 and 2; extremes dropped from 3 sheets), three accepted applications.

    evil (name starts with "="): HR 80, 90, 70 → 80 (70 and 90 dropped); DRC 85 → overall 250/3.
    luzhong: HR 84, 86, 85 → 85; DRC 80 → overall 245/3.
    centre: HR 60 and 62, both failing (一)2 → ineligible (mean 61); a draft of 专家3 and a recused 专家4's sheet.
    """
    programme = ProgrammeFactory(review_drop_extremes_from=3)
    hr = programme.lead_department
    drc = DepartmentFactory(name="测试县发展和改革局", kind=DepartmentKind.DRC)
    ProgrammeDepartment.objects.create(programme=programme, department=drc, order=1, weight=Decimal("2"))
    round = RoundFactory(programme=programme)
    plan_for(round)
    r1, r2, r3 = (ReviewerFactory(full_name=f"专家{n}", department=hr) for n in (1, 2, 3))
    r4 = ReviewerFactory(full_name="专家4", department=drc)
    evil = accepted(round, EVIL)
    luzhong = accepted(round, "鲁中人力资源服务有限公司")
    centre = accepted(round, "高青县公共就业和人才服务中心", kind=InstitutionKind.PUBLIC_AGENCY)
    sheet_for(evil, r1, 80, justification="+偏高的理由")
    sheet_for(evil, r2, 90)
    sheet_for(evil, r3, 70)
    sheet_for(evil, r4, 85)
    sheet_for(luzhong, r1, 84)
    sheet_for(luzhong, r2, 86)
    sheet_for(luzhong, r3, 85)
    sheet_for(luzhong, r4, 80)
    sheet_for(centre, r1, 60, failed={"(一)2"})
    sheet_for(centre, r2, 62, failed={"(一)2"})
    sheet_for(centre, r3, 70, status=SheetStatus.DRAFT)
    sheet_for(centre, r4, 99, assignment_status=AssignmentStatus.RECUSED)
    return {"round": round, "admin": admin_of(programme), "hr": hr, "drc": drc, "apps": (evil, luzhong, centre)}


_review, review = module_world("review", build_scored, built_at=at(2026, 6, 1, 9))


def url(round, kind):
    return reverse("review:export", args=[round.pk, kind])


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def filename_of(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=utf-8''", 1)[1])


# --- score sheets --------------------------------------------------------------------------------


def test_sheets_export_lists_each_line_of_each_sheet(login, review):
    round, hr = review["round"], review["hr"]
    client = login(review["admin"])

    response = client.get(url(round, "sheets"))

    rows = rows_of(response)
    assert rows[0] == ("序号", "申报机构", "部门", "评审专家", "状态", "指标编号", "指标", "满分", "是否符合", "得分", "评语", "总分", "偏离说明")
    assert len(rows) == 1 + 11 * (4 + 4 + 3)
    first = [(hr.name, "专家1", "已提交", "80.00", "'+偏高的理由")] * 11
    assert [(r[2], r[3], r[4], r[11], r[12]) for r in rows[1:12]] == first
    assert {r[1] for r in rows[1:45]} == {"'" + EVIL}
    assert [r[0] for r in rows[1:4]] == [1, 2, 3]
    assert rows[1][5:11] == ("(一)1", "坚持以习近平新时代中国特色社会主义思想为指导", None, "符合", None, "(一)1评语")
    assert rows[7][5:11] == ("(二)1", "县公共就业和人才服务机构人员编制", None, "不适用", None, None)  # a company
    assert rows[8][5:11] == ("(二)2", "就业服务能力水平", "35.00", "符合", "20.00", "(二)2评语")
    assert rows[11][5:11] == ("(二)5", "优先评定", "10.00", None, "0.00", "(二)5评语")
    assert (rows[12][3], rows[34][2], rows[34][3]) == ("专家2", review["drc"].name, "专家4")
    assert filename_of(response) == f"{round.programme.name}-2026年度-评分明细-{timezone.localdate():%Y%m%d}.xlsx"


def test_sheets_export_keeps_drafts_and_leaves_out_recused_reviewers(login, review):
    client = login(review["admin"])

    rows = rows_of(client.get(url(review["round"], "sheets")))

    centre = [r for r in rows[1:] if r[1] == "高青县公共就业和人才服务中心"]
    sheets = sorted({(r[3], r[4], r[11]) for r in centre})
    assert sheets == [("专家1", "已提交", "60.00"), ("专家2", "已提交", "62.00"), ("专家3", "草稿", None)]
    assert [r[8] for r in centre if r[5] == "(一)2"] == ["不符合", "不符合", "符合"]
    assert [r[8] for r in centre if r[5] == "(二)1"] == ["符合"] * 3  # the county agency: condition 1 binds it
    assert "专家4" not in {r[3] for r in centre}


# --- department results --------------------------------------------------------------------------


def test_departments_export_gives_means_shown_and_exact(login, review):
    hr, drc = review["hr"].name, review["drc"].name
    client = login(review["admin"])

    response = client.get(url(review["round"], "departments"))

    assert rows_of(response) == [
        ("申报机构", "部门", "有效评分表数", "去掉的最高最低分", "部门平均分", "精确值", "权重"),
        ("'" + EVIL, hr, 3, "最低分：专家3；最高分：专家2", "80.00", "80", "1.00"),
        ("'" + EVIL, drc, 1, None, "85.00", "85", "2.00"),
        ("鲁中人力资源服务有限公司", hr, 3, "最低分：专家1；最高分：专家2", "85.00", "85", "1.00"),
        ("鲁中人力资源服务有限公司", drc, 1, None, "80.00", "80", "2.00"),
        ("高青县公共就业和人才服务中心", hr, 2, None, "61.00", "61", "1.00"),
    ]
    assert "部门评分" in filename_of(response)


# --- ranking -------------------------------------------------------------------------------------


def test_ranking_export_lists_ranked_then_ineligible(login, review):
    evil, luzhong, centre = review["apps"]
    client = login(review["admin"])

    response = client.get(url(review["round"], "ranking"))

    rows = rows_of(response)
    assert rows == [
        ("排名", "申报机构", "统一社会信用代码", "机构类型", "综合得分", "精确得分", "优先评定", "并列", "未通过的必备条件"),
        (1, "'" + EVIL, evil.institution.uscc, "经营性人力资源服务机构", "83.33", "83.33333333333333333333333333", "否", None, None),
        (2, "鲁中人力资源服务有限公司", luzhong.institution.uscc, "经营性人力资源服务机构", "81.67", "81.66666666666666666666666667", "否", None, None),
        (None,) * 9,
        ("不符合必备条件（不参与排名）",) + (None,) * 8,
        (None, "高青县公共就业和人才服务中心", centre.institution.uscc, "公共就业服务机构", "61.00", "61", "否", None, "(一)2 机构健全"),
    ]
    assert "综合排名" in filename_of(response)


def test_ranking_export_marks_priority_and_ties(login):
    round = RoundFactory()
    plan_for(round)
    reviewer = ReviewerFactory(full_name="专家1", department=round.programme.lead_department)
    first, second, third = (accepted(round, name) for name in ("甲机构", "乙机构", "丙机构"))
    for application in (first, second, third):
        sheet_for(application, reviewer, 75)
    PriorityItem.objects.create(
        application=third, kind=PriorityKind.HONOUR, title="优质服务窗口", issuer="县人社局", issued_on=date(2025, 5, 1)
    )
    client = login(admin_of(round.programme))

    rows = rows_of(client.get(url(round, "ranking")))

    assert [(r[0], r[1], r[4], r[6], r[7]) for r in rows[1:]] == [
        (1, "丙机构", "75.00", "是", None),
        (2, "甲机构", "75.00", "否", 1),
        (3, "乙机构", "75.00", "否", 1),
    ]


def test_uscc_is_a_text_cell(login, review):
    client = login(review["admin"])

    response = client.get(url(review["round"], "ranking"))

    cell = openpyxl.load_workbook(io.BytesIO(response.content)).active["C2"]
    assert (cell.data_type, cell.number_format) == ("s", "@")


def test_exports_of_a_round_without_review_plan_have_only_headers(login):
    round = RoundFactory()
    client = login(admin_of(round.programme))

    lengths = [len(rows_of(client.get(url(round, kind)))) for kind in ("sheets", "departments", "ranking")]

    assert lengths == [1, 1, 1]

# --- access --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sheets", "departments", "ranking"])
def test_export_of_another_programme_is_404(login, review, kind):
    other = admin_of(ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")))
    client = login(other)

    response = client.get(url(review["round"], kind))

    assert response.status_code == 404
    assert response["Content-Type"] != XLSX


def test_export_for_a_reviewer_is_403(login, review):
    client = login(ReviewerFactory(department=review["hr"]))

    response = client.get(url(review["round"], "sheets"))

    assert response.status_code == 403


def test_export_anonymous_redirects_to_login(client, review):
    target = url(review["round"], "ranking")

    response = client.get(target)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={target}"


def test_export_of_an_unknown_kind_is_404(login, review):
    client = login(review["admin"])

    response = client.get(url(review["round"], "everything"))

    assert response.status_code == 404


def test_export_refuses_post(login, review):
    client = login(review["admin"])

    response = client.post(url(review["round"], "ranking"))

    assert response.status_code == 405

