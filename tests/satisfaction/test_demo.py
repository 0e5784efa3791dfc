from datetime import date

import pytest

from satisfaction.demo import seed_satisfaction
from satisfaction.enums import CaseStatus
from satisfaction.models import Case, PublishedRanking
from tests.satisfaction.world import BUILT_AT, build
from tests.worlds import module_world

_world, world = module_world("world", build, built_at=BUILT_AT)
pytestmark = pytest.mark.django_db


def test_seed_satisfaction_is_idempotent_with_cases_at_every_stage(world):
    made = seed_satisfaction()
    again = seed_satisfaction()

    assert made > 50 and again == 0
    statuses = set(Case.objects.filter(rating__rated_at__date__gte=date(2026, 10, 1)).values_list("status", flat=True))
    assert statuses >= {CaseStatus.PENDING, CaseStatus.RECTIFYING, CaseStatus.ANSWERING, CaseStatus.CLOSED}
    assert any(case.is_overdue(date(2026, 11, 10)) for case in Case.objects.filter(status=CaseStatus.PENDING))
    ranking = PublishedRanking.objects.get(region__code="370322", year=2026, quarter=3)
    assert {row["institution"] for row in ranking.rows} >= {"高青县田镇街道便民服务中心", "高青县芦湖街道社区就业服务站"}
