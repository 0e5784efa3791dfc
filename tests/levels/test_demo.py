"""The demo of the targets (levels.demo.seed_levels): seeded twice, the second run changes nothing; the figures are
the province's 10/100/1000 handed down within their totals, and the 2026 award of 十五五 does not count for 2025."""

from datetime import date

import pytest

from levels.demo import seed_levels
from levels.models import Target
from levels.selectors import summary
from portal.enums import Level, RegionLevel, Role
from portal.models import Institution, Programme, Region, Title
from portal.periods import FIFTEENTH, FOURTEENTH
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {model.__name__: model.objects.count() for model in (Region, Programme, Institution, Title, Target)} | {
        "revoked": Title.objects.filter(revoked_at__isnull=False).count()}


def test_seeding_twice_changes_nothing_the_second_time():
    province = RegionFactory(code="370000", name="山东省", level=RegionLevel.PROVINCE)
    zibo = RegionFactory(code="370300", name="淄博市", level=RegionLevel.CITY, parent=province)
    users = {"admin_province": UserFactory(region=province), "admin_city": UserFactory(region=zibo),
             "viewer_city": UserFactory(role=Role.VIEWER, region=zibo)}

    first = seed_levels(**users)
    after_first = snapshot()
    second = seed_levels(**users)

    assert first == ["称号台账 29 条", "山东省“十百千”目标及分解"]
    assert (second, snapshot()) == ([], after_first)
    assert after_first | {"Region": 0} == {"Region": 0, "Programme": 10, "Institution": 29, "Title": 29, "Target": 43,
                                           "revoked": 3}
    assert Region.objects.filter(parent=province).count() == 16 and Region.objects.filter(parent=zibo).count() == 8
    shares = {level: sum(Target.objects.filter(parent__region=province, level=level).values_list("count", flat=True))
              for level in (Level.CITY, Level.COUNTY)}
    assert shares == {Level.CITY: 96, Level.COUNTY: 990}
    assert sum(Target.objects.filter(parent__region=zibo).values_list("count", flat=True)) == 58
    zhangdian = Region.objects.get(code="370303")
    today = date(2026, 12, 7)
    assert [(c.count, c.valid, c.revoked) for c in summary(scope=zhangdian, period=FOURTEENTH, today=today)] == [(10, 3, 1)]
    assert [(c.count, c.valid) for c in summary(scope=zhangdian, period=FIFTEENTH, today=today)] == [(None, 1)]
    assert [(c.count, c.valid, c.revoked) for c in summary(scope=province, period=FOURTEENTH, today=today)] == [
        (10, 6, 1), (100, 11, 1), (1000, 8, 1)]
