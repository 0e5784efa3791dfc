"""附件4 of seed 002, 广州市充分就业社区(村)建设标准(2024年修订版), shipped as data
(rubrics/standards/gz_community_2024.json): its structure and numbers, its text as written, and a whole community with
its caps, deductions and bonus scored by hand from the text. Pure: no database."""

from decimal import Decimal

import pytest

from rubrics.engine import FactsError, item_points, score_rubric
from rubrics.standards import STANDARDS
from tests.rubrics import standard_checks as checks

RUBRIC = STANDARDS["gz_community_2024"]

D = Decimal

# the items whose 评估标准和方法 names no method (「查验…」, 「系统取数…」): the bonus items too
NO_METHOD = {"(一)2", "(二)1", "(三)8", "(三)9", "(三)10", "(四)1", "(四)2", "(四)3", "(四)4", "(四)5", "(四)6"}


def item(code):
    return next(i for i in checks.all_items(RUBRIC) if i["code"] == code)


def test_the_standard_is_registered_as_plain_data():
    assert STANDARDS["gz_community_2024"] is RUBRIC
    assert (RUBRIC["name"], RUBRIC["version"]) == ("广州市充分就业社区(村)建设标准", "2024年修订版")
    assert RUBRIC["document"] == "良口镇2024年高质量就业村和充分就业社区(村)一体建设实施方案 附件4"
    checks.check_plain_data(RUBRIC)


def test_codes_are_unique_and_the_maxima_add_up_per_indicator_and_to_100():
    checks.check_numbers_add_up(RUBRIC)
    checks.check_codes_follow_the_numbering(RUBRIC)
    assert [(i["code"], i["title"], i["points"]) for i in RUBRIC["indicators"]] == [
        ("(一)", "主要就业指标达标情况", 30), ("(二)", "平台建设情况", 30), ("(三)", "就业服务情况", 40),
    ]
    assert [(i["code"], i["max"]) for i in RUBRIC["items"]] == [
        ("(一)1", 8), ("(一)2", 6), ("(一)3", 6), ("(一)4", 5), ("(一)5", 5),
        ("(二)1", 4), ("(二)2", 6), ("(二)3", 8), ("(二)4", 4), ("(二)5", 4), ("(二)6", 4),
        ("(三)1", 2), ("(三)2", 5), ("(三)3", 5), ("(三)4", 5), ("(三)5", 5), ("(三)6", 5), ("(三)7", 5), ("(三)8", 4),
        ("(三)9", 2), ("(三)10", 2),
    ]
    assert [(i["code"], i["max"]) for i in RUBRIC["bonus"]] == [
        ("(四)1", 2), ("(四)2", 2), ("(四)3", 10), ("(四)4", 1), ("(四)5", 2), ("(四)6", 10),
    ]


def test_every_text_field_is_filled_and_every_clause_is_in_its_standard():
    checks.check_text(RUBRIC, no_method=NO_METHOD)
    starred = [i["code"] for i in checks.all_items(RUBRIC) if i["star"]]

    assert starred == ["(二)1", "(二)2", "(三)1", "(三)2", "(三)8"]
    assert [i["code"] for i in checks.all_items(RUBRIC) if i["guiding"]] == starred  # 注2: ★ 引导性建设内容


def test_the_text_is_the_seeds_as_written():
    left = checks.check_seed_verbatim(RUBRIC, "附件4:", None)

    # all that is not in the data: the annex's heading, the table's headings, the indicators' names broken over lines
    assert left == [
        "附件4:", "广州市充分就业社区(村)建设标准(2024年修订版)", "建设", "项目", "建设内容", "分值", "评估标准和方法",
        "评估分工", "(一)主要", "就业", "指标 达标", "情况", "(二)", "平台", "建设", "情况", "(三)", "就业", "服务", "情况",
        "(四)加分项",
    ]


def test_each_item_scores_its_maximum_at_best_and_nothing_at_worst():
    checks.check_extremes(RUBRIC)
    checks.check_empty_and_negative_facts(RUBRIC)


