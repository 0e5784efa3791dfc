"""Issue 5 end to end in Chromium: plan, proposed assignment, a declared conflict and its replacement, scoring by the
three departments, the leads' opinions, ranking and the shortlist."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from portal import services
from portal.enums import DepartmentKind, Role
from portal.models import ProgrammeDepartment
from review.enums import AssignmentStatus
from review.models import ReviewAssignment, Shortlist
from tests.e2e import pages
from tests.e2e.pages import open_page
from tests.factories import DepartmentFactory, InstitutionFactory, RoundFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCORES = {"甲": ["30", "31", "25", "5"], "乙": ["28", "27", "24", "0"]}


def sign_in(browser, live_server, username):
    return pages.sign_in(open_page(browser, live_server), username)


def build_round():
    round = RoundFactory(quota=1, closes_at=timezone.now() + timedelta(days=1))
    programme = round.programme
    departments = {DepartmentKind.HR: programme.lead_department}
    for order, kind in enumerate([DepartmentKind.DRC, DepartmentKind.CIVIL_AFFAIRS], start=1):
        departments[kind] = DepartmentFactory(kind=kind, name=f"测试县{kind.label}", short_name=kind.label[:4])
        ProgrammeDepartment.objects.create(programme=programme, department=departments[kind], order=order)
    admin = UserFactory(username="rv_admin")
    services.programme_admin_grant(programme=programme, user=admin)
    for label in SCORES:
        institution = InstitutionFactory(name=f"申报机构{label}")
        Application.objects.create(
            round=round, institution=institution, created_by=admin, institution_name=institution.name,
            status=ApplicationStatus.ACCEPTED, submitted_at=timezone.now(),
        )
    for kind, department in departments.items():
        for n in (1, 2):
            UserFactory(username=f"rv_{kind}{n}", full_name=f"{kind}专家{n}", role=Role.REVIEWER, department=department)
        UserFactory(username=f"rv_lead_{kind}", full_name=f"{kind}负责人", role=Role.DEPARTMENT_LEAD, department=department)
    return round, departments


def score_all(page, label):
    page.locator(".criterion input[type=radio][value='1']").evaluate_all("els => els.forEach(e => e.checked = true)")
    numbers = page.locator(".criterion input[type=number]")
    for index, value in enumerate(SCORES[label]):
        numbers.nth(index).fill(value)
    page.get_by_role("button", name="提交评分").click()
    page.wait_for_load_state()
    assert page.confirms[-1] == "提交后评分表将被锁定，只有管理员可以退回修改。确定提交吗？"


def test_whole_review(browser, live_server, screenshot_dir):
    round, departments = build_round()

    admin = sign_in(browser, live_server, "rv_admin")
    admin.goto(f"/review/rounds/{round.pk}/plan/")
    admin.get_by_role("button", name="保存评审方案").click()
    admin.wait_for_load_state()
    admin.get_by_role("button", name="自动生成分配建议").click()
    admin.wait_for_load_state()
    admin.screenshot(path=str(screenshot_dir / "review_proposed.png"), full_page=True)
    admin.get_by_role("button", name="确认全部6项分配").click()
    admin.wait_for_load_state()
    assert ReviewAssignment.objects.filter(status=AssignmentStatus.AWAITING_DECLARATION).count() == 6

    conflicted = ReviewAssignment.objects.select_related("reviewer").get(
        department=departments["hr"], application__institution_name="申报机构甲"
    )
    reviewer = sign_in(browser, live_server, conflicted.reviewer.username)
    reviewer.goto(f"/review/assignments/{conflicted.pk}/")
    reviewer.get_by_label("近三年内在该机构任职或工作").check()
    reviewer.get_by_label("情况说明").fill("2024年曾在该机构兼职。")
    reviewer.get_by_role("button", name="提交声明").click()
    reviewer.wait_for_load_state()
    conflicted.refresh_from_db()
    assert conflicted.status == AssignmentStatus.RECUSED
    assert reviewer.goto(f"/applications/{conflicted.application_id}/").status == 404

    admin.goto(f"/review/rounds/{round.pk}/assignments/")
    admin.get_by_role("button", name="自动生成分配建议").click()
    admin.get_by_role("button", name="确认全部1项分配").click()
    admin.wait_for_load_state()
    admin.screenshot(path=str(screenshot_dir / "review_replaced.png"), full_page=True)
    replacement = ReviewAssignment.objects.get(application=conflicted.application, department=departments["hr"], status=AssignmentStatus.AWAITING_DECLARATION)
    assert replacement.reviewer.username in {"rv_hr1", "rv_hr2"} - {conflicted.reviewer.username}

    for assignment in ReviewAssignment.objects.exclude(status=AssignmentStatus.RECUSED).select_related("reviewer", "application"):
        page = sign_in(browser, live_server, assignment.reviewer.username)
        page.goto(f"/review/assignments/{assignment.pk}/")
        page.get_by_label("无利益冲突").check()
        page.get_by_role("button", name="提交声明").click()
        page.wait_for_load_state()
        score_all(page, assignment.application.institution_name[-1])
        assert "评分已提交并锁定" in page.locator(".messages").inner_text()
        page.context.close()
    page = sign_in(browser, live_server, "rv_drc1")
    page.goto(f"/review/assignments/{ReviewAssignment.objects.filter(reviewer__username='rv_drc1').first().pk}/")
    page.screenshot(path=str(screenshot_dir / "review_sheet_submitted.png"), full_page=True)

    for kind in departments:
        lead = sign_in(browser, live_server, f"rv_lead_{kind}")
        for application in Application.objects.filter(round=round):
            lead.goto(f"/review/opinions/{application.pk}/")
            lead.get_by_label("同意", exact=True).check()
            lead.get_by_label("意见内容").fill("经审核，同意推荐。")
            lead.get_by_role("button", name="签署并盖章").click()
            lead.wait_for_load_state()
        lead.screenshot(path=str(screenshot_dir / f"review_opinion_{kind}.png"), full_page=True)
        lead.context.close()

    admin.goto(f"/review/rounds/{round.pk}/ranking/")
    admin.get_by_role("button", name="关闭评分阶段").click()
    admin.wait_for_load_state()
    first = Application.objects.get(institution_name="申报机构甲")
    admin.locator(f"input[name=application][value='{first.pk}']").check()
    admin.get_by_role("button", name="保存拟评定名单").click()
    admin.wait_for_load_state()
    admin.screenshot(path=str(screenshot_dir / "review_ranking.png"), full_page=True)
    shortlist = Shortlist.objects.get(round=round)
    assert list(shortlist.entries.values_list("application__institution_name", "rank")) == [("申报机构甲", 1)]
    assert "91.00" in admin.locator("main").inner_text()
