"""The scoring engine's item kinds at their tier boundaries, each worded from the documents themselves (seed 002
annexes 3 and 4). Pure functions: no database."""

from decimal import Decimal

import pytest

from rubrics.engine import FactsError, item_points, rate_percent, score_rubric, tier_points

D = Decimal

# 附件4 (一)1 登记失业人员就业率: 「达90%得8分,达85%得7分,达80%得6分,75%-80%得5分,70-75%得4分,65%-70%得3分,
# 低于65%不得分。底数不清扣4分,就业去向核实与台账不一致,每占抽查比例10%扣4分。」
REEMPLOYMENT = {
    "code": "(一)1",
    "kind": "rate",
    "max": 8,
    "tiers": [
        {"at_least": 90, "points": 8},
        {"at_least": 85, "points": 7},
        {"at_least": 80, "points": 6},
        {"at_least": 75, "below": 80, "points": 5},
        {"at_least": 70, "below": 75, "points": 4},
        {"at_least": 65, "below": 70, "points": 3},
        {"below": 65, "points": 0},
    ],
    "deductions": [
        {"key": "baseline_unclear", "per": "fixed", "points": 4},
        {"key": "mismatch_share", "per": "share", "step": 10, "points": 4},
    ],
}


def reemployed(achieved, total=10000, excluded=0, **deductions):
    facts = {"achieved": achieved, "total": total, "excluded": excluded}
    if deductions:
        facts["deductions"] = deductions
    return item_points(REEMPLOYMENT, facts)


@pytest.mark.parametrize(
    ("achieved", "points"),
    [
        (9000, 8),  # 达90%
        (8999, 7),  # 89.99 %: 达85%
        (8500, 7),
        (8499, 6),
        (8000, 6),  # 达80%
        (7999, 5),  # 75%-80%: ≥ 75 and < 80
        (7500, 5),
        (7499, 4),  # 70-75%
        (6500, 3),  # 65%-70%
        (6499, 0),  # 低于65%不得分
        (0, 0),
    ],
)
def test_a_rate_scores_by_its_tiers_as_the_text_reads_them(achieved, points):
    assert reemployed(achieved) == points


def test_the_rate_leaves_out_those_the_text_excludes():
    # 「再就业率=再就业人数÷(登记失业人数-非就业情形注销失业登记人数)×100%」: 72 of (100 − 20) is 90 %
    assert rate_percent({"achieved": 72, "total": 100, "excluded": 20}) == D(90)
    assert reemployed(72, total=100, excluded=20) == 8


def test_deductions_come_off_the_item_and_stop_at_zero():
    assert reemployed(9000, baseline_unclear=True) == 4  # 「底数不清扣4分」
    assert reemployed(9000, mismatch_share=10) == 4  # 「每占抽查比例10%扣4分」
    assert reemployed(9000, mismatch_share=19) == 4  # a part of a step takes nothing more
    assert reemployed(9000, mismatch_share=20) == 0
    assert reemployed(9000, baseline_unclear=True, mismatch_share=30) == 0  # never below 0 (扣完为止)


def test_impossible_facts_are_refused_not_scored():
    with pytest.raises(FactsError):
        reemployed(81, total=100, excluded=20)  # more achieved than counted
    with pytest.raises(FactsError):
        item_points(REEMPLOYMENT, {"achieved": 1, "total": 2, "excluded": -1})
    with pytest.raises(FactsError):
        item_points(REEMPLOYMENT, {"total": 2})
    with pytest.raises(TypeError):
        tier_points([{"at_least": 0.5, "points": 1}], D(1))  # floats are not exact: data writes "0.5"


# 附件4 (一)2: 「辖区生源离校未就业高校毕业生去向落实率(4分):…达90%以上得4分,未达到90%不得分；辖区贫困家庭高校毕业生
# 去向落实率(2分):…100%就业得2分,未完成不得分。报告期内未出现辖区生源离校未就业高校毕业生的,得6分。」
GRADUATES = {
    "code": "(一)2",
    "kind": "sum",
    "max": 6,
    "none_scores_full": True,
    "parts": [
        {"code": "落实率", "kind": "rate", "max": 4, "tiers": [{"at_least": 90, "points": 4}]},
        {"code": "困难毕业生", "kind": "rate", "max": 2, "tiers": [{"at_least": 100, "points": 2}]},
    ],
}


