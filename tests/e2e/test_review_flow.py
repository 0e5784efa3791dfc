"""Issue 5 end to end in Chromium: plan, proposed assignment, a declared conflict and its replacement, scoring by the
three departments, the leads' opinions, ranking and the shortlist."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from applications.enums import ApplicationStatus, PriorityKind
from applications.models import Application, PriorityItem
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
    """A round whose call closed an hour ago; 甲 claims a priority item (its reviewers give it priority points)."""
    round = RoundFactory(quota=1, opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(hours=1))
    programme = round.programme
    departments = {DepartmentKind.HR: programme.lead_department}
    for order, kind in enumerate([DepartmentKind.DRC, DepartmentKind.CIVIL_AFFAIRS], start=1):
        departments[kind] = DepartmentFactory(kind=kind, name=f"测试县{kind.label}", short_name=kind.label[:4])
        ProgrammeDepartment.objects.create(programme=programme, department=departments[kind], order=order)
    admin = UserFactory(username="rv_admin")
    services.programme_admin_grant(programme=programme, user=admin)
    for label in SCORES:
        institution = InstitutionFactory(name=f"申报机构{label}")
        application = Application.objects.create(
            round=round, institution=institution, created_by=admin, institution_name=institution.name,
            status=ApplicationStatus.ACCEPTED, submitted_at=timezone.now(),
        )
        if SCORES[label][-1] != "0":
            PriorityItem.objects.create(
                application=application, kind=PriorityKind.HONOUR, title="县级优质服务窗口", issuer="县人社局",
                issued_on=date(2025, 5, 1),
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
        if numbers.nth(index).is_enabled():  # the bonus is disabled for an application claiming no priority item
            numbers.nth(index).fill(value)
    page.get_by_role("button", name="提交评分").click()
    page.wait_for_load_state()
    assert page.confirms[-1] == "提交后评分表将被锁定，只有管理员可以退回修改。确定提交吗？"


def test_whole_review(browser, live_server, screenshot_dir):
    round, departments = build_round()

    admin = sign_in(browser, live_server, "rv_admin")
    admin.goto(f"/review/rounds/{round.pk}/plan/")
    now = timezone.localtime()  # the form proposes the next working day at 09:00; this review starts at once
    admin.get_by_label("评分开始").fill(f"{now - timedelta(minutes=5):%Y-%m-%dT%H:%M}")
    admin.get_by_label("评分截止").fill(f"{now + timedelta(days=14):%Y-%m-%dT%H:%M}")
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


def test_closing_the_scoring_of_an_unfinished_round(browser, live_server, screenshot_dir):
    """Issue 13: the call still open, one application undecided and one accepted with no sheet: the ranking page
    names what is open, refuses to close without a reason, and closes early with one, showing it."""
    round = RoundFactory(quota=1)
    admin = UserFactory(username="rv_admin2")
    services.programme_admin_grant(programme=round.programme, user=admin)
    for name, status in (("待受理机构", ApplicationStatus.SUBMITTED), ("未评分机构", ApplicationStatus.ACCEPTED)):
        institution = InstitutionFactory(name=name)
        Application.objects.create(
            round=round, institution=institution, created_by=admin, institution_name=name, status=status,
            submitted_at=timezone.now(),
        )
    page = sign_in(browser, live_server, "rv_admin2")
    page.goto(f"/review/rounds/{round.pk}/plan/")
    page.get_by_role("button", name="保存评审方案").click()
    page.wait_for_load_state()

    page.goto(f"/review/rounds/{round.pk}/ranking/")
    open_items = page.locator("#close-scoring li").all_inner_texts()
    assert page.get_by_role("button", name="关闭评分阶段", exact=True).count() == 0
    page.get_by_role("button", name="提前关闭评分阶段").click()
    page.wait_for_load_state()
    refused = page.locator(".messages").inner_text()
    page.get_by_label("确需提前关闭的理由").fill("评审工作组会议决定提前结束本批次评分。")
    page.get_by_role("button", name="提前关闭评分阶段").click()
    page.wait_for_load_state()
    page.screenshot(path=str(screenshot_dir / "review_closed_early.png"), full_page=True)

    assert open_items[0].startswith("申报期尚未结束")
    assert "1份申报尚未作出受理决定" in open_items and "1份已受理的申报评分未完成：未评分机构" in open_items
    assert "如确需提前关闭，请填写理由" in refused
    assert page.confirms[-1].startswith("仍有未完成事项。")
    assert "提前关闭理由：评审工作组会议决定提前结束本批次评分。" in page.locator("main").inner_text()
    assert "未评分机构" in page.locator("main").inner_text()  # still listed as not scored
