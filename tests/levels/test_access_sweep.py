"""Every URL of the targets, swept (docs/security.md 6): 济南's pages are a 404 for 淄博's admin and viewer and for
张店区's admin, an applicant and a reviewer get a 403 everywhere, a visitor the login page. A URL added to levels.urls
without a case here fails the sweep."""

import pytest
from django.urls import reverse

from levels.urls import urlpatterns
from tests.factories import ApplicantFactory, ReviewerFactory
from tests.levels.world import BUILT_AT, DECEMBER_FIRST, build
from tests.worlds import module_world

pytestmark = pytest.mark.django_db
_world, world = module_world("world", build, built_at=BUILT_AT, tests_at=DECEMBER_FIRST)
OWN = {"dashboard", "export", "allocate"}  # each user's own scope: nothing to look up
OF_A_REGION = {"region", "region_export", "allocate_region"}


def urls(code: str) -> dict[str, str]:
    assert {pattern.name for pattern in urlpatterns} == OWN | OF_A_REGION
    return {pattern.name: reverse(f"levels:{pattern.name}", args=[] if pattern.name in OWN else [code])
            for pattern in urlpatterns}


def test_a_visitor_is_sent_to_sign_in(world, client):
    for name, url in urls("370100").items():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


@pytest.mark.parametrize("who", ["city_admin", "city_viewer", "county_admin"])
def test_another_citys_pages_are_a_404(world, login, who):
    user = getattr(world, who)
    client = login(user)
    for name in OF_A_REGION:
        url = urls("370100")[name]
        response = client.post(url) if name == "allocate_region" else client.get(url)
        expected = 403 if name == "allocate_region" and who == "city_viewer" else 404
        assert response.status_code == expected, (who, name, response.status_code)


def test_own_pages_name_nothing_of_another_city(world, login):
    client = login(world.city_admin)
    for name in OWN:
        content = client.get(urls("370100")[name]).content
        assert "济南".encode() not in content and "历下".encode() not in content, name


@pytest.mark.parametrize("factory", [ApplicantFactory, ReviewerFactory])
def test_an_applicant_or_a_reviewer_has_no_part_in_the_targets(world, login, factory):
    client = login(factory())
    for name, url in urls("370300").items():
        assert client.get(url).status_code == 403, name
