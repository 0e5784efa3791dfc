"""Every page of the campaigns, swept (issue 15): the public reaches only the titles' list and verification; a town's
staff of another town, and a community's staff of another community, find nothing of 良口镇's (404, or 403 where a
role may not use the page at all). A URL added to communities.urls without a case here fails the sweep."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from communities import progress, rechecks, services
from communities.enums import Level
from communities.urls import urlpatterns
from portal.titles import title_grant
from tests.communities.world import BUILT_AT, build
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)
PUBLIC = {"titles", "title_verify"}
LISTS = {"campaigns", "rechecks", "setup_programmes", "setup_lists"}  # lists: each user sees its own, nothing leaks
# A campaign spans the district: each town and community sees its own part of it (and nothing of the others').
SCOPED = {"campaign", "campaign_progress_xlsx"}
OWN_PART = {"campaign_report"}  # a town reports its own progress in the district's campaign (tests/communities/test_progress.py)


def urls(world) -> dict[str, str]:
    entry = world.entries["黄竹塱社区"]
    services.evaluation_start(entry=entry, level=Level.SELF, actor=world.staff["黄竹塱社区"])
    title = title_grant(programme=world.campaign.programme, institution=None, region=world.places["黄竹塱社区"],
                        holder_name="黄竹塱社区", number="440117-2023-CJ-001", awarded_on=datetime.date(2023, 11, 25),
                        actor=world.admin)
    recheck = rechecks.recheck_start(title=title, year=2024, actor=world.staff["良口镇"], rubric=world.campaign.rubric)
    report = progress.progress_report(campaign=world.campaign, town=world.town, actor=world.staff["良口镇"], note="按月上报。")
    args = {
        "campaign": [world.campaign.pk], "entry": [entry.pk], "recheck": [recheck.pk], "recheck_start": [title.pk],
        "title_verify": [title.number], "setup_campaign": [world.campaign.programme_id],
        "setup_list": [world.campaign.pk, world.town.pk], "report_receive": [report.pk],
        "setup_milestone_done": [world.campaign.pk, world.campaign.milestones.first().pk],
    }
    found = {}
    for pattern in urlpatterns:
        name = pattern.name
        prefix = next((key for key in ("campaign", "entry", "recheck") if name.startswith(f"{key}_") and name not in args), None)
        found[name] = reverse(f"communities:{name}", args=args.get(name) or args.get(prefix) or
                              ([world.campaign.pk] if name.startswith("setup_") and name not in LISTS else []))
    return found


def test_the_public_sees_only_the_titles(world, client):
    for name, url in urls(world).items():
        response = client.get(url)
        if name in PUBLIC:
            assert response.status_code == 200, name
        else:
            assert response.status_code in (302, 405), name
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"], name


def _cells(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return " ".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None)


@pytest.mark.parametrize("outsider", ["吕田镇", "良新村"])
def test_another_town_or_community_finds_nothing_of_this_one(world, login, outsider):
    client = login(world.staff[outsider])
    for name, url in urls(world).items():
        if name in LISTS:
            response = client.get(url)
            assert response.status_code in (200, 403) and "黄竹塱社区" not in response.content.decode(), name
        if name in SCOPED:
            response = client.get(url)
            shown = response.content.decode() if name == "campaign" else _cells(response.content)
            assert "黄竹塱社区" not in shown and (outsider != "吕田镇" or "良口镇" not in shown), name
        if name in PUBLIC | LISTS | SCOPED | OWN_PART:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in (403, 404, 405), (name, method, response.status_code)