def test_sub_parts_score_with_their_own_points():
    def graduates(placed, needy_placed):
        parts = {
            "落实率": {"achieved": placed, "total": 50},
            "困难毕业生": {"achieved": needy_placed, "total": 4},
        }
        return item_points(GRADUATES, {"parts": parts})

    assert graduates(45, 4) == 6
    assert graduates(44, 4) == 2  # 88 %: 未达到90%不得分
    assert graduates(45, 3) == 4  # 75 % of the needy: 未完成不得分
    assert item_points(GRADUATES, {"none_in_period": True}) == 6  # 报告期内未出现…的,得6分


# 附件4 (一)4 零就业家庭动态清零: 「达标得5分,报告期内未出现零就业家庭的,得5分。未实现动态清零不得分。」
ZERO_EMPLOYMENT = {"code": "(一)4", "kind": "pass_fail", "max": 5, "none_scores_full": True}


def test_pass_fail_and_none_in_the_period():
    assert item_points(ZERO_EMPLOYMENT, {"met": True}) == 5
    assert item_points(ZERO_EMPLOYMENT, {"met": False}) == 0
    assert item_points(ZERO_EMPLOYMENT, {"none_in_period": True}) == 5


# 附件3 (一)4 产业、创业带动就业: 「报告期内,带动10人次以上的,得1分;20人次以上的,得2分;30人次以上的,得3分;40人次以上
# 的,得4分;50人次以上的,得5分。」
LOCAL_JOBS = {
    "code": "(一)4",
    "kind": "count",
    "max": 5,
    "tiers": [{"at_least": n * 10, "points": n} for n in range(1, 6)],
}


@pytest.mark.parametrize(("count", "points"), [(0, 0), (9, 0), (10, 1), (19, 1), (20, 2), (49, 4), (50, 5), (80, 5)])
def test_count_tiers_read_yishang_as_at_least(count, points):
    assert item_points(LOCAL_JOBS, {"count": count}) == points


# 附件3 (二)1 创业培训: 「为有创业培训需求人员推荐1次服务得1分,推荐2次服务得2分,推荐3次服务得4分。推荐服务次数不足3次,
# 但均已实现就业创业的,得4分。」 and 「…开展创业培训相关的咨询、指导、课程等服务的,得1分。」 (the item's 5 points)
START_UP = {
    "code": "(二)1",
    "kind": "sum",
    "max": 5,
    "parts": [
        {
            "code": "推荐", "kind": "recommendation", "max": 4, "fewer_than": 3, "all_employed_points": 4,
            "tiers": [{"at_least": 1, "points": 1}, {"at_least": 2, "points": 2}, {"at_least": 3, "points": 4}],
        },
        {"code": "平台", "kind": "pass_fail", "max": 1},
    ],
}


@pytest.mark.parametrize(
    ("count", "all_employed", "platform", "points"),
    [(0, False, False, 0), (1, False, False, 1), (2, False, True, 3), (3, False, True, 5), (2, True, False, 4),
     (1, True, True, 5), (0, True, False, 4)],
)
def test_recommendations_and_the_all_employed_rule(count, all_employed, platform, points):
    facts = {"parts": {"推荐": {"count": count, "all_employed": all_employed}, "平台": {"met": platform}}}

    assert item_points(START_UP, facts) == points


# 附件3 (二)2 职业技能培训: 「有组织参加“粤菜师傅”“南粤家政”“乡村工匠”培训的,得1分,组织参加各政府部门开展的其他涉农培训的,
# 加1分。加至该项指标满分为止。」 beside the recommendations (1/2/4) of the same item of 5 points.
SKILLS = {
    "code": "(二)2",
    "kind": "sum",
    "max": 5,
    "parts": [
        {**START_UP["parts"][0]},
        {"code": "涉农培训", "kind": "checklist", "max": 2, "entries": [
            {"key": "三项工程", "points": 1}, {"key": "其他涉农培训", "points": 1},
        ]},
    ],
}


def test_an_additive_checklist_adds_up_to_the_items_full_marks_and_no_further():
    def skills(count, met):
        return item_points(SKILLS, {"parts": {"推荐": {"count": count}, "涉农培训": {"met": met}}})

    assert skills(2, ["三项工程"]) == 3
    assert skills(2, ["三项工程", "其他涉农培训"]) == 4
    assert skills(3, ["三项工程", "其他涉农培训"]) == 5  # 4 + 2, 加至该项指标满分为止
    with pytest.raises(FactsError):
        skills(1, ["粤菜"])  # an entry the item does not have


