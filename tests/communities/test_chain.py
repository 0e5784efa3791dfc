"""The chain of a campaign (seed 002 五(四)): 「社区(村)自评、镇评估推荐，区核定」 — each level's evaluation an assessment on
the campaign's rubric, locked on submission; a town's or district's change of an item needs its reason; each level is
told when the one below has submitted."""

import pytest

from communities import chain, services
from communities.enums import EntryStatus, Level
from portal.models import Notification
from portal.transitions import Refused
from rubrics.assessments import assessment_record
from tests.communities.world import BUILT_AT, COMPLETE, build
from tests.portal.helpers import refusal
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)


def self_submitted(world, name="黄竹塱社区"):
    entry, user = world.entries[name], world.staff[name]
    evaluation = services.evaluation_start(entry=entry, level=Level.SELF, actor=user)
    assessment_record(assessment=evaluation.assessment, facts=COMPLETE, notes={}, events={}, actor=user)
    return services.evaluation_submit(evaluation=evaluation, actor=user)


def test_a_self_evaluation_is_submitted_once_complete_and_then_read_only(world):
    entry, user = world.entries["黄竹塱社区"], world.staff["黄竹塱社区"]
    evaluation = services.evaluation_start(entry=entry, level=Level.SELF, actor=user)

    empty = refusal(lambda: services.evaluation_submit(evaluation=evaluation, actor=user))
    assessment_record(assessment=evaluation.assessment, facts=COMPLETE, notes={}, events={}, actor=user)
    services.evaluation_submit(evaluation=evaluation, actor=user)
    evaluation.refresh_from_db()
    entry.refresh_from_db()

    assert empty == "尚不能提交：还有评分项未填写或有误，总分待定。"
    assert evaluation.assessment.locked_at is not None and evaluation.assessment.region == world.places["黄竹塱社区"]
    assert (evaluation.assessment.subject, evaluation.assessment.period) == ("黄竹塱社区", "2024年度")
    assert entry.status == EntryStatus.SELF_SUBMITTED
    assert list(Notification.objects.filter(user=world.staff["良口镇"]).values_list("text", flat=True)) == [
        "黄竹塱社区的社区（村）自评已提交（自评已提交），请办理。"]
    assert not Notification.objects.filter(user=world.staff["吕田镇"]).exists()  # not the other town's
    with pytest.raises(Refused):
        assessment_record(assessment=evaluation.assessment, facts={}, notes={}, events={}, actor=user)


def test_the_town_starts_from_the_self_evaluation_and_explains_each_change(world):
    self_submitted(world)
    entry, town = world.entries["黄竹塱社区"], world.staff["良口镇"]
    evaluation = services.evaluation_start(entry=entry, level=Level.TOWN, actor=town)
    facts = {**evaluation.assessment.facts, "(一)3": {"achieved": 15, "total": 20, "excluded": 1}}
    assessment_record(assessment=evaluation.assessment, facts=facts, notes={}, events=evaluation.assessment.events, actor=town)

    unexplained = refusal(lambda: services.evaluation_submit(evaluation=evaluation, actor=town, verdict=True))
    no_reason = refusal(lambda: services.evaluation_submit(evaluation=evaluation, actor=town, verdict=False))
    assessment_record(assessment=evaluation.assessment, facts=facts, notes={"(一)3": "核对台账，两人未实现就业。"},
                      events=evaluation.assessment.events, actor=town)
    services.evaluation_submit(evaluation=evaluation, actor=town, verdict=True, opinion="同意推荐。")
    entry.refresh_from_db()

    assert unexplained == "尚不能提交：以下评分项与社区（村）自评不同，请在该项的“说明”中写明改动理由：(一)3。"
    assert no_reason == ("尚不能提交：以下评分项与社区（村）自评不同，请在该项的“说明”中写明改动理由：(一)3；"
                         "不推荐或核定不通过的，请写明理由。")
    assert services.changed_items(evaluation) == ["(一)3"]
    assert entry.status == EntryStatus.RECOMMENDED
    assert Notification.objects.filter(user=world.admin, text__contains="镇评估已提交（镇已推荐）").exists()


