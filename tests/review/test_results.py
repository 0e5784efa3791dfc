"""Results of a review (review.services.results) on fixed data: the exact ranking, tie decisions and the shortlist."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from applications.enums import PriorityKind
from applications.models import PriorityItem
from portal import titles
from review.enums import AssignmentStatus, SheetStatus
from review.models import Shortlist, ShortlistEntry, ShortlistSkip, TieBreak
from review.services import results
from tests.applications.factories import AwardFactory
from tests.portal.helpers import at, refusal
from tests.review.builders import CIVIL, DRC, HR, build_review, submitted_sheet
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

LABELS = ("甲", "乙", "丙", "丁", "戊", "己", "庚")


def build_scored():
    """Seven applications scored by three departments (weights 人社 2, 发改 1, 民政 1; extremes dropped from 3 sheets).

    甲: 人社 70, 80, 95 → 80 (70 and 95 dropped; a recused reviewer's 10 and a draft's 5 do not count); 发改 90; 民政 70
        → (2×80 + 90 + 70) / 4 = 80.
    乙: 人社 85, 75 → 80 (two sheets: nothing dropped); 发改 80; 民政 80 → 80, with a priority item: before 甲.
    丙: 人社 78; 发改 84; 民政 84 → 81, first.
    丁: 79 everywhere → 79.   戊: 人社 80, 发改 77, 民政 79 → 79: tied with 丁, neither has priority.
    己: 95 everywhere, but 人社 and 发改 fail (一)2 (2 of 3 sheets) and 民政 fails (一)5 → ineligible for (一)2 only.
    庚: 60 everywhere; only 人社 fails (一)3 (1 of 3) → still ranked.
    """
    review = build_review(labels=LABELS, reviewers_each=4, weights=(2, 1, 1), review_drop_extremes_from=3)
    hr, drc, civil = (review.reviewers[kind] for kind in (HR, DRC, CIVIL))
    rows = {
        "甲": [(hr[0], 70), (hr[1], 80), (hr[2], 95), (drc[0], 90), (civil[0], 70)],
        "乙": [(hr[0], 85), (hr[1], 75), (drc[0], 80), (civil[0], 80)],
        "丙": [(hr[0], 78), (drc[0], 84), (civil[0], 84)],
        "丁": [(hr[0], 79), (drc[0], 79), (civil[0], 79)],
        "戊": [(hr[0], 80), (drc[0], 77), (civil[0], 79)],
        "庚": [(hr[0], 60, {"(一)3"}), (drc[0], 60), (civil[0], 60)],
        "己": [(hr[0], 95, {"(一)2"}), (drc[0], 95, {"(一)2"}), (civil[0], 95, {"(一)5"})],
    }
    for label, sheets in rows.items():
        for reviewer, total, *failed in sheets:
            submitted_sheet(review.application(label), reviewer, total, failed=failed[0] if failed else ())
    submitted_sheet(review.application("甲"), hr[3], 10, assignment_status=AssignmentStatus.RECUSED)
    submitted_sheet(review.application("甲"), drc[1], 5, status=SheetStatus.DRAFT)
    PriorityItem.objects.create(
        application=review.application("乙"), kind=PriorityKind.HONOUR, title="县优质服务窗口", issuer="县人社局", issued_on=date(2025, 5, 1)
    )
    review.ids = {label: review.application(label).pk for label in LABELS}
    review.labels = {pk: label for label, pk in review.ids.items()}
    return review


_scored, scored = module_world("scored", build_scored, built_at=at(2026, 6, 1, 9))


def ranking(review):
    ranked, ineligible, _applications = results.round_ranking(review.round)
    return (
        [(review.labels[r.application_id], r.rank, r.overall, r.has_priority, r.tie_group) for r in ranked],
        [(review.labels[r.application_id], r.ineligible_reasons) for r in ineligible],
    )


def shortlist(review, *labels, reasons=None):
    return results.shortlist_save(
        round=review.round,
        application_ids=[review.ids[label] for label in labels],
        skip_reasons={review.ids[label]: reason for label, reason in (reasons or {}).items()},
        actor=review.admin,
    )


def entries(review):
    return [(review.labels[e.application_id], e.rank, e.overall) for e in ShortlistEntry.objects.filter(shortlist__round=review.round)]


# --- the ranking -----------------------------------------------------------------------------------------------


def test_ranking_on_fixed_data(scored):
    ranked, ineligible = ranking(scored)

    assert ranked == [
        ("丙", 1, Decimal(81), False, None),
        ("乙", 2, Decimal(80), True, None),  # tied with 甲 at 80: priority first
        ("甲", 3, Decimal(80), False, None),
        ("丁", 4, Decimal(79), False, 1),  # tied, no priority: flagged for the admin, by application id meanwhile
        ("戊", 5, Decimal(79), False, 1),
        ("庚", 6, Decimal(60), False, None),
    ]
    assert ineligible == [("己", ("(一)2",))]


def test_ranking_drops_highest_and_lowest_from_three_sheets_of_a_department(scored):
    ranked, _ineligible, _applications = results.round_ranking(scored.round)

    first = next(r for r in ranked if r.application_id == scored.ids["甲"])
    by_department = {d.department_id: (d.mean, d.sheet_count, d.dropped) for d in first.departments}
    hr = scored.reviewers[HR]
    assert by_department == {
        scored.departments[HR].pk: (Decimal(80), 3, (hr[0].pk, hr[2].pk)),
        scored.departments[DRC].pk: (Decimal(90), 1, ()),
        scored.departments[CIVIL].pk: (Decimal(70), 1, ()),
    }


def test_ranking_with_equal_weights_breaks_the_tie(scored):
    scored.programme.programme_departments.update(weight=Decimal(1))

    ranked, _ineligible = ranking(scored)

    assert [(label, rank, tie) for label, rank, _overall, _priority, tie in ranked] == [
        ("丙", 1, None), ("乙", 2, None), ("甲", 3, None), ("丁", 4, None), ("戊", 5, None), ("庚", 6, None)
    ]
    assert ranked[4][2] == Decimal("78.66666666666666666666666667")  # (80 + 77 + 79) / 3


def test_ranking_leaves_out_a_department_no_longer_in_the_programme(scored):
    scored.programme.programme_departments.filter(department=scored.departments[CIVIL]).delete()

    ranked, ineligible = ranking(scored)

    assert [(label, rank, tie) for label, rank, _overall, _priority, tie in ranked] == [
        ("甲", 1, None), ("乙", 2, None), ("丙", 3, None), ("丁", 4, 1), ("戊", 5, 1), ("庚", 6, None)
    ]
    assert ranked[0][2] == Decimal("83.33333333333333333333333333")  # (2×80 + 90) / 3
    assert ineligible == [("己", ("(一)2",))]


def test_tie_break_orders_the_group_and_keeps_the_reason(scored):
    results.tie_break_record(round=scored.round, order=[scored.ids["戊"], scored.ids["丁"]], reason="戊的稳就业成效更突出。", actor=scored.admin)

    ranked, _ineligible = ranking(scored)

    assert ranked[3:5] == [("戊", 4, Decimal(79), False, None), ("丁", 5, Decimal(79), False, None)]
    assert set(TieBreak.objects.values_list("position", "reason", "decided_by")) == {
        (1, "戊的稳就业成效更突出。", scored.admin.pk),
        (2, "戊的稳就业成效更突出。", scored.admin.pk),
    }


def test_tie_break_needs_a_reason(scored):
    message = refusal(lambda: results.tie_break_record(round=scored.round, order=[scored.ids["戊"], scored.ids["丁"]], reason=" ", actor=scored.admin))

    assert message == "请填写并列排序的理由。"
    assert TieBreak.objects.count() == 0


def test_tie_break_refuses_applications_of_another_round(scored):
    other = build_review(labels=("外",))

    message = refusal(
        lambda: results.tie_break_record(round=scored.round, order=[scored.ids["丁"], other.applications[0].pk], reason="理由。", actor=scored.admin)
    )

    assert message == "只能为本批次已受理的申报排定次序。"
    assert TieBreak.objects.count() == 0


# --- the shortlist --------------------------------------------------------------------------------------------------


@pytest.mark.history
def test_shortlist_saves_the_top_of_the_ranking(scored):
    saved = shortlist(scored, "乙", "丙")

    assert entries(scored) == [("丙", 1, Decimal(81)), ("乙", 2, Decimal(80))]
    assert saved.skips.count() == 0
    assert saved.history.first().history_change_reason == "保存拟评定名单：2家"


def test_shortlist_over_the_round_quota_is_refused(scored):
    message = refusal(lambda: shortlist(scored, "丙", "乙", "甲"))

    assert message == "名单有3家，超过可用名额2家（本批次名额2家，本周期剩余5家）。"
    assert Shortlist.objects.count() == 0


def test_shortlist_over_the_period_remainder_is_refused_counting_revoked_awards(scored):
    for _ in range(3):
        AwardFactory(programme=scored.programme)
    AwardFactory(programme=scored.programme, revoked_at=timezone.now())  # a revoked plaque keeps its place
    AwardFactory()  # another programme's award does not count

    message = refusal(lambda: shortlist(scored, "丙", "乙"))
    shortlist(scored, "丙")

    assert message == "名单有2家，超过可用名额1家（本批次名额2家，本周期剩余1家）。"
    assert titles.period_remaining(scored.round) == 1
    assert entries(scored) == [("丙", 1, Decimal(81))]


def test_shortlist_skipping_a_higher_ranked_application_needs_a_reason(scored):
    message = refusal(lambda: shortlist(scored, "乙", "甲", reasons={"丙": "  "}))

    assert message == "未列入排名靠前的申报须说明理由：申报机构丙。"
    assert Shortlist.objects.count() == 0


def test_shortlist_skipping_with_a_reason_keeps_the_reason(scored):
    saved = shortlist(scored, "乙", "甲", reasons={"丙": "公示前收到实名举报，正在核查。", "丁": "不需要"})

    assert entries(scored) == [("乙", 2, Decimal(80)), ("甲", 3, Decimal(80))]
    assert list(ShortlistSkip.objects.values_list("shortlist", "application", "rank", "reason")) == [
        (saved.pk, scored.ids["丙"], 1, "公示前收到实名举报，正在核查。")
    ]


@pytest.mark.parametrize("label", ["己", "外"])
def test_shortlist_refuses_an_ineligible_or_foreign_application(scored, label):
    if label == "外":
        scored.ids["外"] = build_review(labels=("外",)).applications[0].pk

    message = refusal(lambda: shortlist(scored, label))

    assert message == "名单中有不符合必备条件或尚无评分的申报，不能列入。"
    assert Shortlist.objects.count() == 0


def test_shortlist_frozen_at_publicity_is_refused(scored):
    saved = shortlist(scored, "丙")
    saved.frozen_at = timezone.now()
    saved.save()

    message = refusal(lambda: shortlist(scored, "丙", "乙"))

    assert message == "拟评定名单已在公示时冻结，不能修改。"
    assert entries(scored) == [("丙", 1, Decimal(81))]


def test_shortlist_saved_again_replaces_entries_and_skips(scored):
    shortlist(scored, "乙", reasons={"丙": "核查中。"})

    shortlist(scored, "丙", "乙")

    assert entries(scored) == [("丙", 1, Decimal(81)), ("乙", 2, Decimal(80))]
    assert ShortlistSkip.objects.count() == 0
    assert Shortlist.objects.count() == 1


def test_shortlist_listing_an_application_twice_lists_it_once(scored):
    shortlist(scored, "丙", "丙")

    assert entries(scored) == [("丙", 1, Decimal(81))]


def test_shortlist_and_tie_break_are_audited(scored):
    from portal.enums import AuditEvent
    from portal.models import AuditRecord

    results.tie_break_record(round=scored.round, order=[scored.ids["戊"], scored.ids["丁"]], reason="服务人次更多",
                             actor=scored.admin)
    saved = shortlist(scored, "丙")

    details = list(AuditRecord.objects.filter(event=AuditEvent.TRANSITION, user_id=scored.admin.pk)
                   .order_by("id").values_list("object_type", "detail"))
    assert details[-2:] == [
        ("portal.round", f"tie-break {[scored.ids['戊'], scored.ids['丁']]}: 服务人次更多"),
        ("review.shortlist", f"shortlist {[scored.ids['丙']]}"),
    ]
    assert AuditRecord.objects.order_by("-id").values_list("object_id", flat=True).first() == str(saved.pk)


def test_a_county_condition_judged_not_met_by_a_majority_keeps_the_application_out_of_the_ranking():
    """County conditions 2–4 are required as well as scored (「须符合…并符合以下条件」): 不符合 on most sheets excludes,
    whatever the points."""
    review = build_review(labels=("甲", "乙"), reviewers_each=1)
    for kind in (HR, DRC, CIVIL):
        submitted_sheet(review.application("甲"), review.reviewers[kind][0], 95, failed={"(二)4"} if kind != CIVIL else ())
        submitted_sheet(review.application("乙"), review.reviewers[kind][0], 70)

    ranked, ineligible, applications = results.round_ranking(review.round)

    assert [applications[row.application_id].institution_name for row in ranked] == ["申报机构乙"]
    assert [(applications[row.application_id].institution_name, row.ineligible_reasons) for row in ineligible] == [
        ("申报机构甲", ("(二)4",))
    ]
