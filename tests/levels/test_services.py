"""Setting and handing down targets (levels.services.targets_save): the shares within their target, with the numbers
in the refusal; all or nothing; what a region was handed it cannot change; deadlines follow; history and audit."""

from datetime import date

import pytest

from levels.models import Target
from levels.services import Own, targets_save
from portal.enums import AuditEvent, Level
from portal.models import AuditRecord
from portal.periods import FOURTEENTH
from portal.transitions import Refused
from tests.levels.world import BUILT_AT, build
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
_world, world = module_world("world", build, built_at=BUILT_AT)
P, C, K = Level.PROVINCE, Level.CITY, Level.COUNTY


def counts() -> dict[tuple[str, str], int]:
    return {(t.region.name, t.level): t.count for t in Target.objects.select_related("region")}


def save(world, region, *, own=None, shares=None, actor=None, **kwargs):
    return targets_save(region=region, period=FOURTEENTH, own=own or {}, shares=shares or {},
                        actor=actor or world.province_admin, **kwargs)


def test_shares_beyond_the_target_are_refused_with_the_numbers_and_nothing_is_written(world):
    before = counts()

    with pytest.raises(Refused) as refused:
        save(world, world.zibo, actor=world.city_admin, shares={world.zhangdian.pk: {K: 12}, world.gaoqing.pk: {K: 50}})

    assert str(refused.value) == "县级目标：已分配 0，本次 62，超出山东省下达的 60。"
    assert counts() == before


def test_a_share_raised_past_what_is_left_names_the_others_share(world):

    with pytest.raises(Refused) as refused:
        save(world, world.zibo, actor=world.city_admin, shares={world.gaoqing.pk: {K: 51}})

    assert str(refused.value) == "县级目标：已分配 10，本次 51，超出山东省下达的 60。"


def test_shares_up_to_the_target_are_saved_with_the_parent_and_its_deadline(world):

    changes = save(world, world.zibo, actor=world.city_admin, shares={world.gaoqing.pk: {K: 50}}, note="淄人社字〔2022〕5号")

    target = Target.objects.get(region=world.gaoqing, level=K)
    assert (target.count, target.parent.region, target.deadline, target.note) == (50, world.zibo, date(2025, 12, 31),
                                                                                 "淄人社字〔2022〕5号")
    assert (target.set_by, changes) == (world.city_admin, ["高青县县级 50"])


def test_a_target_cannot_be_cut_below_what_was_handed_down(world):

    with pytest.raises(Refused, match="^市级目标不能少于已分配给下级的 15。$"):
        save(world, world.province, own={P: Own(10), C: Own(14), K: Own(1000)})


def test_a_share_cannot_be_cut_below_what_its_region_handed_further_down(world):

    with pytest.raises(Refused, match="^淄博市已将县级目标分解 15 给下级，下达数不能少于 15。$"):
        save(world, world.province, shares={world.zibo.pk: {K: 14}})
    with pytest.raises(Refused, match="^淄博市已将县级目标分解 15 给下级"):
        save(world, world.province, shares={world.zibo.pk: {K: None}})


def test_a_region_cannot_change_what_it_was_handed(world):

    with pytest.raises(Refused, match="^县级目标由上级下达，不能在本级修改。$"):
        save(world, world.zibo, actor=world.city_admin, own={K: Own(80)})


def test_nothing_is_handed_down_without_a_target_of_ones_own(world):
    Target.objects.filter(region=world.jinan).delete()

    with pytest.raises(Refused, match="^请先设定本级县级目标，再分配给下级。$"):
        save(world, world.jinan, shares={world.lixia.pk: {K: 3}})


def test_only_direct_children_get_shares_of_levels_they_hold(world):

    with pytest.raises(Refused, match="直接下级"):
        save(world, world.province, shares={world.zhangdian.pk: {K: 3}})
    with pytest.raises(Refused, match="直接下级"):
        save(world, world.zibo, shares={world.zhangdian.pk: {C: 3}})


def test_a_withdrawn_share_is_deleted_and_a_new_target_can_be_typed_at_once(world):

    save(world, world.zibo, actor=world.city_admin, shares={world.gaoqing.pk: {K: None}, world.zhangdian.pk: {K: 55}})

    assert {key: value for key, value in counts().items() if key[0] in ("张店区", "高青县")} == {("张店区", K): 55}


def test_a_new_deadline_follows_down_to_the_shares_of_shares(world):

    save(world, world.province, own={P: Own(10), C: Own(100), K: Own(1000, deadline=date(2025, 11, 30))})

    deadlines = dict(Target.objects.filter(level=K).values_list("region__name", "deadline"))
    assert set(deadlines.values()) == {date(2025, 11, 30)}
    assert len(deadlines) == 5


def test_saving_the_same_numbers_changes_nothing_and_audits_nothing(world):
    audited = AuditRecord.objects.count()

    changes = save(world, world.province, own={P: Own(10)},
                   shares={world.zibo.pk: {C: 7, K: 60}})

    assert (changes, AuditRecord.objects.count()) == ([], audited)


@pytest.mark.history
def test_a_save_writes_history_with_the_note_and_one_audit_record(world):

    save(world, world.province, shares={world.jinan.pk: {C: 9}}, note="鲁人社字〔2022〕7号")

    target = Target.objects.get(region=world.jinan, level=C)
    last = target.history.first()
    record = AuditRecord.objects.order_by("-id").first()
    assert (last.history_user, last.history_change_reason, last.count) == (world.province_admin, "鲁人社字〔2022〕7号", 9)
    assert (record.event, record.object_id, record.detail) == (
        AuditEvent.ADMIN_CHANGE, str(world.province.pk), "「十百千」目标（“十四五”时期）：济南市市级 9")


def test_a_childs_own_target_set_earlier_becomes_a_share_when_handed_down(world):
    Target.objects.create(region=world.lixia, level=K, period_name=FOURTEENTH.name, period_start=FOURTEENTH.start,
                          period_end=FOURTEENTH.end, count=4, deadline=FOURTEENTH.end, set_at=BUILT_AT)

    changes = save(world, world.jinan, shares={world.lixia.pk: {K: 4}})

    target = Target.objects.get(region=world.lixia)
    assert (changes, target.parent.region, target.count) == (["历下区县级 4"], world.jinan, 4)
