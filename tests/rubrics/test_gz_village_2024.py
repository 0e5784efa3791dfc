"""附件3 of seed 002, 广州市高质量就业村建设标准(试行), shipped as data (rubrics/standards/gz_village_2024.json): its
structure and numbers, its text as written, and a whole village scored by hand from the text. Pure: no database."""

from decimal import Decimal

from rubrics.engine import item_points, score_rubric
from rubrics.standards import STANDARDS
from tests.rubrics import standard_checks as checks

RUBRIC = STANDARDS["gz_village_2024"]

D = Decimal


def item(code):
    return next(i for i in checks.all_items(RUBRIC) if i["code"] == code)


def test_the_standard_is_registered_as_plain_data():
    assert STANDARDS["gz_village_2024"] is RUBRIC
    assert (RUBRIC["name"], RUBRIC["version"]) == ("广州市高质量就业村建设标准", "试行")
    assert RUBRIC["document"] == "良口镇2024年高质量就业村和充分就业社区(村)一体建设实施方案 附件3"
    checks.check_plain_data(RUBRIC)


def test_codes_are_unique_and_the_maxima_add_up_per_indicator_and_to_100():
    checks.check_numbers_add_up(RUBRIC)
    checks.check_codes_follow_the_numbering(RUBRIC)
    assert [(i["code"], i["title"], i["points"]) for i in RUBRIC["indicators"]] == [
        ("(一)", "就业机会充分", 25), ("(二)", "就业能力增强", 15), ("(三)", "就业保障完善", 55), ("(四)", "就业环境和谐", 5),
    ]
    assert [i["code"] for i in RUBRIC["items"]] == [
        "(一)1", "(一)2", "(一)3", "(一)4", "(一)5", "(二)1", "(二)2", "(二)3", "(三)1", "(三)2", "(三)3", "(三)4", "(四)1",
    ]
    assert [(i["code"], i["title"], i["max"]) for i in RUBRIC["bonus"]] == [("(五)1", "典型带动", 10)]


def test_every_text_field_is_filled_and_every_clause_is_in_its_standard():
    checks.check_text(RUBRIC)
    assert [i["code"] for i in checks.all_items(RUBRIC) if i["star"]] == ["(一)4", "(一)5", "(三)1", "(三)3", "(五)1"]
    assert not [i["code"] for i in checks.all_items(RUBRIC) if i["guiding"]]  # nothing marked 引导性 in annex 3


def test_the_text_is_the_seeds_as_written():
    left = checks.check_seed_verbatim(RUBRIC, "附件3:", "附件4:")

    # all that is not in the data: the annex's own heading, the table's headings, the bonus section's name
    assert left == [
        "附件3:", "广州市高质量就业村建设标准(试行)", "一级指标", "二级指标", "分值", "指标内容", "评估标准", "评估方法",
        "评估分工", "加分项",
    ]


def test_each_item_scores_its_maximum_at_best_and_nothing_at_worst():
    # 「5%以内得1分」: (二)3 scores 1 even when nobody trained found work
    checks.check_extremes(RUBRIC, worst_not_zero={"(二)3": 1})
    checks.check_empty_and_negative_facts(RUBRIC)


