from decimal import Decimal

import pytest

from appraisal import scoring
from appraisal.enums import Grade
from tests.appraisal.conftest import marks

D = Decimal


def test_total_weights_dimensions_20_20_40_20():
    # 德 100, 勤 0, 绩 50, 效 0 from every source: 20 + 0 + 20 + 0.
    assert scoring.total(marks(100, 0, 50, 0), scoring.Weights()) == D("40.00")


def test_total_weights_sources_30_30_40():
    by_source = {"clients": (100,) * 4, "peers": (0,) * 4, "leaders": (50,) * 4}

    assert scoring.total(marks(by_source=by_source), scoring.Weights()) == D("50.00")  # 30 + 0 + 20
    assert scoring.total(marks(by_source=by_source), scoring.Weights(D(50), D(50), D(0))) == D("50.00")
    assert scoring.total(marks(by_source=by_source), scoring.Weights(D(100), D(0), D(0))) == D("100.00")


def test_total_rounds_half_up_once_at_the_end():
    # 德 from clients 85.5 only (30 %): 25.65 → 5.13 points; 效 from leaders 1 only (40 %): 0.4 → 0.08; total 5.21.
    by_source = {"clients": ("85.5", 0, 0, 0), "peers": (0,) * 4, "leaders": (0, 0, 0, 1)}
    assert scoring.total(marks(by_source=by_source), scoring.Weights()) == D("5.21")
    # 1/3 per source: 德 of 1 from clients with weights 33.33 · 33.33 · 33.34 → 0.06666 points → 0.07.
    thirds = scoring.Weights(D("33.33"), D("33.33"), D("33.34"))
    by_source = {"clients": (1, 0, 0, 0), "peers": (0,) * 4, "leaders": (0,) * 4}
    assert scoring.total(marks(by_source=by_source), thirds) == D("0.07")


def test_standard_is_four_judged_items_adding_to_100():
    assert [(code, title, points) for code, title, points in scoring.dimensions()] == [
        ("de", "德", 20), ("qin", "勤", 20), ("ji", "绩", 40), ("xiao", "效", 20)]


@pytest.mark.parametrize(("score", "grade"), [
    ("100", Grade.EXCELLENT), ("90", Grade.EXCELLENT), ("89.99", Grade.COMPETENT), ("75", Grade.COMPETENT),
    ("74.99", Grade.BASIC), ("60", Grade.BASIC), ("59.99", Grade.INCOMPETENT), ("0", Grade.INCOMPETENT),
])
def test_grade_bounds_at_their_edges(score, grade):
    assert scoring.grade_by_score(D(score), scoring.Bounds()) == grade


def test_decide_two_complaints_by_score_three_incompetent():
    assert scoring.decide(D(95), scoring.Bounds(), 2) == (Grade.EXCELLENT, "按总分评定")
    assert scoring.decide(D(95), scoring.Bounds(), 3) == (Grade.INCOMPETENT, "当年被投诉并查实3次，按业务规范三(五)2评为不称职")
