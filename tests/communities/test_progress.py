"""创建进度上报 (seed 002 六(三)): a town reports its figures to the district, which is told and acknowledges; a town
that has not reported within a month is flagged; each town sees only its own row."""

import datetime

import pytest
from django.urls import reverse

from communities import progress, services
from communities.enums import Level
from portal.models import Notification
from tests.communities.world import BUILT_AT, build
from tests.portal.helpers import messages_of, visible_text
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)


def test_a_town_reports_and_the_district_acknowledges(world, login):
    services.evaluation_start(entry=world.entries["良新村"], level=Level.SELF, actor=world.staff["良新村"])
    town = login(world.staff["良口镇"])
    reported = town.post(reverse("communities:campaign_report", args=[world.campaign.pk]), {"note": "已完成摸底自评。"})
    report = world.campaign.reports.get()
    admin = login(world.admin)
    page = admin.get(world.campaign.get_absolute_url())
    received = admin.post(reverse("communities:report_receive", args=[report.pk]))
    report.refresh_from_db()

    assert messages_of(reported) == ["已向区人社局上报本镇创建进度。"]
    assert (report.town, report.figures["listed"], report.figures["statuses"]) == (world.town, 2, {"创建中": 2})
    assert Notification.objects.filter(user=world.admin, text="良口镇上报了2024年充分就业社区（村）创建的创建进度。").exists()
    assert "良口镇 2024-10-08 17:00" in visible_text(page) and "吕田镇 逾期未报" in visible_text(page)
    assert messages_of(received) == ["已签收良口镇的上报。"] and report.received_by == world.admin


def test_each_town_sees_its_own_row_and_late_means_a_month_without_report(world, login):
    progress.progress_report(campaign=world.campaign, town=world.town, actor=world.staff["良口镇"])
    other = login(world.staff["吕田镇"]).get(world.campaign.get_absolute_url())
    rows = {row["town"].name: row for row in progress.reporting(world.campaign, [world.town, world.other_town])}
    later = {row["town"].name: row["late"] for row in progress.reporting(
        world.campaign, [world.town], now=BUILT_AT + datetime.timedelta(days=32))}

    assert "良口镇" not in visible_text(other).split("创建进度上报", 1)[1].split("创建名单", 1)[0]
    assert (rows["良口镇"]["late"], rows["吕田镇"]["late"]) == (False, True)
    assert later == {"良口镇": True}
