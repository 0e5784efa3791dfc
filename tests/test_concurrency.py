"""No 500 under concurrency (issue 11, 7): every create-once action, hit by simultaneous requests.

Each test sends N requests at once (CONCURRENCY_REQUESTS, 20 by default) through the threaded live server, every one
from a browser with its own session and cookies, then counts the rows created and the answers: exactly the rows one
request creates, no HTTP 500, and every other answer either the existing record or a clear refusal in Chinese. The
figures of each endpoint appear in the terminal summary. Tasks are recorded instead of queued (no worker here).

Only on PostgreSQL: SQLite takes its write lock when a transaction begins (BEGIN IMMEDIATE), so requests there never
overlap where it matters. CI runs PostgreSQL.
"""

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from applications.models import Application
from awards.models import Announcement, Award, PlaqueBatch, Revocation
from portal.models import Institution, Notification, User
from publicity.identity_access import identity_access_request
from publicity.models import IdentityAccessRequest, NoticeEntry, PublicityNotice
from review.enums import AssignmentStatus
from review.models import (
    ConflictDeclaration,
    DefenseSession,
    DefenseSlot,
    DepartmentOpinion,
    ReviewAssignment,
    ReviewPlan,
    ScoreSheet,
    Shortlist,
    ShortlistEntry,
    TieBreak,
)
from review.services import assignments as assignment_services
from review.services.assignments import REVIEW_PERM
from rubrics.models import Rubric
from tests.awards.results_builders import announced, award_of, closed_round, draft
from tests.burst import Browser, browsers, burst, record
from tests.factories import (
    ApplicantFactory,
    InstitutionFactory,
    RegionFactory,
    RoundFactory,
    SecurityAdminFactory,
    SystemAdminFactory,
    next_uscc,
)
from tests.publicity.publicity_builders import TITLE, at, file, listed_round, publish
from tests.review.builders import DRC, HR, build_review, confirmed, submitted_sheet

N = int(os.environ.get("CONCURRENCY_REQUESTS", "20"))

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="concurrency tests need PostgreSQL (SQLite serialises every write transaction); CI runs them",
    ),
]


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """Tasks the requests queue (e-mails, plaque chunks), recorded rather than sent to a broker nobody reads."""
    tasks = []
    monkeypatch.setattr("portal.queue.enqueue", lambda task, *args: tasks.append((task.name, args)) or True)
    return tasks


def post_all(live_server, users, path, data=None):
    return [(browser, "POST", path, data or {}) for browser in browsers(live_server, users)]


# --- applications --------------------------------------------------------------------------------------------------


def test_start_application(live_server, request):
    applicant = ApplicantFactory()
    round = RoundFactory()

    result = burst("start-application", post_all(live_server, [applicant] * N, reverse("applications:start", args=[round.pk])))

    rows = Application.objects.filter(round=round, institution=applicant.institution).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert result.unexplained("已创建申报草稿", "本机构已在该批次创建了申报（一个批次只能申报一次），已为您打开。") == []


def test_register_institution(live_server, request):
    region = RegionFactory()
    uscc = next_uscc()
    data = {
        "name": "高青县并发测试人力资源服务有限公司", "uscc": uscc, "kind": "commercial_hr", "region": region.pk,
        "address": "高青县测试路2号", "principal_name": "王主任", "contact_name": "赵联系", "contact_phone": "0533-6961001",
        "contact_email": "", "username": "bingfa.test", "full_name": "赵联系", "email": "bingfa@example.com",
        "password1": "Qx7-mervaTe-2026", "password2": "Qx7-mervaTe-2026",
    }

    result = burst("register", [(Browser(live_server.url), "POST", reverse("applications:register"), data) for _ in range(N)])

    institutions = Institution.objects.filter(uscc=uscc).count()
    users = User.objects.filter(username="bingfa.test").count()
    record(request, result, rows=institutions + users, detail=f" ({institutions} institution, {users} user)")
    assert (institutions, users, result.errors) == (1, 1, 0)
    assert result.unexplained("登记成功", "该统一社会信用代码已登记", "该用户名已被使用") == []


