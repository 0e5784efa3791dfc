"""复查复评 · 限期整改 · 取消资格 (seed 002 六(二)): a titled community is re-checked yearly by its town; 不合格 opens
rectification with a deadline and reminders; not rectified, it is reported and the district removes the title,
publicly. Years held feed annex 4's 「连续十年…」 item."""

import datetime

import pytest
from django.urls import reverse

from communities import rechecks, services
from communities.enums import Level, RecheckStatus
from communities.selectors import is_district
from portal.models import Notification
from portal.titles import title_grant
from rubrics.assessments import assessment_record
from tests.communities.world import BUILT_AT, COMPLETE, build
from tests.portal.helpers import messages_of, refusal, visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)
D = datetime.date


def titled(world, name="黄竹塱社区", on=D(2023, 11, 25)):
    return title_grant(programme=world.campaign.programme, institution=None, region=world.places[name], holder_name=name,
                       number=f"440117-{on.year}-CJ-{len(name):03d}", awarded_on=on, actor=world.admin)


def started(world, title, year=2024):
    return rechecks.recheck_start(title=title, year=year, actor=world.staff["良口镇"], rubric=world.campaign.rubric)


def test_a_recheck_starts_from_the_latest_facts_and_concludes(world):
    title = titled(world)
    recheck = started(world, title)
    assessment_record(assessment=recheck.assessment, facts=COMPLETE, notes={}, events={}, actor=world.staff["良口镇"])

    too_early = refusal(lambda: rechecks.recheck_start(title=title, year=2023, actor=world.admin, rubric=world.campaign.rubric))
    no_deadline = refusal(lambda: rechecks.recheck_conclude(recheck=recheck, actor=world.staff["良口镇"], passed=False, opinion="台账不全。"))
    rechecks.recheck_conclude(recheck=recheck, actor=world.staff["良口镇"], passed=True, opinion="")
    recheck.refresh_from_db()

    assert too_early == "2023年认定的称号从下一年起复查。"
    assert no_deadline == "尚不能提交：请确定整改期限（晚于今天）。"
    assert recheck.status == RecheckStatus.PASSED and recheck.assessment.locked_at is not None
    assert recheck.assessment.period == "2024年度复查"


def test_failed_rectified_late_then_removed(world, client, time_machine):
    title = titled(world)
    recheck = started(world, title)
    assessment_record(assessment=recheck.assessment, facts=COMPLETE, notes={}, events={}, actor=world.staff["良口镇"])
    rechecks.recheck_conclude(recheck=recheck, actor=world.staff["良口镇"], passed=False,
                              opinion="就业困难人员台账不全。", rectify_due=D(2024, 11, 30))
    told = [rechecks.rectifications_remind(day) for day in (D(2024, 11, 20), D(2024, 11, 25), D(2024, 12, 2), D(2024, 12, 5),
                                                             D(2024, 12, 9))]
    recheck.refresh_from_db()
    rechecks.rectification_close(recheck=recheck, actor=world.staff["良口镇"], rectified=False, note="逾期仍未补齐台账。")
    rechecks.title_remove(recheck=recheck, actor=world.admin, reason="整改不到位。")
    title.refresh_from_db()
    recheck.refresh_from_db()

    assert told == [0, 1, 1, 0, 1]  # a week before; overdue, then weekly
    assert recheck.status == RecheckStatus.REMOVED and title.revoked_at is not None
    texts = list(Notification.objects.filter(user=world.staff["黄竹塱社区"]).values_list("text", flat=True))
    assert "黄竹塱社区 2024年复查不合格，须于2024年11月30日前整改。" in texts
    assert "黄竹塱社区的充分就业社区（村）称号已被取消。" in texts
    assert Notification.objects.filter(user=world.admin, text__contains="整改不到位，镇（街道）上报取消其资格").exists()
    verify = client.get(reverse("communities:title_verify", args=[title.number]))
    assert "该称号已于" in visible_text(verify) and "取消" in visible_text(verify)


def test_the_pages_of_a_recheck_each_level_its_part(world, login):
    title = titled(world)
    town = login(world.staff["良口镇"])
    listing = town.get(reverse("communities:rechecks"))
    started_page = town.post(reverse("communities:recheck_start", args=[title.pk]))
    recheck = title.rechecks.get()
    community = login(world.staff["黄竹塱社区"])
    community_conclude = community.post(reverse("communities:recheck_conclude", args=[recheck.pk]), {"passed": "1"})
    town_removes = login(world.staff["良口镇"]).post(reverse("communities:recheck_remove", args=[recheck.pk]), {"reason": "x"})
    other_town = login(world.staff["吕田镇"]).get(reverse("communities:recheck", args=[recheck.pk]))

    assert "开始2024年复查" in visible_text(listing)
    assert started_page["Location"] == recheck.assessment.get_absolute_url()
    assert messages_of(community_conclude) == ["您不能办理此事项。"]
    assert messages_of(town_removes)[-1] == "您不能办理此事项。"  # removal is the district's
    assert other_town.status_code == 404


def test_years_held_fill_in_the_self_evaluation_of_a_titled_community(world):
    titled(world, on=D(2014, 11, 25))
    evaluation = services.evaluation_start(entry=world.entries["黄竹塱社区"], level=Level.SELF, actor=world.staff["黄竹塱社区"])

    assert evaluation.assessment.facts["(四)5"] == {"count": 10}  # 2014 → 2024: 「连续十年…加1分」
    assert rechecks.years_held(world.campaign.programme.titles.get(), 2024) == 10


def test_the_city_announces_but_neither_rechecks_nor_removes(world):
    from portal import services as portal_services
    from tests.factories import UserFactory

    title = titled(world)
    city = UserFactory(region=world.district.parent)
    district = UserFactory(region=world.district)
    for user in (city, district):
        portal_services.programme_admin_grant(programme=world.campaign.programme, user=user)

    assert (rechecks.may_recheck(city, title), rechecks.may_recheck(district, title)) == (False, True)
    assert (is_district(city, title.programme), is_district(world.staff["良口镇"], title.programme)) == (
        False, False)
