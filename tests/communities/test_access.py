"""Each level sees only its own jurisdiction (issue 15): a community or village itself, a town its communities and
villages, the district its programme's; the public nothing of the campaign pages. The evaluations' assessments
follow: a level changes only its own, and only until it is submitted."""

import pytest
from django.urls import reverse

from communities import services
from communities.enums import Level
from portal.permissions import visible
from rubrics.models import Assessment
from tests.communities.world import BUILT_AT, build
from tests.factories import UserFactory
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT)

PAGES = ("communities:entry", "communities:entry_compare", "communities:entry_compare_xlsx")


def test_each_level_sees_only_its_own_entries(world, login):
    entry = world.entries["黄竹塱社区"]
    seen = {}
    for who in ("黄竹塱社区", "良新村", "良口镇", "吕田镇"):
        client = login(world.staff[who])
        seen[who] = [client.get(reverse(page, args=[entry.pk])).status_code for page in PAGES]
    admin = login(world.admin).get(reverse("communities:entry", args=[entry.pk])).status_code
    stranger = login(UserFactory())  # a programme admin of nothing (one client: signing in again replaces the user)

    assert seen == {"黄竹塱社区": [200] * 3, "良新村": [404] * 3, "良口镇": [200] * 3, "吕田镇": [404] * 3}
    assert admin == 200
    assert stranger.get(reverse("communities:entry", args=[entry.pk])).status_code == 404
    assert stranger.get(reverse("communities:campaign", args=[world.campaign.pk])).status_code == 404


def test_the_public_is_sent_to_sign_in(world, client):
    for page in (*PAGES, "communities:campaign"):
        pk = world.campaign.pk if page == "communities:campaign" else world.entries["黄竹塱社区"].pk
        response = client.get(reverse(page, args=[pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_campaign_shows_each_level_its_own_part_of_the_list(world, login):
    town_page = login(world.staff["良口镇"]).get(reverse("communities:campaign", args=[world.campaign.pk]))
    village_page = login(world.staff["良新村"]).get(reverse("communities:campaign", args=[world.campaign.pk]))  # after

    assert "黄竹塱社区" in town_page.content.decode() and "吕中村" not in town_page.content.decode()
    assert "良新村" in village_page.content.decode() and "黄竹塱社区" not in village_page.content.decode()


def test_a_level_changes_only_its_own_evaluation_and_only_until_submitted(world, login):
    entry = world.entries["黄竹塱社区"]
    community, town = world.staff["黄竹塱社区"], world.staff["良口镇"]
    evaluation = services.evaluation_start(entry=entry, level=Level.SELF, actor=community)
    assessment = evaluation.assessment

    assert visible(community, Assessment, "edit").filter(pk=assessment.pk).exists()
    assert not visible(town, Assessment).filter(pk=assessment.pk).exists()  # a draft of the level below: not the town's
    assert not visible(world.admin, Assessment, "edit").filter(pk=assessment.pk).exists()  # the programme's, not to change
    assert not visible(world.staff["良新村"], Assessment).filter(pk=assessment.pk).exists()
    refused = login(town).post(reverse("communities:entry_start", args=[entry.pk]), follow=True)
    assert "还不能开始镇评估" in refused.content.decode()
    evaluation.assessment.locked_at = evaluation.submitted_at = assessment.created_at
    evaluation.assessment.save(update_fields=["locked_at"])
    evaluation.save(update_fields=["submitted_at"])

    assert visible(town, Assessment).filter(pk=assessment.pk).exists()  # submitted: the town sees it
    assert not visible(community, Assessment, "edit").filter(pk=assessment.pk).exists()  # and nobody changes it