# 附件3 (二)3 培训成效: 「5%以内得1分,5%-10%得2分,10%-15%得3分,15%以上得5分。」
TRAINED_EMPLOYED = {
    "code": "(二)3",
    "kind": "rate",
    "max": 5,
    "tiers": [
        {"below": 5, "points": 1},
        {"at_least": 5, "below": 10, "points": 2},
        {"at_least": 10, "below": 15, "points": 3},
        {"at_least": 15, "points": 5},
    ],
}


@pytest.mark.parametrize(("achieved", "points"), [(0, 1), (499, 1), (500, 2), (999, 2), (1000, 3), (1500, 5)])
def test_yinei_is_below_the_next_tiers_bound(achieved, points):
    assert item_points(TRAINED_EMPLOYED, {"achieved": achieved, "total": 10000}) == points


def test_deduction_kinds_per_incident_fixed_and_per_person_stop_at_zero():
    # 附件4-style deductions on an item of 5 points: per incident, a fixed 2 (「未公布群众投诉渠道的，扣2分」), per
    # person 0.5 (「每一人扣0.5分」).
    item = {
        "code": "投诉", "kind": "deduction", "max": 5,
        "rules": [
            {"key": "complaints", "per": "incident", "points": 1},
            {"key": "channel_not_published", "per": "fixed", "points": 2},
            {"key": "persons", "per": "person", "points": "0.5"},
        ],
    }

    assert item_points(item, {}) == 5
    assert item_points(item, {"channel_not_published": True}) == 3
    assert item_points(item, {"persons": 3}) == D("3.5")
    assert item_points(item, {"complaints": 2, "channel_not_published": True, "persons": 1}) == D("0.5")
    assert item_points(item, {"complaints": 9}) == 0  # 扣完为止


def test_judged_points_are_the_reviewers_within_the_maximum():
    item = {"code": "S1", "kind": "judged", "max": 35}

    assert item_points(item, {"points": "34.5"}) == D("34.5")
    with pytest.raises(FactsError):
        item_points(item, {"points": 36})


def test_a_rubric_adds_its_items_caps_the_bonus_and_names_the_gates_not_met():
    rubric = {
        "items": [
            {"code": "B1", "kind": "gate"},
            {**ZERO_EMPLOYMENT, "code": "一.4"},
            {**LOCAL_JOBS, "code": "二.4"},
        ],
        # 「获得市级以上荣誉，每次加5分」, the bonus capped at 10
        "bonus": [{"code": "加分", "per_event": 5}],
        "bonus_cap": 10,
    }
    facts = {"B1": {"met": True}, "一.4": {"met": True}, "二.4": {"count": 30}, "加分": {"events": 3}}

    result = score_rubric(rubric, facts)
    failed = score_rubric(rubric, {**facts, "B1": {"met": False}})

    assert result.items == {"一.4": D(5), "二.4": D(3), "加分": D(15)}
    assert (result.score, result.bonus, result.total, result.excluded_by) == (D(8), D(10), D(18), [])
    assert failed.excluded_by == ["B1"] and failed.excluded and failed.score == D(8)


# 附件4 (四)1 (a bonus item): 「剔除人员占比低于5%加1分,低于3%加1.5分;无剔除人员加2分。」: 「无剔除人员」 is a share of
# exactly 0, the new `at_most` bound; nobody counted has nobody left out either.
LEFT_OUT = {
    "code": "(四)1",
    "kind": "rate",
    "max": 2,
    "none_scores_full": True,
    "tiers": [{"below": 5, "points": 1}, {"below": 3, "points": "1.5"}, {"at_most": 0, "points": 2}],
}


@pytest.mark.parametrize(
    ("left_out", "points"),
    [(0, 2), (1, D("1.5")), (299, D("1.5")), (300, 1), (499, 1), (500, 0), (10000, 0)],
)
def test_at_most_reads_wu_as_exactly_none(left_out, points):
    assert item_points(LEFT_OUT, {"achieved": left_out, "total": 10000}) == points


def test_at_most_bounds_a_tier_from_above_and_leaves_other_tiers_alone():
    assert tier_points([{"at_most": 2, "points": 1}], D(2)) == 1
    assert tier_points([{"at_most": 2, "points": 1}], D("2.01")) == 0
    assert tier_points([{"at_least": 1, "at_most": 2, "points": 1}], D("0.99")) == 0
    assert item_points(LEFT_OUT, {"achieved": 0, "total": 0}) == 2  # nobody counted: 无剔除人员