# A community of the plan's list (黄竹塱社区), its facts over the reporting period (2023-10 to 2024-09).
COMMUNITY = {
    "(一)1": {"achieved": 96, "total": 125, "excluded": 5, "deductions": {"mismatch_share": 15}},
    "(一)2": {"parts": {"落实率": {"achieved": 18, "total": 20}, "困难毕业生": {"achieved": 1, "total": 1}}},
    "(一)3": {"achieved": 18, "total": 25, "excluded": 1},
    "(一)4": {"none_in_period": True},
    "(一)5": {"met": True},
    "(二)1": {"met": ["台位", "标识"]},
    "(二)2": {"precondition_met": True, "met": ["参加培训"]},
    "(二)3": {"met": True},
    "(二)4": {"met": ["建立", "公开"]},
    "(二)5": {"met": True},
    "(二)6": {"met": ["建立", "更新及时"], "deductions": {"mismatch_share": 10}},
    "(三)1": {"met": ["宣传资料", "专项活动"]},
    "(三)2": {"met": ["调查记录", "底数清", "意愿信息"], "deductions": {"mismatched_persons": 3}},
    "(三)3": {"met": ["收集记录", "发布记录", "岗位要素"]},
    "(三)4": {"met": ["求职登记", "求职信息"], "deductions": {"missing_kinds": 1}},
    "(三)5": {"tiered_service_persons": 1},
    "(三)6": {"precondition_met": True, "count": 2, "all_employed": False},
    "(三)7": {"missing_services": 1, "inconsistent_persons": 2},
    "(三)8": {"untrue_entries": 1},
    "(三)9": {"met": True, "deductions": {"channel_not_published": True}},
    "(三)10": {"met": True},
    "(四)1": {"achieved": 5, "total": 125},
    "(四)2": {"achieved": 4, "total": 40},
    "(四)3": {"met": ["自助一体机", "信息化展示", "就业驿站"]},
    "(四)4": {"met": False},
    "(四)5": {"count": 12},
    "(四)6": {"parts": {"荣誉": {"events": 0}, "批示": {"events": 1}, "承办活动": {"events": 0}, "媒体报道": {"met": True}}},
}
EXPECTED = {
    "(一)1": D(2),  # 96 ÷ (125 − 5) = 80 %: 「达80%得6分」; 15 % of the sample off: 「每占抽查比例10%扣4分」 once
    "(一)2": D(6),  # 18 of 20 = 90 %: 「达90%以上得4分」 at the bound; the one poor-family graduate in work: 「100%就业得2分」
    "(一)3": D(3),  # 18 ÷ (25 − 1) = 75 %: 「75%-80%得3分」 at the bound
    "(一)4": D(5),  # 「报告期内未出现零就业家庭的,得5分」
    "(一)5": D(5),  # 「达标得5分」
    "(二)1": D(3),  # 台位 「得2分」 + 标识 「得1分」 (no office equipment)
    "(二)2": D(3),  # someone in post (达标), trained: 「得3分」; not yet 熟悉熟练
    "(二)3": D(8),  # funds in the budget and in place
    "(二)4": D(4),  # 2 + 2
    "(二)5": D(4),  # the province's software, networked
    "(二)6": D(2),  # 2 + 2 less 「每占抽查比例10%扣2分」 for 10 %
    "(三)1": D(2),  # 1 + 1
    "(三)2": D("3.5"),  # 2 + 2 + 1 less three persons at 「每一人扣0.5分」
    "(三)3": D(4),  # 2 + 1 + 1, no 供需匹配 record
    "(三)4": D(4),  # 3 + 2 less 「系统办理数据每缺1种扣1分」 once
    "(三)5": D("4.5"),  # 5 less one person without 分级服务措施: 「每一人扣0.5分」
    "(三)6": D(3),  # training organised; 「推荐2次培训得3分」
    "(三)7": D(3),  # 5 less 「每缺一项扣1分」 once and two persons 「每一人不一致,扣0.5分」
    "(三)8": D("3.5"),  # 4 less one untrue entry: 「每核实一条扣0.5分」
    "(三)9": D(1),  # 「达标得2分。未公布群众投诉渠道的,扣1分。」
    "(三)10": D(2),  # no major employment risk event
    "(四)1": D(1),  # 5 of 125 left out = 4 %: 「低于5%加1分」 (not 低于3%)
    "(四)2": D("1.5"),  # 4 of 40 = 10 %: 「达到10%的加1.5分」
    "(四)3": D(5),  # 一体机 1 + 信息化展示 2 + 就业驿站 「各加2分」
    "(四)4": D(0),  # staff in post under 5 years
    "(四)5": D(1),  # 12 years in a row: 「连续十年…加1分」
    "(四)6": D(3),  # 批示 「每次加2分」 once + 媒体报道 「加1分」
}


