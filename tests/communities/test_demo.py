"""The demo's campaigns (communities.demo): built through the services on 良口镇's communities and villages, each step of
the chain present, and built once."""

import pytest

from communities.demo import seed_communities
from communities.enums import EntryStatus
from communities.models import Campaign, Entry, Evaluation, Recheck
from portal.enums import RegionLevel, Role, Settlement
from portal.models import Title
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMES = ["良新村", "米埗村", "和丰村", "良平村", "塘尾村", "少沙村", "良明村", "磻溪村", "塘料村", "高沙村", "联群村", "胜塘村",
         "长流村", "北溪村", "合群村", "梅树村", "锦村", "乐明村", "下溪村", "溪头村", "东星村", "黄竹塱社区", "彩虹社区"]


def test_the_demo_walks_the_chain_once():
    district = RegionFactory(code="440117", name="从化区", level=RegionLevel.COUNTY)
    town = RegionFactory(code="440117101000", name="良口镇", level=RegionLevel.TOWN, parent=district)
    for n, name in enumerate(NAMES, start=1):
        RegionFactory(code=f"440117101{900 + n}", name=name, level=RegionLevel.COMMUNITY, parent=town,
                      settlement=Settlement.COMMUNITY if name.endswith("社区") else Settlement.VILLAGE)
    UserFactory(role=Role.TOWN_STAFF, region=town)
    admin = UserFactory()

    made = seed_communities(admin=admin)
    again = seed_communities(admin=admin)

    assert made == ["2024年充分就业社区（村）创建", "2026年充分就业社区（村）创建", "2024年高质量就业村创建", "2026年高质量就业村创建"]
    assert again == []
    finished = Entry.objects.filter(campaign__year=2024, campaign__programme__kind="full_employment")
    assert {s: finished.filter(status=s).count() for s in ("titled", "not_recommended")} == {"titled": 21, "not_recommended": 2}
    notice = Campaign.objects.get(year=2024, programme__kind="full_employment").notice
    assert (notice.published_at.date().isoformat(), notice.working_days) == ("2024-11-12", 5)
    assert Title.objects.filter(programme__kind="full_employment", awarded_on="2024-11-25").count() == 21
    submitted = Evaluation.objects.filter(entry__campaign__year=2024).values_list("level", "submitted_at__date")
    assert {(level, day.isoformat()[:7]) for level, day in submitted} == {
        ("self", "2024-10"), ("town", "2024-10"), ("district", "2024-11")}  # as the plan dates the steps
    rechecks = Recheck.objects.filter(year=2025)
    assert rechecks.count() == 21 + 4 and rechecks.filter(status="passed").count() == 24
    assert rechecks.get(status="rectified").title.holder_name == "良平村"
    full = Entry.objects.filter(campaign__year=2026, campaign__programme__kind="full_employment")
    statuses = {status: full.filter(status=status).count() for status in EntryStatus.values}
    assert statuses == {"listed": 6, "self_submitted": 5, "recommended": 5, "not_recommended": 1, "verified": 6,
                        "not_verified": 0, "publicised": 0, "titled": 0, "disqualified": 0}
    assert all(e.evaluations.get(level="self").assessment.total is not None for e in full.exclude(status="listed"))
    villages = Entry.objects.filter(campaign__year=2026, campaign__programme__kind="quality_village").order_by("order")
    assert [e.community.name for e in villages] == ["溪头村", "米埗村", "塘尾村", "良明村"]
    assert Campaign.objects.get(year=2026, programme__kind="quality_village").targets.get().count == 4