# A village of the plan's four (溪头村), its facts over the reporting period (2023-10 to 2024-09).
VILLAGE = {
    "(一)1": {"achieved": 34, "total": 42, "excluded": 2},
    "(一)2": {"met": True},
    "(一)3": {"met": False},
    "(一)4": {"count": 37},
    "(一)5": {"count": 4},
    "(二)1": {"parts": {"推荐": {"count": 2, "all_employed": False}, "平台": {"met": True}}},
    "(二)2": {"parts": {"推荐": {"count": 1, "all_employed": True}, "涉农培训": {"met": ["三项工程", "其他涉农培训"]}}},
    "(二)3": {"achieved": 6, "total": 60},
    "(三)1": {"met": ["办公台位", "信息化服务项目", "经费", "工作人员", "规章制度", "就业服务专区", "配套平台", "宣传角",
                      "自助一体机"]},
    "(三)2": {"met": ["劳动力调查", "数据完整", "毕业生摸底", "上门走访"]},
    "(三)3": {"met": ["党建引领", "业务办理数据", "求职登记", "求职信息", "岗位收集发布", "岗位要素", "跟踪调查", "分级服务",
                      "灵活就业帮扶", "平台衔接", "信息发布栏"]},
    "(三)4": {"met": True, "deductions": {"channel_not_published": True}},
    "(四)1": {"incidents": 2},
    "(五)1": {"parts": {"荣誉": {"events": 1}, "批示": {"events": 0}, "承办活动": {"events": 2}, "媒体报道": {"met": True}}},
}
EXPECTED = {
    "(一)1": D(4),  # 34 ÷ (42 − 2) = 85 %: 「达85%得4分」, at the tier's very bound
    "(一)2": D(5),  # 「达标得5分」
    "(一)3": D(0),  # someone out of work over half a year: 「不达标不得分」
    "(一)4": D(3),  # 37 人次: 「30人次以上的,得3分」 (40 not reached)
    "(一)5": D(4),  # 4 posts: 「4个以上的,得4分」
    "(二)1": D(3),  # 「推荐2次服务得2分」 + the platforms' 「得1分」
    "(二)2": D(5),  # 1 recommendation, all in work: 「不足3次,但均已实现就业创业的,得4分」 + 1 + 1 = 6, 「加至该项指标满分为止」
    "(二)3": D(3),  # 6 of 60 = 10 %: 「10%-15%得3分」, at the bound
    "(三)1": D(15),  # 3 + 2 + 2 + 2 + 1 + 专区 2 + 配套 2 + 宣传角 1 + 一体机 1 = 16, up to the item's 15
    "(三)2": D(10),  # 调查 5 + 数据完整 1 + 摸底 3 + 上门走访 「加1分」 = 10, exactly the item's 10
    "(三)3": D(22),  # 党建 5 + 2 + 2 + 2 + 1 + 2 + 跟踪调查 2 + 分级服务 3 + 帮扶 1 + 衔接 1 + 发布栏 1 (定期联系 not)
    "(三)4": D(3),  # 「达标得5分」 less 「未公布群众投诉渠道的,扣2分」
    "(四)1": D(3),  # two incidents: 「每发生1起扣1分」 from 5
    "(五)1": D(10),  # 荣誉 5 + 承办 2 × 2 + 媒体 2 (once) = 11: 「加至该项指标满分为止」
}


def test_a_whole_village_scores_as_the_text_says():
    result = score_rubric(RUBRIC, VILLAGE)

    assert result.items == EXPECTED
    assert result.score == D(16) + D(11) + D(50) + D(3) == D(80)  # (一) 16, (二) 11, (三) 50, (四) 3
    assert (result.bonus, result.total, result.excluded_by) == (D(10), D(90), [])


def test_the_village_a_step_either_side_of_its_bounds():
    one_fewer = score_rubric(RUBRIC, {**VILLAGE, "(一)1": {"achieved": 33, "total": 42, "excluded": 2}})
    trained = score_rubric(RUBRIC, {**VILLAGE, "(二)3": {"achieved": 5, "total": 60}})
    more_incidents = score_rubric(RUBRIC, {**VILLAGE, "(四)1": {"incidents": 7}})

    assert one_fewer.items["(一)1"] == 3 and one_fewer.score == 79  # 82.5 %: 「80%-85%得3分」
    assert trained.items["(二)3"] == 2 and trained.score == 79  # 8.3 %: 「5%-10%得2分」
    assert more_incidents.items["(四)1"] == 0 and more_incidents.score == 77  # 「扣完为止」


def test_the_bonus_counts_honours_each_time_and_the_media_once():
    bonus = item("(五)1")

    def points(honours=0, notes=0, hosted=0, media=False):
        parts = {"荣誉": {"events": honours}, "批示": {"events": notes}, "承办活动": {"events": hosted},
                 "媒体报道": {"met": media}}
        return item_points(bonus, {"parts": parts})

    assert points(notes=1, media=True) == 5  # 「每次加3分」 + 「加2分」
    assert points(notes=2, hosted=1) == 8
    assert points(honours=2) == 10 and points(honours=3) == 10
    assert score_rubric(RUBRIC, {**VILLAGE, "(五)1": {"parts": {
        "荣誉": {"events": 0}, "批示": {"events": 1}, "承办活动": {"events": 0}, "媒体报道": {"met": False}}}}).total == 83
