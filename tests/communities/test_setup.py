"""Setting a campaign up through the pages (issue 15 point 2): the district sets up its year with the plan's dates as
defaults, gives its towns their tasks and marks milestones done; a town draws up its part of the creation list (several
at once), and takes off one whose self-evaluation has not begun. Each page refuses who takes no part in it."""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from communities import services
from communities.enums import Level
from communities.models import Campaign, Entry, TownTarget
from portal import services as portal_services
from portal.enums import ProgrammeKind, RegionLevel, Role, Settlement
from portal.models import Programme, Region, User
from rubrics.models import Rubric
from tests.communities.world import BUILT_AT, World, build, region
from tests.factories import ProgrammeFactory, UserFactory
from tests.portal.helpers import messages_of, visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
D = datetime.date


@dataclass
class Setup:
    world: World
    villages: Programme  # 从化区's 高质量就业村, no rubric stored yet
    benchmark: Programme  # managed by the same admin
    elsewhere: Programme  # another district's, with its own admin
    other_admin: User
    more: dict[str, Region]  # 良口镇's and 吕田镇's places not listed


def build_setup() -> Setup:
    world = build()
    town, other_town = world.town, world.other_town
    more = {
        "彩虹社区": region("440117101002", "彩虹社区", RegionLevel.COMMUNITY, town, Settlement.COMMUNITY),
        "下溪村": region("440117101202", "下溪村", RegionLevel.COMMUNITY, town, Settlement.VILLAGE),
        "和丰村": region("440117101203", "和丰村", RegionLevel.COMMUNITY, town, Settlement.VILLAGE),
        "吕新村": region("440117102202", "吕新村", RegionLevel.COMMUNITY, other_town, Settlement.VILLAGE),
    }
    villages = ProgrammeFactory(name="从化区高质量就业村建设", kind=ProgrammeKind.QUALITY_VILLAGE, region=world.district)
    benchmark = ProgrammeFactory(name="从化区标杆机构评定", kind=ProgrammeKind.BENCHMARK, region=world.district)
    for programme in (villages, benchmark):
        portal_services.programme_admin_grant(programme=programme, user=world.admin)
    huadu = region("440114", "花都区", RegionLevel.COUNTY, world.district.parent)
    elsewhere = ProgrammeFactory(name="花都区充分就业社区（村）建设", kind=ProgrammeKind.FULL_EMPLOYMENT, region=huadu)
    other_admin = UserFactory(full_name="花都区人社局经办人")
    portal_services.programme_admin_grant(programme=elsewhere, user=other_admin)
    return Setup(world, villages, benchmark, elsewhere, other_admin, more)


_setup, setup = module_world("setup", build_setup, built_at=BUILT_AT)


def url(name, *args):
    return reverse(f"communities:{name}", args=args)


def setup_dates(year) -> dict:
    return {"data_from": D(year - 1, 10, 1), "data_to": D(year, 9, 30), "self_due": D(year, 10, 15),
            "town_due": D(year, 10, 31), "district_due": D(year, 11, 10)}


def campaign_data(**typed) -> dict:
    return {"year": "", "first_year": "0", "rubric": "", "data_from": "", "data_to": "", "self_due": "", "town_due": "",
            "district_due": ""} | typed


# --- the district sets up its year ---------------------------------------------------------------------------------------


def test_a_manager_sets_up_a_later_year_on_the_plans_dates(setup, login):
    programme, admin = setup.world.campaign.programme, setup.world.admin
    client = login(admin)
    listed = visible_text(client.get(url("setup_programmes")))
    page = client.get(url("setup_campaign", programme.pk))
    rubric = programme.scoring_rubrics.get()
    made = client.post(url("setup_campaign", programme.pk), campaign_data(year="2025", rubric=str(rubric.pk)))
    campaign = Campaign.objects.get(programme=programme, year=2025)

    assert "从化区充分就业社区（村）建设" in listed and "从化区高质量就业村建设" in listed and "从化区标杆机构评定" not in listed
    assert page.context["form"]["year"].value() == 2025  # the year after the last one set up
    assert page.context["form"]["self_due"].value() == D(2025, 12, 20)  # a later year's: 12月至次年3月
    assert made["Location"] == url("setup_targets", campaign.pk)
    assert (campaign.data_from, campaign.data_to) == (D(2024, 10, 1), D(2025, 9, 30))
    assert (campaign.self_due, campaign.town_due, campaign.district_due) == (D(2025, 12, 20), D(2026, 1, 31), D(2026, 3, 31))
    assert campaign.milestones.order_by("due_on").last().due_on == D(2026, 3, 31)
    assert campaign.rubric == rubric and campaign.created_by == admin


