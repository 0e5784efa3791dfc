"""Every URL of the upward reports, swept (docs/security.md 6): another county's admin finds nothing of 高青县's report
nor of the city's call (404, or 403 where its role or level may not use the page), an applicant and a reviewer get a
403 everywhere, a visitor the login page. A URL added to reporting.urls without a case here fails the sweep."""

import pytest
from django.urls import reverse

from reporting.urls import urlpatterns
from tests.factories import ApplicantFactory, ReviewerFactory, SystemAdminFactory
from tests.reporting.world import BEFORE_DEADLINE, BUILT_AT, build, submitted
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=BEFORE_DEADLINE)
LISTS = {"reports", "calls"}  # each user its own: nothing of others
CALL = {"call", "call_xlsx"}
POSTS = {"report_write", "report_receive", "report_return"}


def urls(world) -> dict[str, str]:
    report = submitted(world)
    found = {}
    for pattern in urlpatterns:
        name = pattern.name
        args = [] if name in LISTS or name == "call_create" else [world.call.pk] if name in CALL else [report.pk]
        found[name] = reverse(f"reporting:{name}", args=args)
    return found


def urls_of_report(world) -> str:
    return reverse("reporting:report", args=[world.reports["高青县"].pk])


def test_a_visitor_is_sent_to_sign_in(world, client):
    for name, url in urls(world).items():  # the role check comes before the method's: GET stands for both
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_another_county_finds_nothing_of_this_one(world, login):
    client = login(world.other_admin)
    for name, url in urls(world).items():
        if name in LISTS:
            response = client.get(url)
            shown = response.content.decode()
            assert response.status_code == 200 and urls_of_report(world) not in shown and "高人社字" not in shown, name
            continue
        response = client.post(url) if name in POSTS else client.get(url)  # the other method is a 405 before any lookup
        expected = 403 if name == "call_create" else 404
        assert response.status_code == expected, (name, response.status_code)


@pytest.mark.parametrize("factory", [ApplicantFactory, ReviewerFactory])
def test_an_applicant_or_a_reviewer_has_no_part_in_reporting(world, login, factory):
    client = login(factory())
    for name, url in urls(world).items():
        assert client.get(url).status_code == 403, name


def test_the_city_sees_no_draft_and_the_county_no_call(world, login):
    draft = world.reports["桓台县"]

    city = login(world.city_admin).get(reverse("reporting:report", args=[draft.pk]))
    county = login(world.county_admin).get(reverse("reporting:call", args=[world.call.pk]))

    assert (city.status_code, county.status_code) == (404, 404)


def test_the_viewer_reads_the_call_and_the_submitted_report_but_decides_nothing(world, login):
    report = submitted(world)
    client = login(world.viewer)

    overview = client.get(reverse("reporting:call", args=[world.call.pk]))
    page = client.get(reverse("reporting:report", args=[report.pk]))
    draft = client.get(reverse("reporting:report", args=[world.reports["桓台县"].pk]))
    receive = client.post(reverse("reporting:report_receive", args=[report.pk]))

    assert (overview.status_code, page.status_code, draft.status_code, receive.status_code) == (200, 200, 404, 403)
    assert "签收或退回" not in page.content.decode()


def test_the_system_administrator_reads_everything_and_acts_for_no_bureau(world, login):
    submitted(world)
    client = login(SystemAdminFactory())

    overview = client.get(reverse("reporting:call", args=[world.call.pk]))
    draft = client.get(reverse("reporting:report", args=[world.reports["桓台县"].pk]))
    write = client.post(reverse("reporting:report_write", args=[world.reports["桓台县"].pk]), {"action": "save"})

    assert (overview.status_code, draft.status_code, write.status_code) == (200, 200, 403)
    assert "/receive/" not in overview.content.decode() and 'name="publicity_text"' not in draft.content.decode()