def test_invite_staff(live_server, request):
    admin = SystemAdminFactory()
    institution = InstitutionFactory()
    data = {"username": "yaoqing.test", "full_name": "邀请测试", "email": "yaoqing@example.com"}

    result = burst("invite-staff", post_all(live_server, [admin] * N, reverse("applications:institution", args=[institution.pk]), data))

    rows = User.objects.filter(username="yaoqing.test").count()
    record(request, result, rows=rows, detail=f" ({len(mail.outbox)} invitation e-mail)")
    assert (rows, len(mail.outbox), result.errors) == (1, 1, 0)
    assert result.unexplained("已创建账号", "该用户名已被使用") == []


# --- review --------------------------------------------------------------------------------------------------------


def test_review_plan(live_server, request):
    review = build_review(labels=("甲",), plan=False)
    data = {
        "methods": ["written", "field"], "reviewers_per_department": "2",
        "scoring_opens_at": "2026-12-01T09:00", "scoring_closes_at": "2026-12-31T17:00",
    }

    result = burst("review-plan", post_all(live_server, [review.admin] * N, reverse("review:plan", args=[review.round.pk]), data))

    plans = ReviewPlan.objects.filter(round=review.round).count()
    rubrics = Rubric.objects.filter(programme=review.programme).count()
    record(request, result, rows=plans + rubrics, detail=f" ({plans} plan, {rubrics} rubric)")
    assert (plans, rubrics, result.errors) == (1, 1, 0)
    assert result.unexplained("评审方案已保存") == []


def test_propose_assignments(live_server, request):
    review = build_review(labels=("甲", "乙"))
    expected = 2 * 3  # two applications, one reviewer from each of three departments

    result = burst("propose-assignments", post_all(live_server, [review.admin] * N, reverse("review:assignments_propose", args=[review.round.pk])))

    rows = ReviewAssignment.objects.filter(application__round=review.round).count()
    record(request, result, rows=rows, detail=f" (one proposal's {expected})")
    assert (rows, result.errors) == (expected, 0)
    assert result.unexplained("已生成分配建议") == []


def test_confirm_assignments(live_server, request):
    review = build_review(labels=("甲", "乙"))
    assignment_services.assignments_propose(round=review.round, actor=review.admin)
    reviewers = set(ReviewAssignment.objects.filter(application__round=review.round).values_list("reviewer", flat=True))

    result = burst("confirm-assignments", post_all(live_server, [review.admin] * N, reverse("review:assignments_confirm", args=[review.round.pk])))

    notices = Notification.objects.filter(user__in=reviewers).count()
    confirmed_rows = ReviewAssignment.objects.filter(application__round=review.round, status=AssignmentStatus.AWAITING_DECLARATION)
    record(request, result, rows=notices, detail=f" (one notification per reviewer; {confirmed_rows.count()} confirmed)")
    assert (notices, confirmed_rows.count(), result.errors) == (len(reviewers), 6, 0)
    assert result.unexplained("已确认6项分配，并已通知评审专家。", "没有待确认的分配。") == []


def test_add_assignment(live_server, request):
    review = build_review(labels=("甲",), reviewers_each=1)
    application, reviewer = review.application("甲"), review.reviewers[DRC][0]
    data = {"application": application.pk, "reviewer": reviewer.pk}

    result = burst("add-assignment", post_all(live_server, [review.admin] * N, reverse("review:assignment_add", args=[review.round.pk]), data))

    rows = ReviewAssignment.objects.filter(application=application, reviewer=reviewer).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert result.unexplained("已添加分配（待确认）", "该专家已分配过这份申报") == []


def test_declare_no_conflict(live_server, request):
    review = build_review(labels=("甲",), reviewers_each=1)
    reviewer = review.reviewers[HR][0]
    assignment = confirmed(review, review.application("甲"), reviewer)

    result = burst("declare-conflict", post_all(live_server, [reviewer] * N, reverse("review:declare", args=[assignment.pk]), {"kind": "none"}))

    declarations = ConflictDeclaration.objects.filter(assignment=assignment).count()
    sheets = ScoreSheet.objects.filter(assignment=assignment).count()
    record(request, result, rows=declarations + sheets, detail=f" ({declarations} declaration, {sheets} score sheet)")
    assert (declarations, sheets, result.errors) == (1, 1, 0)
    assert result.unexplained("已声明无利益冲突", "该评审任务当前不需要声明") == []


