"""Rubrics stored as versioned data: installed, read back as the engine's data, scored, frozen in use, revised as a
copy."""

from decimal import Decimal

import pytest

from portal.models import AuditRecord
from rubrics import services
from rubrics.models import Rubric
from tests.factories import UserFactory
from tests.portal.helpers import refusal
from tests.rubrics.test_engine import LOCAL_JOBS, REEMPLOYMENT, ZERO_EMPLOYMENT

pytestmark = pytest.mark.django_db

DATA = {
    "name": "测试社区标准",
    "document": "测试文件 附件4",
    "version": "2024年修订版",
    "full_marks": 100,
    "bonus_cap": 10,
    "notes": ["测试用"],
    "indicators": [{"code": "(一)", "title": "主要就业指标达标情况", "points": 18}],
    "items": [
        {**REEMPLOYMENT, "indicator": "(一)", "title": "登记失业人员就业率", "content": "报告期内…", "star": False},
        {**ZERO_EMPLOYMENT, "code": "(一)4", "indicator": "(一)", "title": "零就业家庭动态清零"},
        {**LOCAL_JOBS, "code": "(一)5", "indicator": "(一)", "title": "产业带动就业", "star": True},
    ],
    "bonus": [{"code": "加分", "per_event": 5, "title": "获得市级以上荣誉，每次加5分"}],
}
FACTS = {
    "(一)1": {"achieved": 85, "total": 100, "deductions": {"baseline_unclear": True}},
    "(一)4": {"none_in_period": True},
    "(一)5": {"count": 20},
    "加分": {"events": 3},
}


def test_a_stored_rubric_scores_as_its_data_does():
    from rubrics.engine import score_rubric

    rubric = services.rubric_install(DATA, standard="test")

    stored = services.rubric_score(rubric, FACTS)

    assert stored == score_rubric(DATA, FACTS)
    assert (stored.items["(一)1"], stored.items["(一)4"], stored.items["(一)5"]) == (Decimal(3), Decimal(5), Decimal(2))
    assert (stored.score, stored.bonus) == (Decimal(10), Decimal(10))
    assert [(i.code, i.indicator.code, i.star) for i in rubric.items.filter(is_bonus=False)] == [
        ("(一)1", "(一)", False), ("(一)4", "(一)", False), ("(一)5", "(一)", True)
    ]
    assert services.rubric_data(rubric)["items"][0]["content"] == "报告期内…"


def test_a_frozen_rubric_refuses_edits_and_a_new_version_is_an_editable_copy():
    admin = UserFactory()
    rubric = services.rubric_install(DATA)
    services.rubric_freeze(rubric, actor=admin)
    item = rubric.items.get(code="(一)5")

    refused = refusal(lambda: services.item_update(item, actor=admin, max_points=Decimal(6)))
    revised = services.rubric_new_version(rubric, version="2025年修订版", actor=admin)
    services.item_update(revised.items.get(code="(一)5"), actor=admin, max_points=Decimal(4))

    assert refused == "该评分标准已启用，不能修改；请另存为新版本后修改。"
    assert (revised.previous, revised.version, revised.is_frozen) == (rubric, "2025年修订版", False)
    assert services.rubric_score(revised, FACTS).items["(一)5"] == 2  # 20人次 still 2 points, within 4
    assert services.rubric_score(revised, {**FACTS, "(一)5": {"count": 50}}).items["(一)5"] == 4  # capped at the new 4
    assert services.rubric_score(rubric, {**FACTS, "(一)5": {"count": 50}}).items["(一)5"] == 5  # the old one unchanged
    assert AuditRecord.objects.filter(object_type="rubrics.rubric").count() == 3  # frozen, revised, item changed


def test_a_frozen_rubrics_data_is_read_once_an_open_ones_on_every_call(django_assert_num_queries):
    admin = UserFactory()
    rubric = services.rubric_install(DATA)
    services.item_update(rubric.items.get(code="(一)5"), actor=admin, max_points=Decimal(4))
    assert services.rubric_data(rubric)["items"][2]["max"] == "4"  # an open rubric: as edited, read each time

    services.rubric_freeze(rubric)
    first = services.rubric_data(rubric)
    with django_assert_num_queries(0):
        again = services.rubric_data(rubric)

    assert again is first and first["items"][2]["max"] == "4"


def test_a_new_version_needs_a_new_label():
    rubric = services.rubric_install(DATA)

    assert refusal(lambda: services.rubric_new_version(rubric, version=" ")) == "请填写新版本的名称，例如：2025年修订版。"
    assert refusal(lambda: services.rubric_new_version(rubric, version="2024年修订版")) == "该评分标准已有“2024年修订版”版本。"
    assert Rubric.objects.count() == 1


@pytest.mark.parametrize("slug", ["gz_village_2024", "gz_community_2024"])
def test_a_shipped_standard_scores_the_same_stored_as_shipped(slug):
    import random

    from rubrics.engine import score_rubric
    from rubrics.standards import STANDARDS
    from scripts.bench_rubrics import community

    shipped = STANDARDS[slug]
    rubric = services.rubric_install(shipped, standard=slug)
    rng = random.Random(7)

    for _ in range(20):
        facts = community(shipped, rng)
        assert services.rubric_score(rubric, facts) == score_rubric(shipped, facts)
    assert rubric.items.count() == len(shipped["items"]) + len(shipped.get("bonus", ()))