# 附件4 (四)6: 「获得市级以上荣誉,每次加3分」: points per event, within the item's maximum.
HONOURS = {"code": "荣誉", "kind": "per_event", "per_event": 3, "max": 10}


@pytest.mark.parametrize(("events", "points"), [(0, 0), (1, 3), (3, 9), (4, 10), (9, 10)])
def test_per_event_counts_each_event_up_to_the_maximum(events, points):
    assert item_points(HONOURS, {"events": events}) == points


def test_per_event_refuses_a_missing_or_negative_count():
    with pytest.raises(FactsError):
        item_points(HONOURS, {})
    with pytest.raises(FactsError):
        item_points(HONOURS, {"events": -1})
    assert item_points({**HONOURS, "per_event": "0.5"}, {"events": 3}) == D("1.5")


# 附件4 (二)2: 「有1名以上负责就业服务的工作人员」, 「不达标不得分。工作人员有参加培训,得3分;工作人员对政策和业务经办系统
# 熟悉熟练,得3分。」: a precondition, then a checklist.
STAFF = {
    "code": "(二)2",
    "kind": "checklist",
    "max": 6,
    "precondition": "不达标不得分。",
    "entries": [{"key": "参加培训", "points": 3}, {"key": "熟悉熟练", "points": 3}],
}


def test_a_precondition_not_met_scores_nothing_whatever_else_is_met():
    assert item_points(STAFF, {"precondition_met": True, "met": ["参加培训", "熟悉熟练"]}) == 6
    assert item_points(STAFF, {"precondition_met": True, "met": ["参加培训"]}) == 3
    assert item_points(STAFF, {"precondition_met": True}) == 0
    assert item_points(STAFF, {"precondition_met": False, "met": ["参加培训", "熟悉熟练"]}) == 0
    with pytest.raises(FactsError):
        item_points(STAFF, {"met": ["参加培训"]})  # the precondition must be answered


def test_a_precondition_also_stops_a_recommendation_and_its_deductions():
    # 附件4 (三)6: 「推荐1次培训得2分,推荐2次培训得3分,推荐3次培训得5分。推荐培训次数不足3次,但均已实现就业创业的,得5分。
    # 未按规定协助组织培训的,此项不得分。」 (the deduction here only shows it is moot)
    training = {
        "code": "(三)6", "kind": "recommendation", "max": 5, "fewer_than": 3, "all_employed_points": 5,
        "precondition": "未按规定协助组织培训的,此项不得分。",
        "tiers": [{"at_least": 1, "points": 2}, {"at_least": 2, "points": 3}, {"at_least": 3, "points": 5}],
        "deductions": [{"key": "x", "per": "fixed", "points": 1}],
    }

    assert item_points(training, {"precondition_met": True, "count": 2}) == 3
    assert item_points(training, {"precondition_met": True, "count": 1, "all_employed": True}) == 5
    assert item_points(training, {"precondition_met": True, "count": 3, "deductions": {"x": True}}) == 4
    assert item_points(training, {"precondition_met": False, "count": 3}) == 0
    assert item_points({**training, "precondition": ""}, {"count": 3}) == 5  # an empty clause is no precondition


def test_bonus_items_of_any_kind_score_within_their_own_maximum_and_the_cap():
    rubric = {
        "items": [{**ZERO_EMPLOYMENT, "code": "一.4"}],
        "bonus": [
            LEFT_OUT,
            {"code": "(四)6", "kind": "sum", "max": 10, "parts": [HONOURS]},
            {"code": "加分", "per_event": 5},  # the per-event bonus item as before
        ],
        "bonus_cap": 10,
    }
    facts = {"一.4": {"met": True}, "(四)1": {"achieved": 2, "total": 100}, "(四)6": {"parts": {"荣誉": {"events": 2}}}}

    result = score_rubric(rubric, facts)
    capped = score_rubric(rubric, {**facts, "加分": {"events": 1}})
    unclaimed = score_rubric(rubric, {"一.4": {"met": True}})

    assert result.items == {"一.4": D(5), "(四)1": D("1.5"), "(四)6": D(6), "加分": D(0)}
    assert (result.score, result.bonus, result.total) == (D(5), D("7.5"), D("12.5"))
    assert (capped.items["加分"], capped.bonus) == (D(5), D(10))  # 12.5 claimed, 10 at most
    assert unclaimed.items == {"一.4": D(5), "(四)1": D(0), "(四)6": D(0), "加分": D(0)}  # no facts: not claimed