def test_score_sheet_opened(live_server, request):
    review = build_review(labels=("甲",), reviewers_each=1)
    reviewer, application = review.reviewers[HR][0], review.application("甲")
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, department=reviewer.department, status=AssignmentStatus.ACTIVE,
        created_by=review.admin,
    )
    assign_perm(REVIEW_PERM, reviewer, application)
    requests = [(browser, "GET", reverse("review:assignment", args=[assignment.pk]), None) for browser in browsers(live_server, [reviewer] * N)]

    result = burst("open-score-sheet", requests)

    rows = ScoreSheet.objects.filter(assignment=assignment).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert {answer.status for answer in result.answers} == {200}


def test_schedule_defense_session(live_server, request):
    review = build_review(labels=("甲", "乙"))
    data = {
        "starts_on": (timezone.localdate() + timedelta(days=7)).isoformat(), "first_slot_at": "09:00", "minutes_each": "20",
        "place": "县人社局三楼第一会议室", "note": "",
    }

    result = burst("defense-session", post_all(live_server, [review.admin] * N, reverse("review:defense", args=[review.round.pk]), data))

    sessions = DefenseSession.objects.filter(round=review.round).count()
    slots = DefenseSlot.objects.filter(session__round=review.round).count()
    record(request, result, rows=sessions, detail=f" ({slots} slots)")
    assert (sessions, slots, result.errors) == (1, 2, 0)
    assert result.unexplained("的现场答辩（2家机构），并已通知各申报机构", "的现场答辩已经安排，未再重复安排") == []


def test_department_opinion(live_server, request):
    review = build_review(labels=("甲",), reviewers_each=1)
    lead, application = review.leads[HR], review.application("甲")
    data = {"verdict": "agree", "text": "同意推荐。", "signed_on": timezone.localdate().isoformat()}

    result = burst("department-opinion", post_all(live_server, [lead] * N, reverse("review:opinion", args=[application.pk]), data))

    rows = DepartmentOpinion.objects.filter(application=application, department=lead.department).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert result.unexplained("部门意见已签署") == []


def test_tie_break(live_server, request):
    review = build_review(labels=("甲", "乙"), reviewers_each=1)
    first, second = review.application("甲"), review.application("乙")
    data = {f"pos_{first.pk}": "1", f"pos_{second.pk}": "2", "reason": "甲的服务对象满意度更高。"}

    result = burst("tie-break", post_all(live_server, [review.admin] * N, reverse("review:tie_break", args=[review.round.pk]), data))

    rows = TieBreak.objects.filter(round=review.round).count()
    record(request, result, rows=rows, detail=" (one per tied application)")
    assert (rows, result.errors) == (2, 0)
    assert result.unexplained("并列排序已记录") == []


def test_save_shortlist(live_server, request):
    review = build_review(labels=("甲", "乙"), reviewers_each=1)
    for label, total in (("甲", 90), ("乙", 80)):
        submitted_sheet(review.application(label), review.reviewers[HR][0], total)
    data = {"application": [review.application("甲").pk, review.application("乙").pk]}

    result = burst("save-shortlist", post_all(live_server, [review.admin] * N, reverse("review:shortlist", args=[review.round.pk]), data))

    shortlists = Shortlist.objects.filter(round=review.round).count()
    entries = ShortlistEntry.objects.filter(shortlist__round=review.round).count()
    record(request, result, rows=shortlists, detail=f" ({entries} entries)")
    assert (shortlists, entries, result.errors) == (1, 2, 0)
    assert result.unexplained("拟评定名单已保存（2家）") == []


# --- publicity and results -----------------------------------------------------------------------------------------


def notice_data() -> dict:
    return {
        "title": TITLE, "document_number": "", "written_on": timezone.localdate().isoformat(),
        "body": "经机构申报、部门联合评审，拟将以下机构评定为标杆机构，现予以公示。", "contacts": "县评定工作办公室，电话：0533-6961000",
    }


PUBLISH_REFUSALS = ("公示已发布：", "本批次已发布公示", "该公示已有调整后名单")


