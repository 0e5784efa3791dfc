"""「区核定、公示，市公布」 (seed 002): the district publishes the verified ones for 5 working days with the objections
of the benchmark lifecycle; an upheld objection disqualifies; once the period is over and every objection closed, the
titles are announced into the ledger of titles, public and verifiable by number."""

import datetime

import pytest
from django.urls import reverse

from communities import publication, services
from communities.enums import EntryStatus, Level
from portal.models import Title
from publicity.services import Identity, objection_assign, objection_decide, objection_file
from rubrics.assessments import assessment_record
from tests.communities.world import BUILT_AT, COMPLETE, build
from tests.portal.helpers import refusal, visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)
WRITTEN = datetime.date(2024, 11, 11)


def verified(world, name):
    entry, staff, town = world.entries[name], world.staff[name], world.staff["良口镇"]
    evaluation = services.evaluation_start(entry=entry, level=Level.SELF, actor=staff)
    assessment_record(assessment=evaluation.assessment, facts=COMPLETE, notes={}, events={}, actor=staff)
    services.evaluation_submit(evaluation=evaluation, actor=staff)
    for level, actor in ((Level.TOWN, town), (Level.DISTRICT, world.admin)):
        services.evaluation_submit(evaluation=services.evaluation_start(entry=entry, level=level, actor=actor),
                                   actor=actor, verdict=True)


def publish(world):
    return publication.campaign_publish(campaign=world.campaign, actor=world.admin, written_on=WRITTEN,
                                        **{k: v for k, v in publication.notice_draft(world.campaign).items() if k != "written_on"})


def test_only_what_the_district_verified_is_published_and_not_while_one_waits(world):
    verified(world, "黄竹塱社区")
    entry = world.entries["良新村"]
    evaluation = services.evaluation_start(entry=entry, level=Level.SELF, actor=world.staff["良新村"])
    assessment_record(assessment=evaluation.assessment, facts=COMPLETE, notes={}, events={}, actor=world.staff["良新村"])
    services.evaluation_submit(evaluation=evaluation, actor=world.staff["良新村"])
    services.evaluation_submit(evaluation=services.evaluation_start(entry=entry, level=Level.TOWN, actor=world.staff["良口镇"]),
                               actor=world.staff["良口镇"], verdict=True)

    waiting = refusal(lambda: publish(world))

    assert waiting == "尚有1个镇（街道）推荐的社区（村）未核定：良新村。"
    draft = publication.notice_draft(world.campaign)
    assert draft["title"] == "关于2024年从化区拟认定充分就业社区（村）名单的公示"


def test_published_objected_and_announced(world, time_machine):
    for name in ("黄竹塱社区", "良新村"):
        verified(world, name)
    campaign = publish(world)
    notice = campaign.notice
    entries = {e.institution_name: e for e in notice.entries.all()}
    early = publication.announcement_blockers(campaign)
    objection, _token = objection_file(notice=notice, entry=entries["良新村"], facts="就业困难人员台账有虚报。",
                                       identity=Identity(objector_type="person", name="李明", phone="13800138000"))
    objection_assign(objection=objection, handler=world.admin, deadline=WRITTEN + datetime.timedelta(days=20), actor=world.admin)
    objection_decide(objection=objection, upheld=True, findings="经核查，台账有虚报。", reply="异议成立。", actor=world.admin)
    time_machine.move_to(notice.closes_at + datetime.timedelta(minutes=1), tick=False)
    no_number = refusal(lambda: publication.campaign_announce(campaign=campaign, actor=world.admin, document_number=" "))
    publication.campaign_announce(campaign=campaign, actor=world.admin, document_number="穗从人社〔2024〕88号")

    statuses = {e.community.name: e.status for e in campaign.entries.select_related("community")}
    assert (notice.programme, notice.round, notice.working_days) == (campaign.programme, None, 5)
    assert [(e.institution_kind, e.region_name) for e in notice.entries.order_by("rank")] == [("社区", "良口镇"), ("村", "良口镇")]
    assert early == [f"公示期未满（{notice.ends_on.year}年{notice.ends_on.month}月{notice.ends_on.day}日截止）"]
    assert no_number == "请填写公布文号。"
    assert statuses["黄竹塱社区"] == EntryStatus.TITLED and statuses["良新村"] == EntryStatus.DISQUALIFIED
    title = Title.objects.get(region=world.places["黄竹塱社区"])
    assert (title.number, title.holder_name, title.institution) == ("440117-2024-CJ-001", "黄竹塱社区", None)
    assert not Title.objects.filter(region=world.places["良新村"]).exists()


def test_the_public_lists_and_verifies_a_title(world, client, time_machine):
    verified(world, "黄竹塱社区")
    campaign = publish(world)
    time_machine.move_to(campaign.notice.closes_at + datetime.timedelta(minutes=1), tick=False)
    publication.campaign_announce(campaign=campaign, actor=world.admin, document_number="穗从人社〔2024〕88号")

    listing = client.get(reverse("communities:titles"))
    verify = client.get(reverse("communities:title_verify", args=["440117-2024-CJ-001"]))
    unknown = client.get(reverse("communities:title_verify", args=["440117-2024-CJ-999"]))
    notice_page = client.get(campaign.notice.get_absolute_url())

    assert "黄竹塱社区 良口镇 充分就业社区（村）" in visible_text(listing)
    assert "该称号真实有效。" in visible_text(verify) and "广州市从化区人力资源和社会保障局" in visible_text(verify)
    assert unknown.status_code == 404
    assert "拟认定社区（村）名单" in visible_text(notice_page) and "黄竹塱社区 社区 良口镇" in visible_text(notice_page)


def test_the_city_announces_not_the_district(world, time_machine):
    from portal import services as portal_services
    from tests.factories import UserFactory

    verified(world, "黄竹塱社区")
    campaign = publish(world)
    time_machine.move_to(campaign.notice.closes_at + datetime.timedelta(minutes=1), tick=False)
    district = UserFactory(region=world.district, full_name="区人社局科长")
    city = UserFactory(region=world.district.parent, full_name="市人社局科长")
    for user in (district, city):
        portal_services.programme_admin_grant(programme=campaign.programme, user=user)

    refused = refusal(lambda: publication.campaign_announce(campaign=campaign, actor=district, document_number="从人社〔2024〕1号"))
    not_the_citys = refusal(lambda: publication.campaign_publish(campaign=campaign, actor=city, title="t", body="b",
                                                                 contacts="c", written_on=WRITTEN))
    publication.campaign_announce(campaign=campaign, actor=city, document_number="穗人社函〔2024〕56号")

    assert refused == "认定结果由市人社局公布；区人社局核定、公示。"
    assert not_the_citys == "拟认定名单由区人社局核定、公示。"
    assert (publication.may_announce(district, campaign), publication.may_announce(city, campaign)) == (False, True)
    campaign.refresh_from_db()
    assert campaign.announcement_number == "穗人社函〔2024〕56号"