def test_a_first_year_on_the_shipped_standard_installed_for_the_programme(setup, login):
    client = login(setup.world.admin)
    page = client.get(url("setup_campaign", setup.villages.pk))
    client.post(url("setup_campaign", setup.villages.pk),
                campaign_data(year="2024", first_year="1", rubric="standard:gz_village_2024"))
    campaign = Campaign.objects.get(programme=setup.villages, year=2024)

    assert "安装随系统提供的标准：广州市高质量就业村建设标准" in visible_text(page)
    assert campaign.rubric.standard == "gz_village_2024" and campaign.rubric.programme == setup.villages
    assert campaign.rubric.is_frozen
    assert (campaign.self_due, campaign.town_due, campaign.district_due) == (D(2024, 10, 15), D(2024, 10, 31), D(2024, 11, 10))


def test_refusals_are_shown_with_what_was_typed(setup, login):
    programme = setup.world.campaign.programme
    client = login(setup.world.admin)
    rubric = str(programme.scoring_rubrics.get().pk)
    twice = client.post(url("setup_campaign", programme.pk), campaign_data(year="2024", first_year="1", rubric=rubric,
                                                                          self_due="2024-10-14"))
    disordered = client.post(url("setup_campaign", programme.pk), campaign_data(
        year="2026", rubric=rubric, data_from="2025-10-01", data_to="2026-09-30", self_due="2026-12-20",
        town_due="2026-12-01", district_due="2026-01-31"))
    services.campaign_create(programme=setup.villages, year=2024, rubric=programme.scoring_rubrics.get(),
                             actor=setup.world.admin, **setup_dates(2024))
    installed_then_refused = client.post(url("setup_campaign", setup.villages.pk), campaign_data(
        year="2024", first_year="1", rubric="standard:gz_village_2024"))

    assert twice.status_code == 400 and "2024年的创建已经设立。" in visible_text(twice)
    assert 'value="2024-10-14"' in twice.content.decode()  # nothing typed is lost
    assert disordered.status_code == 400
    assert set(disordered.context["form"].errors) == {"town_due", "district_due"}
    assert installed_then_refused.status_code == 400
    assert not setup.villages.scoring_rubrics.exists()  # the standard installed for the refused campaign: gone again
    assert Campaign.objects.filter(programme=programme).count() == 1


def test_the_plans_dates_filled_in_for_the_year_typed_without_saving(setup, login):
    programme = setup.world.campaign.programme
    page = login(setup.world.admin).post(url("setup_campaign", programme.pk), campaign_data(
        year="2027", first_year="0", self_due="2020-01-01", defaults="1"))

    assert page.status_code == 200 and "已按2027年填入默认日期，请核对后设立。" in visible_text(page)
    assert 'value="2027-12-20"' in page.content.decode() and 'value="2028-03-31"' in page.content.decode()
    assert not Campaign.objects.filter(year=2027).exists()


def test_a_benchmark_programme_is_refused_and_another_districts_is_not_found(setup, login):
    client = login(setup.world.admin)
    benchmark = client.get(url("setup_campaign", setup.benchmark.pk))
    posted = client.post(url("setup_campaign", setup.benchmark.pk), campaign_data(year="2025", rubric="1"))

    assert "标杆机构评定项目不按年度创建办理" in visible_text(benchmark) and "form" not in benchmark.context
    assert not Campaign.objects.filter(programme=setup.benchmark).exists() and posted.status_code == 200
    assert client.get(url("setup_campaign", setup.elsewhere.pk)).status_code == 404
    assert client.post(url("setup_campaign", setup.elsewhere.pk), campaign_data(year="2025")).status_code == 404


# --- the towns' tasks --------------------------------------------------------------------------------------------------


def test_the_towns_tasks_saved(setup, login):
    world = setup.world
    client = login(world.admin)
    page = client.get(url("setup_targets", world.campaign.pk))
    town, other = world.town.pk, world.other_town.pk
    saved = messages_of(client.post(url("setup_targets", world.campaign.pk), {
        f"count_{town}": "", f"community_rate_{town}": "75", f"village_rate_{town}": "70",
        f"count_{other}": "4", f"community_rate_{other}": "", f"village_rate_{other}": ""}))
    again = messages_of(client.post(url("setup_targets", world.campaign.pk), {
        f"community_rate_{town}": "75.00", f"village_rate_{town}": "70", f"count_{other}": "4"}))
    wrong = client.post(url("setup_targets", world.campaign.pk), {f"village_rate_{town}": "120"})
    target = TownTarget.objects.get(campaign=world.campaign, town=world.town)

    assert "良口镇" in visible_text(page) and "吕田镇" in visible_text(page) and "社区2个、村3个" in visible_text(page)
    assert saved == ["已保存良口镇、吕田镇的建设任务。"]
    assert (target.count, target.community_rate, target.village_rate) == (None, 75, 70)
    assert TownTarget.objects.get(campaign=world.campaign, town=world.other_town).count == 4
    assert again == ["建设任务没有改动。"]
    assert wrong.status_code == 400 and TownTarget.objects.get(pk=target.pk).village_rate == 70


