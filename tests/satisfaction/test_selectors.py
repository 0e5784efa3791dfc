from datetime import date, datetime
from decimal import Decimal

import pytest

from satisfaction import selectors, services
from satisfaction.models import Case
from tests.satisfaction.world import BAD, BEIJING, BUILT_AT, GOOD, build, rate
from tests.worlds import module_world

_world, world = module_world("world", build, built_at=BUILT_AT)
pytestmark = pytest.mark.django_db
Q4 = (date(2026, 10, 1), date(2026, 12, 31))


def _ratings(world):
    point, user = world["point"], world["tianzhen_user"]
    for n, overall in enumerate([5, 4, 3, 3, 5, 4]):
        rate(point, {**GOOD, "overall": overall, "attitude": 2 if n < 2 else 5}, device=f"g{n}")
    cases = [Case.objects.get(rating=rate(point, BAD, device=f"b{n}")) for n in range(3)]
    cases.append(Case.objects.get(rating=rate(point, {**BAD, "overall": 1, "phone": "", "phone_consent": False}, device="b9")))
    services.case_verify(case=cases[0], actor=user, founded=True, findings="属实")
    services.case_rectify(case=cases[0], actor=user, measures="整改")
    services.case_callback(case=cases[0], actor=user, on=date(2026, 11, 10), outcome="满意")
    services.case_reply(case=cases[0], actor=user, text="已整改")
    services.case_verify(case=cases[1], actor=user, founded=False, findings="不属实")
    return cases


def test_rates_of_a_quarter(world):
    _ratings(world)

    tally = selectors.satisfaction_counts(world["tianzhen"], *Q4)

    assert (tally.total, tally.levels) == (10, {5: 2, 4: 2, 3: 2, 2: 3, 1: 1})
    assert tally.satisfaction_rate == Decimal("60.00")  # 6 / 10
    assert tally.indicator_rate("attitude") == Decimal("40.00")  # 5,5,5,5 favourable of 10
    assert (tally.cases, tally.rectified, tally.to_rectify) == (4, 1, 3)
    assert tally.rectification_rate == Decimal("33.33")
    assert (tally.callback_rate, tally.reply_rate) == (Decimal("33.33"), Decimal("25.00"))  # 1/3 with a phone, 1/4


def test_satisfaction_rate_feed_for_rubrics(world):
    _ratings(world)

    assert selectors.satisfaction_rate(world["tianzhen"], *Q4) == Decimal("60.00")
    assert selectors.satisfaction_rate(world["luhu"], *Q4) is None


def test_empty_quarter_has_no_rates(world):
    _ratings(world)

    tally = selectors.satisfaction_counts(world["tianzhen"], date(2026, 7, 1), date(2026, 9, 30))

    assert tally.total == 0
    assert [tally.satisfaction_rate, tally.rectification_rate, tally.callback_rate, tally.reply_rate] == [None] * 4


def test_quarter_bounds_in_beijing_time(world):
    rate(world["point"], GOOD, now=datetime(2026, 9, 30, 23, 30, tzinfo=BEIJING))

    assert selectors.satisfaction_counts(world["tianzhen"], date(2026, 7, 1), date(2026, 9, 30)).total == 1
    assert selectors.satisfaction_counts(world["tianzhen"], *Q4).total == 0


def test_ranked_best_rate_first_without_unrated(world):
    rate(world["point"], BAD, device="x")
    rate(world["luhu_point"], GOOD, device="y")
    institutions = [world["tianzhen"], world["luhu"], world["other"]]

    rows = selectors.ranked(institutions, *Q4)

    assert [(i.name, t.satisfaction_rate) for i, t in rows] == [
        ("高青县芦湖街道社区就业服务站", Decimal("100.00")), ("高青县田镇街道便民服务中心", Decimal("0.00")),
    ]  # fmt: skip
