"""Seed 003 section 五, 充分就业社区创建标准 of the 山东省基层公共就业服务平台业务规范, shipped as data
(rubrics/standards/sd_community.json) as far as the seed goes: its structure, its text as written, and a whole
community checked against it by hand. The text gives no points: each numbered clause is a requirement met or not
(`pass_fail`, 1 each), full marks the number of clauses. Pure, but for storing it once in the database."""

import random
import re
from decimal import Decimal

import pytest

from rubrics.engine import FactsError, item_points, score_rubric
from rubrics.standards import STANDARDS
from tests.rubrics import standard_checks as checks

RUBRIC = STANDARDS["sd_community"]

D = Decimal

CODES = ["(一)1", "(一)2", "(一)3", "(二)1", "(二)2", "(二)3", "(二)4", "(二)5", "(二)6", "(二)7", "(二)8", "(三)1"]
UNSTATED = ("version", "issuer", "standard", "offices")  # the text names no version, issuer, points nor office


def item(code):
    return next(i for i in checks.all_items(RUBRIC) if i["code"] == code)


def test_the_standard_is_registered_as_plain_data():
    assert STANDARDS["sd_community"] is RUBRIC
    assert (RUBRIC["slug"], RUBRIC["name"], RUBRIC["version"], RUBRIC["issuer"]) == (
        "sd_community", "充分就业社区创建标准", "", "",
    )
    assert RUBRIC["document"] == "山东省基层公共就业服务平台业务规范 五"
    assert RUBRIC["truncated"] is True
    checks.check_plain_data(RUBRIC)


def test_each_clause_is_one_requirement_and_the_requirements_add_up_to_full_marks():
    checks.check_numbers_add_up(RUBRIC, full_marks=12, bonus=False)
    checks.check_codes_follow_the_numbering(RUBRIC)
    assert [(i["code"], i["title"], i["points"]) for i in RUBRIC["indicators"]] == [
        ("(一)", "组织领导", 3), ("(二)", "综合服务", 8), ("(三)", "基础工作", 1),
    ]
    assert [i["code"] for i in RUBRIC["items"]] == CODES
    assert {(i["kind"], i["max"]) for i in RUBRIC["items"]} == {("pass_fail", 1)}  # no points in the text
    assert not [i["code"] for i in RUBRIC["items"] if "none_scores_full" in i or "precondition" in i]
    assert [i["code"] for i in RUBRIC["items"] if i.get("truncated")] == ["(三)1"]  # cut off in its last sentence


def test_every_text_field_is_filled_where_the_text_gives_it():
    checks.check_text(RUBRIC, no_method=set(CODES), unstated=UNSTATED)
    assert not [i["code"] for i in RUBRIC["items"] if i["star"] or i["guiding"]]
    for requirement in RUBRIC["items"]:  # the title: the clause's first sentence
        title, content = requirement["title"], requirement["content"]
        assert content.startswith(title) and title.index("。") == len(title) - 1, requirement["code"]
    notes = "\n".join(RUBRIC["notes"])
    for reading in ("截断", "建立工作人员岗", "分值", "没有自设百分制", "达标", "没有用gate", "85%", "片段", "无人可计"):
        assert reading in notes, reading


def seed_section():
    """Section 五 of seed 003 to where the seed stops. The seed is a web page's copy: the document's text is its
    preview, in fragments each starting a line with the page's own number (「14、」「15、」…), broken mid-word
    (「会务人员服」「务质量」): the fragments joined as they are, their numbers left out."""
    if not checks.SEED_003.exists():
        pytest.skip("the seed document is not on this machine")
    lines = [line.strip() for line in checks.SEED_003.read_text(encoding="utf-8").split("\n")]
    assert lines[0] == "山东省基层公共就业服务平台业务规范"
    start = next(n for n, line in enumerate(lines) if line.startswith("《")) + 1
    fragments = [line for line in lines[start:lines.index("展开阅读全文")] if line]
    assert [re.match(r"\d+、", fragment).group() for fragment in fragments] == [f"{n}、" for n in range(1, 17)]
    text = "".join(re.sub(r"^\d+、", "", fragment) for fragment in fragments)
    return text[text.index("五、充分就业社区创建标准"):]


