"""Regions down to the village (issue 15 point 1, portal/regions.py): the codes' rules at their boundaries, local codes,
the writes that keep every descendant's prefix, the admin site's forms and the accounts of the two local roles."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal import regions
from portal.enums import AuditEvent, RegionLevel, Role, Settlement
from portal.models import AuditRecord, Region, User
from tests.factories import UserFactory
from tests.portal.helpers import at, refusal, visible_text
from tests.portal.regions_world import COMMUNITY, COUNTY, TOWN, build_regions
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build_regions, built_at=at(2026, 6, 1, 9))


# --- the rules of a code, at their boundaries --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("370000", RegionLevel.PROVINCE, None),
        ("370100", RegionLevel.PROVINCE, "省级代码的后4位应为0000。"),
        ("370300", RegionLevel.CITY, None),
        ("370000", RegionLevel.CITY, "市级代码的后2位应为00，第3、4位不能是00。"),
        ("370322", RegionLevel.COUNTY, None),
        ("370300", RegionLevel.COUNTY, "县级代码的后2位不能是00。"),
        ("37032", RegionLevel.COUNTY, "县（市、区）的代码应为6位数字（行政区划代码），“37032”不是。"),
        ("3703220", RegionLevel.COUNTY, "县（市、区）的代码应为6位数字（行政区划代码），“3703220”不是。"),
        ("370322", RegionLevel.TOWN, "街道（镇）的代码应为12位数字（统计用区划代码），“370322”不是。"),
        ("37032210100A", RegionLevel.TOWN, "街道（镇）的代码应为12位数字（统计用区划代码），“37032210100A”不是。"),
        ("370322101000", RegionLevel.TOWN, None),
        ("370322001000", RegionLevel.TOWN, None),  # a street (001–099)
        ("370322101001", RegionLevel.TOWN, "街道（镇）代码的后3位应为000，第7至9位不能是000。"),
        ("370322000000", RegionLevel.TOWN, "街道（镇）代码的后3位应为000，第7至9位不能是000。"),
        ("370322101001", RegionLevel.COMMUNITY, None),
        ("370322101599", RegionLevel.COMMUNITY, None),  # the top of 类似村委会 (400–599)
        ("370322101000", RegionLevel.COMMUNITY, "社区（村）代码的后3位不能是000。"),
    ],
)
def test_a_code_has_the_shape_of_its_level(code, level, expected):
    assert regions.code_problem(code, level=level, parent=None) == expected


def test_a_code_must_start_with_its_parents_prefix(world):
    assert regions.code_problem("370322102000", level=TOWN, parent=world.county) is None
    assert regions.code_problem("370323102000", level=TOWN, parent=world.county) == (
        "代码370323102000不在上级“高青县”之内：应以370322开头。"
    )
    # a town's prefix is its first 9 digits: a community of 青城镇 is 370322101xxx
    assert regions.code_problem("370322101201", level=COMMUNITY, parent=world.real_town) is None
    assert regions.code_problem("370322102201", level=COMMUNITY, parent=world.real_town) == (
        "代码370322102201不在上级“青城镇”之内：应以370322101开头。"
    )


def test_the_9xx_range_is_for_local_codes_only(world):
    assert "落在本地编码段（第7至9位为9开头）" in regions.code_problem("370322900000", level=TOWN, parent=world.county)
    assert "落在本地编码段（第10至12位为9开头）" in regions.code_problem("370322101901", level=COMMUNITY, parent=world.real_town)
    # 600–899: used by neither the statistical codes nor the local ones
    assert regions.code_problem("370322101899", level=COMMUNITY, parent=world.real_town) is None
    assert regions.code_problem("370322101901", level=COMMUNITY, parent=world.real_town, local=True) is None
    assert regions.code_problem("370322101201", level=COMMUNITY, parent=world.real_town, local=True) == (
        "本地编码只用于街道（镇）和社区（村），且在9开头的代码段内。"
    )
    assert regions.is_local_code("370322901000", TOWN) and not regions.is_local_code("370322901000", COMMUNITY)


def test_a_level_is_one_below_its_parents(world):
    assert regions.level_problem(COMMUNITY, world.local_town) is None
    assert regions.level_problem(COMMUNITY, world.county) == "社区（村）的上级应为街道（镇）一级，“高青县”是县（市、区）一级。"
    assert regions.level_problem(RegionLevel.PROVINCE, world.county) == "省级区划没有上级区划。"
    assert regions.level_problem(TOWN, None) == "请填写上级区划。"


# --- code_prefix and contains with 12-digit codes ------------------------------------------------------------------------


def test_prefixes_and_containment_down_to_the_village(world):
    assert [r.code_prefix for r in (world.province, world.city, world.county, world.local_town, world.village)] == [
        "37", "3703", "370322", "370322901", "370322901901",
    ]
    for outer in (world.province, world.city, world.county, world.local_town):
        assert outer.contains(world.village)
    assert world.local_town.contains(world.local_town)
    assert not world.real_town.contains(world.village)
    assert not world.village.contains(world.local_town)
    assert not world.other_county.contains(world.village)


# --- local codes ---------------------------------------------------------------------------------------------------------


def test_local_codes_are_the_next_free_9xx_under_the_parent(world):
    assert (world.local_town.code, world.local_town.code_is_local) == ("370322901000", True)
    assert (world.village.code, world.community.code) == ("370322901901", "370322901902")
    assert regions.local_code(world.county, TOWN) == "370322902000"
    assert regions.local_code(world.county, TOWN, taken={"370322902000"}) == "370322903000"
    assert regions.local_code(world.real_town, COMMUNITY) == "370322101901"  # under a real code as well
    assert regions.local_code(world.local_town, COMMUNITY) == "370322901903"


def test_local_codes_skip_a_gap_left_and_end_at_999(world):
    Region.objects.filter(pk=world.village.pk).update(code="370322901950")
    assert regions.local_code(world.local_town, COMMUNITY) == "370322901901"
    Region.objects.bulk_create([
        Region(code=f"370322901{n}", name=f"村{n}", level=COMMUNITY, parent=world.local_town, settlement=Settlement.VILLAGE,
               code_is_local=True)
        for n in range(901, 1000) if n not in (902, 950)
    ])
    assert "下的本地编码（901至999）已用完" in refusal(lambda: regions.local_code(world.local_town, COMMUNITY))


def test_no_local_code_above_the_town(world):
    assert refusal(lambda: regions.local_code(world.city, COUNTY)) == "县级以上区划须填写6位行政区划代码，不能由系统编排。"
    assert refusal(lambda: regions.local_code(world.county, COMMUNITY)).startswith("社区（村）的上级应为街道（镇）一级")


# --- writes --------------------------------------------------------------------------------------------------------------


@pytest.mark.history
def test_correcting_a_local_code_recodes_the_descendants_with_history(world):
    town = Region.objects.get(pk=world.local_town.pk)
    town.code, town.code_is_local = "370322001000", False

    regions.region_update(town, actor=world.sysadmin, reason="取得统计用区划代码")

    codes = dict(Region.objects.filter(parent=town).values_list("name", "code"))
    assert codes == {"甲村": "370322001901", "乙社区": "370322001902"}  # their own digits kept, still local ones
    assert Region.objects.get(name="甲村").code_is_local
    assert town.history.first().history_change_reason == "取得统计用区划代码"
    village_history = Region.objects.get(name="甲村").history.first()
    assert (village_history.history_change_reason, village_history.history_user) == (
        "上级“田镇街道”的代码改为370322001000，随之改码", world.sysadmin
    )


def test_a_recode_that_would_collide_writes_nothing(world):
    Region.objects.create(code="370322001901", name="丙村", level=COMMUNITY, parent=world.county.parent, settlement="village")
    town = Region.objects.get(pk=world.local_town.pk)
    town.code, town.code_is_local = "370322001000", False

    assert refusal(lambda: regions.region_update(town, actor=world.sysadmin)) == "改码后的代码370322001901已属于“丙村”。"
    assert Region.objects.get(pk=world.local_town.pk).code == "370322901000"
    assert Region.objects.get(pk=world.village.pk).code == "370322901901"


def test_a_local_region_moves_with_a_new_local_code_and_a_real_one_cannot(world):
    village = Region.objects.get(pk=world.village.pk)
    village.parent = world.real_town
    regions.region_update(village)
    assert (village.code, village.code_is_local, village.parent) == ("370322101901", True, world.real_town)

    town = Region.objects.get(pk=world.real_town.pk)
    town.parent = world.other_county
    assert refusal(lambda: regions.region_update(town)) == "“青城镇”有统计用区划代码370322101000，代码已决定其上级，不能迁移到“历下区”。"


def test_add_refuses_a_duplicate_name_a_taken_code_and_a_missing_settlement(world):
    def add(**fields):
        return refusal(lambda: regions.region_add(Region(level=COMMUNITY, parent=world.local_town, **fields)))

    assert add(name="甲村", settlement="village") == "“田镇街道”下已有名为“甲村”的区划。"
    assert add(name="丁村", settlement="") == "社区（村）须注明是社区还是村。"
    assert add(name="丁村", settlement="village", code="370322901901", code_is_local=True) == "代码370322901901已属于“甲村”。"
    assert add(name="", settlement="village") == "名称不能为空。"


def test_region_ensure_finds_a_corrected_region_again(world):
    Region.objects.filter(pk=world.village.pk).update(code="370322901201", code_is_local=False)

    again = regions.region_ensure(name="甲村", level=COMMUNITY, parent=world.local_town, settlement="village")

    assert again.pk == world.village.pk and again.code == "370322901201"


# --- the admin site -----------------------------------------------------------------------------------------------------


def test_admin_adds_a_village_without_a_code_and_it_gets_a_local_one(login, world):
    client = login(world.sysadmin)
    response = client.post(reverse("admin:portal_region_add"), {
        "name": "丁村", "level": COMMUNITY, "parent": world.local_town.pk, "settlement": "village", "code": "",
    })

    assert response.status_code == 302
    village = Region.objects.get(name="丁村")
    assert (village.code, village.code_is_local) == ("370322901903", True)
    assert AuditRecord.objects.filter(event=AuditEvent.ADMIN_CHANGE, object_id=str(village.pk)).exists()
    listing = client.get(reverse("admin:portal_region_changelist"), {"q": "丁村"})
    assert "370322901903 本地编码" in visible_text(listing)


def test_admin_correcting_a_code_recodes_the_villages_and_a_bad_code_is_refused_on_the_form(login, world):
    client = login(world.sysadmin)
    url = reverse("admin:portal_region_change", args=[world.local_town.pk])
    fields = {"name": "田镇街道", "parent": world.county.pk, "settlement": ""}

    refused = client.post(url, fields | {"code": "370323001000"})
    client.post(url, fields | {"code": "370322001000"})

    assert "代码370323001000不在上级“高青县”之内：应以370322开头。" in visible_text(refused)
    town = Region.objects.get(pk=world.local_town.pk)
    assert (town.code, town.code_is_local) == ("370322001000", False)
    assert Region.objects.get(pk=world.village.pk).code == "370322001901"


# --- who is where: the two local roles' accounts -------------------------------------------------------------------------


def test_local_staff_need_a_region_of_their_level(world):
    user = UserFactory.build(role=Role.TOWN_STAFF, region=world.village)
    with pytest.raises(ValidationError) as error:
        user.clean()
    assert error.value.message_dict["region"] == ["街道（镇）经办人的所属区划应为街道（镇）一级，“甲村”是社区（村）一级。"]
    UserFactory.build(role=Role.COMMUNITY_STAFF, region=world.village).clean()
    with pytest.raises(ValidationError):
        UserFactory.build(role=Role.COMMUNITY_STAFF, region=None).clean()


def test_admin_creates_a_community_staff_account_with_its_village_and_lists_it(login, world):
    client = login(world.sysadmin)
    form = {
        "username": "cunwei", "full_name": "村委经办", "role": Role.COMMUNITY_STAFF, "password1": "Zxcv-2026-lkj!",
        "password2": "Zxcv-2026-lkj!",
    }
    refused = client.post(reverse("admin:portal_user_add"), form | {"region": world.local_town.pk})
    created = client.post(reverse("admin:portal_user_add"), form | {"region": world.village.pk})

    assert "社区（村）经办人的所属区划应为社区（村）一级" in visible_text(refused)
    assert created.status_code == 302
    assert User.objects.get(username="cunwei").region == world.village
    listing = client.get(reverse("admin:portal_user_changelist"), {"q": "cunwei"})
    assert "甲村" in visible_text(listing)