def test_a_whole_community_scores_as_the_text_says():
    result = score_rubric(RUBRIC, COMMUNITY)

    assert result.items == EXPECTED
    assert result.score == D(21) + D(24) + D("30.5") == D("75.5")  # (一) 21, (二) 24, (三) 30.5
    assert result.bonus == 10  # 1 + 1.5 + 5 + 0 + 1 + 3 = 11.5 claimed: 「加分项(10分)」
    assert (result.total, result.excluded_by) == (D("85.5"), [])


def test_the_community_with_its_baseline_unclear_and_no_training_organised():
    unclear = {**COMMUNITY["(一)1"], "deductions": {"mismatch_share": 15, "baseline_unclear": True}}
    untrained = {**COMMUNITY["(三)6"], "precondition_met": False}

    result = score_rubric(RUBRIC, {**COMMUNITY, "(一)1": unclear, "(三)6": untrained})

    assert result.items["(一)1"] == 0  # 6 − 4 (底数不清) − 4 (15 %): 扣完为止, never below 0
    assert result.items["(三)6"] == 0  # 「未按规定协助组织培训的,此项不得分」
    assert result.score == D("75.5") - 2 - 3 == D("70.5")


def test_the_deductions_by_sampled_share_count_full_steps_only():
    reemployment = item("(一)1")

    def points(achieved, **deductions):
        return item_points(reemployment, {"achieved": achieved, "total": 100, "deductions": deductions})

    assert points(90) == 8 and points(90, mismatch_share=9) == 8  # under a full 10 %: nothing off
    assert points(90, mismatch_share=10) == 4 and points(90, mismatch_share=19) == 4
    assert points(90, mismatch_share=20) == 0
    assert points(90, baseline_unclear=True) == 4  # 「底数不清扣4分」
    assert points(79) == 5 and points(69) == 3 and points(64) == 0  # 「75%-80%」「65%-70%」「低于65%」


def test_no_graduates_in_the_period_scores_the_whole_item():
    assert item_points(item("(一)2"), {"none_in_period": True}) == 6  # 「报告期内未出现…的,得6分」
    with pytest.raises(FactsError):
        item_points(item("(二)2"), {"met": ["参加培训", "熟悉熟练"]})  # 「不达标不得分」 must be answered first


@pytest.mark.parametrize(
    ("left_out", "total", "points"),
    [(0, 125, 2), (0, 0, 2), (3, 125, D("1.5")), (4, 125, 1), (6, 125, 1), (7, 125, 0)],
)
def test_the_share_left_out_earns_its_bonus(left_out, total, points):
    # 「剔除人员占比低于5%加1分,低于3%加1.5分;无剔除人员加2分。」: 3 of 125 = 2.4 %, 4 = 3.2 %, 6 = 4.8 %, 7 = 5.6 %
    assert item_points(item("(四)1"), {"achieved": left_out, "total": total}) == points


def test_the_bonus_items_as_written():
    def platform(*met):
        return item_points(item("(四)3"), {"met": list(met)})

    def party(honours=0, notes=0, hosted=0, media=False):
        parts = {"荣誉": {"events": honours}, "批示": {"events": notes}, "承办活动": {"events": hosted},
                 "媒体报道": {"met": media}}
        return item_points(item("(四)6"), {"parts": parts})

    assert platform("零工服务驿站", "就业驿站", "农村电商基层示范站", "镇村通", "灵活创业摊点") == 10  # 「各加2分」
    assert platform(*(entry["key"] for entry in item("(四)3")["entries"])) == 10  # 15 claimed, within the section's 10
    assert [item_points(item("(四)5"), {"count": n}) for n in (9, 10, 14, 15, 20)] == [0, 1, 1, 2, 2]
    assert party(honours=1, notes=1, hosted=1, media=True) == 8  # 3 + 2 + 2 + 1
    assert party(honours=4) == 10
    unclaimed = score_rubric(RUBRIC, {code: facts for code, facts in COMMUNITY.items() if not code.startswith("(四)")})
    assert (unclaimed.score, unclaimed.bonus) == (D("75.5"), 0)  # no bonus facts: nothing claimed
