"""Seed 000 四, the county benchmark review's rubric, shipped as data (rubrics/standards/gq_county_benchmark.json): the
basic conditions and county condition 1 are gates, county conditions 2–4 required and judged, condition 5 a priority
bonus; county condition 1 binds the county public agency alone (「其他机构不作要求」). Pure."""

from decimal import Decimal

import pytest

from rubrics.engine import FactsError, applies, score_rubric
from rubrics.standards import STANDARDS
from tests.rubrics import standard_checks as checks

RUBRIC = STANDARDS["gq_county_benchmark"]
SEED_000 = checks.SEED.with_name("000_b4823a35444c5f3b.txt")
D = Decimal

BASIC = [f"(一){n}" for n in range(1, 7)]
JUDGED = {"(二)2": 35, "(二)3": 35, "(二)4": 30}


def test_the_structure_reads_the_text_as_required_conditions_and_a_priority_bonus():
    checks.check_plain_data(RUBRIC)
    assert [i["code"] for i in RUBRIC["items"]] == [*BASIC, "(二)1", *JUDGED]
    assert [i["code"] for i in RUBRIC["bonus"]] == ["(二)5"]
    kinds = {i["code"]: (i["kind"], i.get("gate", False), i["max"]) for i in RUBRIC["items"]}
    assert {code: kinds[code] for code in BASIC} == {code: ("gate", False, 0) for code in BASIC}
    assert kinds["(二)1"] == ("gate", False, 0)
    assert {code: kinds[code] for code in JUDGED} == {code: ("judged", True, points) for code, points in JUDGED.items()}
    assert sum(JUDGED.values()) == RUBRIC["full_marks"] == 100
    bonus = RUBRIC["bonus"][0]
    assert (bonus["kind"], bonus["max"], RUBRIC["bonus_cap"], bonus.get("gate")) == ("judged", 10, 10, None)
    assert RUBRIC["items"][6]["applies_to"] == {"institution_kind": ["public_agency"]}
    assert [i["code"] for i in RUBRIC["items"] + RUBRIC["bonus"] if "applies_to" in i] == ["(二)1"]
    notes = "\n".join(RUBRIC["notes"])
    for reading in ("须符合就业服务质量标杆机构评定基本条件，并符合以下条件", "其他机构不作要求", "不是原文", "优先评定"):
        assert reading in notes, reading


def test_the_conditions_are_the_seeds_as_written():
    if not SEED_000.exists():
        pytest.skip("the seed document is not on this machine")
    lines = [line.rstrip() for line in SEED_000.read_text(encoding="utf-8").splitlines()]
    basic = lines[lines.index("（一）就业服务质量标杆机构评定基本条件") + 1:][:6]
    county = lines[lines.index("须符合就业服务质量标杆机构评定基本条件，并符合以下条件：") + 1:][:5]
    written = [f"{n}.{i['content']}" for n, i in enumerate(RUBRIC["items"][:6], start=1)]
    written += [f"{n}.{i['content']}" for n, i in enumerate(RUBRIC["items"][6:] + RUBRIC["bonus"], start=1)]
    assert written == basic + county


def facts(*, met=True, not_met=(), points=(30, 30, 25), bonus=None):
    given = {code: {"met": met and code not in not_met} for code in [*BASIC, "(二)1"]}
    for code, value in zip(JUDGED, points, strict=True):
        given[code] = {"met": code not in not_met, "points": D(value)}
    if bonus is not None:
        given["(二)5"] = {"points": D(bonus)}
    return given


def test_a_company_is_not_asked_for_the_county_agencys_staffing_and_scores_its_judged_points_and_bonus():
    company = {"institution_kind": "commercial_hr"}
    given = facts(bonus=8)
    del given["(二)1"]  # nobody records it for a company

    result = score_rubric(RUBRIC, given, subject=company)

    assert result.not_applicable == ["(二)1"]
    assert result.excluded_by == []
    assert (result.score, result.bonus, result.total) == (D(85), D(8), D(93))


def test_the_county_agency_is_bound_by_condition_1():
    agency = {"institution_kind": "public_agency"}

    without_staffing = score_rubric(RUBRIC, facts(not_met={"(二)1"}), subject=agency)
    with_staffing = score_rubric(RUBRIC, facts(), subject=agency)

    assert without_staffing.excluded_by == ["(二)1"] and without_staffing.not_applicable == []
    assert with_staffing.excluded_by == [] and with_staffing.total == D(85)


def test_a_town_platform_is_not_bound_by_condition_1_but_by_every_other_condition():
    platform = {"institution_kind": "grassroots"}

    result = score_rubric(RUBRIC, facts(not_met={"(一)3", "(二)3"}), subject=platform)

    assert result.not_applicable == ["(二)1"]
    assert result.excluded_by == ["(一)3", "(二)3"]  # a judged condition not met excludes too; its points still shown
    assert result.items["(二)3"] == D(30) and result.score == D(85)


def test_without_a_subject_every_item_applies():
    assert applies(RUBRIC["items"][6], None) and applies(RUBRIC["items"][6], {})
    assert not applies(RUBRIC["items"][6], {"institution_kind": "gig_market"})


def test_judged_points_stay_within_each_maximum_and_the_bonus_within_its_own():
    with pytest.raises(FactsError):
        score_rubric(RUBRIC, facts(points=(36, 30, 25)))
    with pytest.raises(FactsError):
        score_rubric(RUBRIC, facts(bonus=11))
    assert score_rubric(RUBRIC, facts(points=(35, 35, 30), bonus=10)).total == D(110)