# --- the creation list ---------------------------------------------------------------------------------------------------


def test_a_town_adds_several_at_once_and_none_of_another_town(setup, login):
    world, more = setup.world, setup.more
    client = login(world.staff["良口镇"])
    own = url("setup_list", world.campaign.pk, world.town.pk)
    page = client.get(own)
    added = client.post(own, {f"pick_{more['彩虹社区'].pk}": "on", f"pick_{more['下溪村'].pk}": "on",
                              f"station_{more['下溪村'].pk}": "on", f"note_{more['下溪村'].pk}": "典型村"})
    smuggled = client.post(own, {f"pick_{more['吕新村'].pk}": "on"})
    entries = {e.community.name: e for e in Entry.objects.filter(campaign=world.campaign, town=world.town)}

    assert [place.name for place, *_fields in page.context["form"].rows] == ["彩虹社区", "下溪村", "和丰村"]
    assert messages_of(added) == ["已列入创建名单：彩虹社区、下溪村。"]
    assert (entries["彩虹社区"].order, entries["下溪村"].order) == (3, 4)  # after 黄竹塱社区 and 良新村
    assert entries["下溪村"].is_station and entries["下溪村"].note == "典型村" and not entries["彩虹社区"].is_station
    assert smuggled.status_code == 400 and not Entry.objects.filter(community=more["吕新村"]).exists()
    assert client.get(url("setup_list", world.campaign.pk, world.other_town.pk)).status_code == 404


def test_a_town_reaches_a_campaign_before_anything_of_it_is_listed(setup, login):
    world = setup.world
    later = services.campaign_create(programme=world.campaign.programme, year=2025, rubric=world.campaign.rubric,
                                     actor=world.admin, **setup_dates(2025))
    client = login(world.staff["良口镇"])
    lists = client.get(url("setup_lists"))
    added = client.post(url("setup_list", later.pk, world.town.pk), {f"pick_{world.places['良新村'].pk}": "on"})

    assert url("setup_list", later.pk, world.town.pk) in lists.content.decode()
    assert added.status_code == 302 and later.entries.get().community == world.places["良新村"]
    assert client.get(later.get_absolute_url()).status_code == 200  # now listed: the campaign page shows it


def test_a_village_programme_offers_villages_only(setup, login):
    world = setup.world
    rubric = Rubric.objects.create(name="高质量就业村", programme=setup.villages)
    campaign = services.campaign_create(programme=setup.villages, year=2024, rubric=rubric, actor=world.admin,
                                        **setup_dates(2024))
    page = login(world.admin).get(url("setup_list", campaign.pk, world.town.pk))

    assert "下溪村" in visible_text(page) and "彩虹社区" not in visible_text(page) and "黄竹塱社区" not in visible_text(page)


def test_removal_only_before_the_self_evaluation_begins(setup, login):
    world = setup.world
    services.evaluation_start(entry=world.entries["黄竹塱社区"], level=Level.SELF, actor=world.staff["黄竹塱社区"])
    client = login(world.staff["良口镇"])
    page = client.get(url("setup_list", world.campaign.pk, world.town.pk))
    removed = messages_of(client.post(url("setup_entry_remove", world.entries["良新村"].pk)))
    refused = messages_of(client.post(url("setup_entry_remove", world.entries["黄竹塱社区"].pk)))
    other_town = client.post(url("setup_entry_remove", world.entries["吕中村"].pk))

    assert page.content.decode().count("data-confirm=") == 1  # 良新村's only: 黄竹塱社区 has begun
    assert removed == ["已将“良新村”移出创建名单。"]
    assert not Entry.objects.filter(pk=world.entries["良新村"].pk).exists()
    assert refused == ["“黄竹塱社区”已开始自评，不能移出创建名单。"]
    assert other_town.status_code == 404 and Entry.objects.filter(pk=world.entries["吕中村"].pk).exists()
    assert login(world.admin).post(url("setup_entry_remove", world.entries["吕中村"].pk)).status_code == 302
    assert not Entry.objects.filter(pk=world.entries["吕中村"].pk).exists()  # the district: any town of its region