def test_publish_notice(live_server, request):
    listed = listed_round()

    result = burst("publish-notice", post_all(live_server, [listed.admin] * N, reverse("publicity:round", args=[listed.round.pk]), notice_data()))

    rows = PublicityNotice.objects.filter(round=listed.round).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert result.unexplained(*PUBLISH_REFUSALS) == []


def test_publish_adjusted_list(live_server, request):
    listed = listed_round()
    publish(listed, at(2026, 11, 2, 9))
    NoticeEntry.objects.filter(pk=listed.entry(1).pk).update(disqualified_at=timezone.now())

    result = burst("publish-adjusted-list", post_all(live_server, [listed.admin] * N, reverse("publicity:round", args=[listed.round.pk]), notice_data()))

    rows = PublicityNotice.objects.filter(replaces=listed.notice).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert result.unexplained(*PUBLISH_REFUSALS) == []


def test_publish_notices_of_many_rounds_numbers_each_once(live_server, request):
    rounds = [listed_round(names=("甲",)) for _ in range(N)]
    requests = [
        (Browser(live_server.url, user=listed.admin), "POST", reverse("publicity:round", args=[listed.round.pk]), notice_data())
        for listed in rounds
    ]

    result = burst("publish-notices-index-numbers", requests)

    numbers = list(PublicityNotice.objects.values_list("index_number", flat=True))
    record(request, result, rows=len(numbers), detail=f" ({len(set(numbers))} distinct index numbers, one per round)")
    assert (len(numbers), len(set(numbers)), result.errors) == (N, N, 0)
    assert result.unexplained("公示已发布") == []


def test_assign_and_ask_for_identity(live_server, request):
    """Half the requests assign the objection asking for the identity too, half only ask for it, for the same handler:
    one handle permission, one pending request (a security administrator decides it)."""
    listed = listed_round()
    publish(listed, at(2026, 11, 2, 9))
    objection, _token = file(listed, at(2026, 11, 3, 10))
    handler = listed.lead
    assign = {"handler": handler.pk, "deadline": "2026-12-31", "grant_identity": "on"}
    ask = {"user": handler.pk, "reason": "核查需要联系异议人。"}
    requests = [
        (browser, "POST", reverse(f"publicity:objection_{'assign' if i % 2 else 'grant'}", args=[objection.pk]), assign if i % 2 else ask)
        for i, browser in enumerate(browsers(live_server, [listed.admin] * N))
    ]

    result = burst("assign-and-ask-identity", requests)

    perms = UserObjectPermission.objects.filter(user=handler, object_pk=str(objection.pk))
    asked = IdentityAccessRequest.objects.filter(objection=objection, grantee=handler)
    record(request, result, rows=perms.count() + asked.count(), detail=" (the handle permission, one identity request)")
    assert (list(perms.values_list("permission__codename", flat=True)), list(asked.values_list("status", flat=True))) == (
        ["handle_objection"], ["pending"],
    )
    assert result.errors == 0
    assert result.unexplained("已交办核查", "查看异议人身份的申请已提交，待安全管理员审批。") == []


def test_approve_identity_access(live_server, request):
    """Several security administrators approve the same request at once: one permission, one decision."""
    listed = listed_round()
    publish(listed, at(2026, 11, 2, 9))
    objection, _token = file(listed, at(2026, 11, 3, 10))
    access = identity_access_request(objection=objection, grantee=listed.lead, actor=listed.admin, reason="核查需要")
    security = [SecurityAdminFactory() for _ in range(4)]

    result = burst(
        "approve-identity-access",
        post_all(live_server, [security[i % 4] for i in range(N)],
                 reverse("publicity:identity_request_decide", args=[access.pk]), {"decision": "approve", "note": "同意"}),
    )

    perms = UserObjectPermission.objects.filter(
        user=listed.lead, object_pk=str(objection.pk), permission__codename="view_objector_identity"
    )
    access.refresh_from_db()
    record(request, result, rows=perms.count(), detail=" (the identity permission; 1 decision)")
    assert (perms.count(), access.status, result.errors) == (1, "approved", 0)
    assert result.unexplained("已审批", "该申请当前为“已批准”") == []


