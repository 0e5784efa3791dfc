"""The demo's regions (portal/demo.py, seed_demo's `_regions`): 良口镇 with the 23 communities and villages of seed 002
附件2 in its order, 高青县 with its towns, real codes only for the provinces, cities and counties, and the two local
roles' demo accounts placed where their role needs them. Idempotent."""

import pytest

from config.management.commands import seed_demo
from portal.demo import LIANGKOU_COMMUNITIES, seed_regions
from portal.enums import RegionLevel, Settlement
from portal.models import Region, User

pytestmark = pytest.mark.django_db

ANNEX_2 = (
    "良新村 米埗村 和丰村 良平村 塘尾村 少沙村 良明村 磻溪村 塘料村 高沙村 联群村 胜塘村 长流村 北溪村 合群村 梅树村 锦村 乐明村 "
    "下溪村 溪头村 东星村 黄竹塱社区 彩虹社区"
).split()


def test_liangkou_has_the_23_communities_and_villages_of_annex_2_in_order():
    seed_regions()
    seed_regions()  # again: nothing new

    town = Region.objects.get(name="良口镇")
    rows = list(town.children.order_by("code").values_list("name", "settlement", "code", "code_is_local"))
    assert LIANGKOU_COMMUNITIES == ANNEX_2
    assert [name for name, *_ in rows] == ANNEX_2
    assert {name: settlement for name, settlement, *_ in rows if settlement == Settlement.COMMUNITY} == {
        "黄竹塱社区": Settlement.COMMUNITY, "彩虹社区": Settlement.COMMUNITY,
    }
    assert sum(1 for _, settlement, *_ in rows if settlement == Settlement.VILLAGE) == 21
    assert all(local and code.startswith(town.code_prefix) and code[9] == "9" for *_, code, local in rows)
    assert (town.code, town.code_is_local, town.parent.code, town.parent.parent.code, town.parent.parent.parent.code) == (
        "440117901000", True, "440117", "440100", "440000"
    )
    assert Region.objects.count() == 6 + 9 + 1 + 23


def test_gaoqing_towns_have_local_codes_and_the_counties_real_ones():
    seed_regions()

    towns = list(Region.objects.filter(parent__code="370322").order_by("code").values_list("name", "code"))
    assert [name for name, _ in towns] == ["田镇街道", "芦湖街道", "青城镇", "高城镇", "黑里寨镇", "唐坊镇", "常家镇", "花沟镇", "木李镇"]
    assert towns[0][1] == "370322901000" and towns[-1][1] == "370322909000"
    counties_and_above = Region.objects.exclude(level__in=[RegionLevel.TOWN, RegionLevel.COMMUNITY])
    assert counties_and_above.count() == 6 and not counties_and_above.filter(code_is_local=True).exists()


def test_a_corrected_code_survives_the_demo_run_again():
    seed_regions()
    Region.objects.filter(name="彩虹社区").update(code="440117901201", code_is_local=False)

    again = seed_regions()

    assert again["彩虹社区"].code == "440117901201"
    assert Region.objects.filter(name="彩虹社区").count() == 1


def test_the_local_roles_demo_accounts_are_placed_where_their_role_needs():
    regions = seed_regions()
    roles = {username: role for username, _name, role, *_ in seed_demo.DEMO_USERS}

    for username in ("community_staff", "town_staff"):
        User(username=username, role=roles[username], region=regions[seed_demo.DEMO_USER_REGIONS[username]]).clean()
    assert regions[seed_demo.DEMO_USER_REGIONS["community_staff"]].name == "黄竹塱社区"
    assert regions[seed_demo.DEMO_USER_REGIONS["town_staff"]].name == "良口镇"