def test_the_list_is_closed_once_the_notice_is_out(setup, login):
    world = setup.world
    Campaign.objects.filter(pk=world.campaign.pk).update(announced_at=BUILT_AT)
    client = login(world.staff["良口镇"])
    added = client.post(url("setup_list", world.campaign.pk, world.town.pk), {f"pick_{setup.more['下溪村'].pk}": "on"})
    removed = client.post(url("setup_entry_remove", world.entries["良新村"].pk))

    assert added.status_code == 400 and "公示已发布，创建名单不能再变动。" in visible_text(added)
    assert messages_of(removed) == ["公示已发布，创建名单不能再变动。"]
    assert Entry.objects.filter(campaign=world.campaign).count() == 3


@pytest.mark.history
def test_history_keeps_who_set_a_task_and_who_took_an_entry_off(setup, login):
    world = setup.world
    client = login(world.admin)
    client.post(url("setup_targets", world.campaign.pk), {f"count_{world.town.pk}": "2"})
    client.post(url("setup_entry_remove", world.entries["良新村"].pk))
    target = TownTarget.history.get(town=world.town)
    gone = Entry.history.filter(id=world.entries["良新村"].pk).latest("history_date")

    assert (target.history_user, target.history_change_reason) == (world.admin, "下达建设任务")
    assert (gone.history_type, gone.history_user, gone.history_change_reason) == ("-", world.admin, "移出创建名单")


# --- milestones and access -----------------------------------------------------------------------------------------------


def test_a_milestone_marked_done_by_the_district(setup, login):
    world = setup.world
    milestone = world.campaign.milestones.filter(done_on__isnull=True).first()
    done_url = url("setup_milestone_done", world.campaign.pk, milestone.pk)
    client = login(world.admin)
    page = client.get(world.campaign.get_absolute_url())
    done = client.post(done_url)
    done_message = messages_of(done)
    again = messages_of(client.post(done_url))
    milestone.refresh_from_db()

    assert done_url in page.content.decode() and "标记完成" in visible_text(page)
    assert done["Location"].endswith("#milestones") and milestone.done_on == BUILT_AT.date()
    assert done_message == again == [f"“{milestone.title}”已标记完成。"]
    assert login(world.staff["良口镇"]).post(done_url).status_code == 403
    assert login(setup.other_admin).post(done_url).status_code == 404


def test_who_takes_no_part_is_refused(setup, login, client):
    world = setup.world
    campaign, town, entry = world.campaign, world.town, world.entries["良新村"]
    milestone = campaign.milestones.first()
    pages = [url("setup_programmes"), url("setup_campaign", campaign.programme.pk), url("setup_lists"),
             url("setup_targets", campaign.pk), url("setup_list", campaign.pk, town.pk)]
    posts = [url("setup_entry_remove", entry.pk), url("setup_milestone_done", campaign.pk, milestone.pk)]
    public = [client.get(page).status_code for page in pages]
    community = login(world.staff["良新村"])
    as_community = [community.get(page).status_code for page in pages] + [community.post(page).status_code for page in posts]
    stranger = login(UserFactory(role=Role.PROGRAMME_ADMIN))
    as_stranger = [stranger.get(page).status_code for page in pages[1:]]
    town_staff = login(world.staff["良口镇"])

    assert public == [302] * 5
    assert as_community == [403] * 7 and Entry.objects.filter(pk=entry.pk).exists()
    assert as_stranger == [404, 200, 404, 404]  # its own (empty) list of campaigns; nothing of 从化区
    assert [town_staff.get(page).status_code for page in pages[:2] + pages[3:4]] == [403, 403, 403]
    assert "设立年度创建" in visible_text(login(world.admin).get(url("campaigns")))


def test_the_city_granted_the_programme_announces_but_does_not_set_the_year_up(setup, login):
    world = setup.world
    from portal import services as portal_services
    from tests.factories import UserFactory

    city = UserFactory(region=world.district.parent)
    portal_services.programme_admin_grant(programme=world.campaign.programme, user=city)
    client = login(city)

    assert client.get(reverse("communities:setup_campaign", args=[world.campaign.programme_id])).status_code == 404
    assert client.get(reverse("communities:setup_targets", args=[world.campaign.pk])).status_code == 404
    assert "设立年度创建" not in client.get(reverse("communities:campaigns")).content.decode()