def test_the_district_verifies_a_recommended_entry_and_the_levels_stand_side_by_side(world):
    self_submitted(world)
    entry = world.entries["黄竹塱社区"]
    town = services.evaluation_start(entry=entry, level=Level.TOWN, actor=world.staff["良口镇"])
    services.evaluation_submit(evaluation=town, actor=world.staff["良口镇"], verdict=True)
    district = services.evaluation_start(entry=entry, level=Level.DISTRICT, actor=world.admin)
    services.evaluation_submit(evaluation=district, actor=world.admin, verdict=True, opinion="核定通过。")
    entry.refresh_from_db()

    rows, levels = chain.comparison(entry)
    first = next(row for row in rows if row.code == "(一)3")

    assert entry.status == EntryStatus.VERIFIED
    assert levels == [Level.SELF, Level.TOWN, Level.DISTRICT]
    assert [cell.points for cell in first.cells] == [first.cells[0].points] * 3
    assert first.cells[0].facts == "达成人数：17；总人数：20；剔除人数：1"
    assert not any(cell.changed for row in rows for cell in row.cells)


def test_a_level_starts_only_when_the_one_below_has_submitted_and_a_town_may_not_recommend(world):
    entry = world.entries["良新村"]

    early = refusal(lambda: services.evaluation_start(entry=entry, level=Level.TOWN, actor=world.staff["良口镇"]))
    self_submitted(world, "良新村")
    town = services.evaluation_start(entry=entry, level=Level.TOWN, actor=world.staff["良口镇"])
    services.evaluation_submit(evaluation=town, actor=world.staff["良口镇"], verdict=False, opinion="台账不全，暂不推荐。")
    entry.refresh_from_db()
    late = refusal(lambda: services.evaluation_start(entry=entry, level=Level.DISTRICT, actor=world.admin))

    assert early == "良新村当前“创建中”，还不能开始镇评估。"
    assert entry.status == EntryStatus.NOT_RECOMMENDED
    assert late == "良新村当前“镇未推荐”，还不能开始区核定。"


def test_the_creation_list_takes_communities_and_villages_of_the_district_once(world):
    other_town = chain.Region.objects.create(code="440118101000", name="增城某镇", level="town")
    outside = chain.Region.objects.create(code="440118101201", name="增城某村", level="community", settlement="village",
                                          parent=other_town)

    twice = refusal(lambda: services.entry_add(campaign=world.campaign, community=world.places["良新村"], actor=world.admin))
    a_town = refusal(lambda: services.entry_add(campaign=world.campaign, community=world.town, actor=world.admin))
    elsewhere = refusal(lambda: services.entry_add(campaign=world.campaign, community=outside, actor=world.admin))

    assert twice == "“良新村”已在创建名单中。"
    assert a_town == "“良口镇”不是社区（村），不能列入创建名单。"
    assert elsewhere == "“增城某村”不在从化区辖区内。"


def test_a_towns_progress_counts_what_it_recommended_against_its_rates(world):
    from decimal import Decimal

    services.target_set(campaign=world.campaign, town=world.town, actor=world.admin,
                        community_rate=Decimal("75"), village_rate=Decimal("70"))
    self_submitted(world)
    town = services.evaluation_start(entry=world.entries["黄竹塱社区"], level=Level.TOWN, actor=world.staff["良口镇"])
    services.evaluation_submit(evaluation=town, actor=world.staff["良口镇"], verdict=True)
    entries = list(world.campaign.entries.select_related("community", "town"))

    rows = {row.town.name: row for row in chain.town_progress(world.campaign, entries)}

    liangkou = rows["良口镇"]
    assert (liangkou.listed, liangkou.communities, liangkou.villages) == (2, 1, 1)
    assert (liangkou.communities_needed, liangkou.villages_needed) == (1, 1)  # 75 % of 1 and 70 % of 1, rounded up
    assert (liangkou.advanced_communities, liangkou.advanced_villages, liangkou.met) == (1, 0, False)
    assert rows["吕田镇"].met is None  # no task set