def announcement_data() -> dict:
    return {
        "doc_prefix": "县人社局字", "doc_year": "2026", "doc_serial": "12", "written_on": "2026-09-15",
        "title": "关于公布高青县2026年度县级就业服务质量标杆机构名单的通知", "body": "经机构申报、部门联合评审、社会公示，现将名单予以公布。",
    }


def test_save_announcement_draft(live_server, request):
    listed = closed_round()

    result = burst("announcement-draft", post_all(live_server, [listed.admin] * N, reverse("awards:announcement", args=[listed.round.pk]), announcement_data()))

    rows = Announcement.objects.filter(round=listed.round).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert result.unexplained("草稿已保存", "已发布的文件不能修改") == []


def test_issue_announcement(live_server, request):
    listed = closed_round()
    announcement = draft(listed)

    result = burst("issue-announcement", post_all(live_server, [listed.admin] * N, reverse("awards:announcement_issue", args=[announcement.pk])))

    awards = Award.objects.filter(announcement=announcement).count()
    issued = Announcement.objects.filter(pk=announcement.pk, status="issued").count()
    record(request, result, rows=awards, detail=f" (awards of {issued} issued document)")
    assert (awards, issued, result.errors) == (2, 1, 0)
    assert result.unexplained("已发布县人社局字〔2026〕1号，授牌2家", "该文件已发布") == []


def test_issue_announcements_of_many_programmes_numbers_each_once(live_server, request):
    rounds = [closed_round(names=("甲",)) for _ in range(N)]
    requests = [
        (Browser(live_server.url, user=listed.admin), "POST", reverse("awards:announcement_issue", args=[draft(listed).pk]), None)
        for listed in rounds
    ]

    result = burst("issue-announcements-plaque-numbers", requests)

    plaques = list(Award.objects.values_list("plaque_number", flat=True))
    indexes = list(Announcement.objects.exclude(index_number="").values_list("index_number", flat=True))
    record(
        request, result, rows=len(plaques),
        detail=f" ({len(set(plaques))} distinct plaque numbers, {len(set(indexes))} distinct index numbers)",
    )
    assert (len(plaques), len(set(plaques)), len(set(indexes)), result.errors) == (N, N, N, 0)
    assert result.unexplained("授牌1家") == []


def test_start_plaque_batch(live_server, request, queued):
    listed = announced()
    announcement = listed.extra["announcement"]

    result = burst("plaque-batch", post_all(live_server, [listed.admin] * N, reverse("awards:batch_start", args=[announcement.pk])))

    rows = PlaqueBatch.objects.filter(announcement=announcement).count()
    chunks = sum(name.endswith("render_plaque_chunk") for name, _args in queued)
    record(request, result, rows=rows, detail=f" ({chunks} chunk queued)")
    assert (rows, chunks, result.errors) == (1, 1, 0)
    batch_page = reverse("awards:batch", args=[PlaqueBatch.objects.get().pk])
    assert {answer.location for answer in result.answers} == {batch_page}  # every request opens the one batch
    assert result.unexplained("这些奖牌正在批量生成，已为您打开其进度。", existing=batch_page) == []


def test_start_region_plaque_batch(live_server, request):
    listed = announced()
    region = listed.programme.region
    data = {"region": region.pk, "year": "2026"}

    result = burst("region-plaque-batch", post_all(live_server, [listed.admin] * N, reverse("awards:batch_region"), data))

    rows = PlaqueBatch.objects.filter(region=region, year=2026).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    batch_page = reverse("awards:batch", args=[PlaqueBatch.objects.get().pk])
    assert {answer.location for answer in result.answers} == {batch_page}
    assert result.unexplained("这些奖牌正在批量生成，已为您打开其进度。", existing=batch_page) == []


def test_revoke_award(live_server, request):
    listed = announced()
    award = award_of(listed)
    data = {"ground": "violation", "ground_text": "经查实，该机构存在违法违纪行为。", "document_number": "县人社局字〔2026〕31号", "decided_on": "2026-10-19"}

    result = burst("revoke-award", post_all(live_server, [listed.admin] * N, reverse("awards:award_revoke", args=[award.pk]), data))

    rows = Revocation.objects.filter(award=award).count()
    record(request, result, rows=rows)
    assert (rows, result.errors) == (1, 0)
    assert result.unexplained("已撤销并公布", "该奖牌已撤销") == []