def test_the_text_is_the_seeds_as_written_to_where_it_is_cut_off():
    section = seed_section()
    pieces = ["五、" + RUBRIC["name"]]
    for indicator in RUBRIC["indicators"]:
        pieces.append(indicator["code"] + indicator["title"])
        for requirement in RUBRIC["items"]:
            if requirement["indicator"] == indicator["code"]:
                pieces.append(requirement["code"].removeprefix(indicator["code"]) + "、" + requirement["content"])

    # the whole section, piece after piece, nothing left out and nothing added but the spaces between them
    at = 0
    for piece in pieces:
        at += len(section[at:]) - len(section[at:].lstrip())
        assert section.startswith(piece, at), (piece, section[at:at + 40])
        at += len(piece)
    assert at == len(section)
    assert section.endswith("组织学习掌握劳动保障政策法规。建立工作人员岗")  # where the seed stops, mid-word
    # as written: the seed's spaces beside numbers, its lost 「%」, the fragments joined mid-word
    assert "再就业率不低于 85,定期走访" in item("(二)1")["content"]
    assert item("(二)1")["content"].startswith("建立就业困难群体、")
    assert item("(二)3")["content"].endswith("建有三保、三托、三项服务设施。")


def test_each_requirement_scores_1_met_and_0_not():
    checks.check_extremes(RUBRIC)
    checks.check_empty_and_negative_facts(RUBRIC)
    for code in CODES:
        with pytest.raises(FactsError):  # met or not must be given: nothing scores by default
            item_points(item(code), {})
        assert item_points(item(code), {"none_in_period": True, "met": False}) == 0  # no 「未出现…的」 clause


# A community checked against section 五 over a year, requirement by requirement (the facts behind each `met` in the
# comments: the assessor's reading, the data scores only met or not).
COMMUNITY = {
    "(一)1": {"met": True},  # 创建领导小组, 专门文件, 议事日程, 专题会议, 领导专门分管
    "(一)2": {"met": True},  # 资金投入 for the premises, staff costs, computers and network
    "(一)3": {"met": True},  # 省级充分就业社区 since 2019, a 规划, 目标考核 by person
    "(二)1": {"met": True},  # 再就业率 17 of 20 = 85 % 「不低于 85」; one of 2 零就业 families' members in stable work;
    #                          就业率 of those able and willing 45 of 50 = 90 % 「不低于90%」: both at the bound
    "(二)2": {"met": False},  # 结伴率 15 of 20 就业困难人员 = 75 %: short of 「达到 80%以上」
    "(二)3": {"met": True},  # 岗位开发台帐, 三保、三托、三项服务设施
    "(二)4": {"met": True},  # 扶持政策落实台帐, 鼓励创业政策措施
    "(二)5": {"met": False},  # 3 campaigns in the year, none in the third quarter: 「每季进行一次…全年不少于 4 次」
    "(二)6": {"met": True},  # all 12 with a training wish trained, 9 in work after = 75 % 「不低于 70%」
    "(二)7": {"met": True},  # every eligible family on 城市居民最低生活保障
    "(二)8": {"met": True},  # no 集体上访, a survey 92 % satisfied
    "(三)1": {"met": True},  # a service room, 2 full-time staff (「不少于 2 人」) trained as 劳动保障协理员;
    #                          「建立工作人员岗…」 cut off: not judged
}
EXPECTED = {code: D(1) for code in CODES} | {"(二)2": D(0), "(二)5": D(0)}


def test_a_whole_community_counts_the_requirements_it_meets():
    result = score_rubric(RUBRIC, COMMUNITY)

    assert result.items == EXPECTED
    assert result.score == D(3) + D(6) + D(1) == D(10)  # (一) 3 of 3, (二) 6 of 8, (三) 1 of 1
    assert (result.bonus, result.total, result.excluded_by) == (0, D(10), [])  # no bonus, no gate in the text
    assert result.score < RUBRIC["full_marks"]  # 10 of 12: not every requirement of the text met


def test_the_community_once_it_pairs_and_campaigns_meets_every_requirement_given():
    facts = {**COMMUNITY, "(二)2": {"met": True}, "(二)5": {"met": True}}  # 结伴率 16 of 20 = 80 %; 4 quarters

    result = score_rubric(RUBRIC, facts)

    assert result.score == result.total == RUBRIC["full_marks"] == 12
    with pytest.raises(FactsError):  # a requirement left unanswered is refused, not scored 0
        score_rubric(RUBRIC, {code: met for code, met in facts.items() if code != "(三)1"})


@pytest.mark.django_db
def test_the_standard_stored_scores_as_shipped():
    from rubrics import services
    from scripts.bench_rubrics import community

    rubric = services.rubric_install(RUBRIC, standard="sd_community")
    rng = random.Random(3)

    assert (rubric.version, rubric.full_marks, rubric.bonus_cap, rubric.items.count()) == ("", 12, 0, 12)
    assert services.rubric_score(rubric, COMMUNITY) == score_rubric(RUBRIC, COMMUNITY)
    for _ in range(20):
        facts = community(RUBRIC, rng)
        assert services.rubric_score(rubric, facts) == score_rubric(RUBRIC, facts)
