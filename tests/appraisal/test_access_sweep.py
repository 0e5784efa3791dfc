"""docs/security.md 6: every URL of the `appraisal` namespace refuses whoever neither keeps the platform (its own
users, who edit) nor supervises it (the county's programme admins, who read and export).

The sweep builds each URL from `appraisal.urls.urlpatterns` with real ids, so a new URL is swept as soon as it is
added (and the sweep fails loudly on a kwarg it does not know how to fill). Outsiders: another platform's applicant,
another county's programme admin, a reviewer, a viewer of another city, anonymous; and the supervising admin
reaching the edit URLs.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from appraisal import services
from appraisal.models import Appraisal, Score
from appraisal.urls import app_name, urlpatterns
from platforms.models import StaffMember
from portal.enums import InstitutionKind, RegionLevel, Role
from tests.appraisal.conftest import marks
from tests.factories import (
    ApplicantFactory,
    InstitutionFactory,
    RegionFactory,
    ReviewerFactory,
    UserFactory,
    ViewerFactory,
)
from tests.worlds import built_once

pytestmark = pytest.mark.django_db

# No URL is public. `index` lists the caller's own remit (empty for an outsider); `open` opens the caller's own
# institution's appraisal (or refuses one without an institution): neither takes an id of ours.
OWN = {"index", "open"}
POST_ONLY = {"open", "conclude"}
GET_ONLY = {"index", "detail", "export"}
EDITS = {"settings", "score", "conclude"}  # the keeper's; the supervising admin reads detail and export only
SECRETS = ("田镇街道便民服务中心", "王丽娟", "赵海涛", "87.50")


@dataclass
class World:
    appraisal: Appraisal
    member: StaffMember
    keeper: object
    admin: object

    def kwargs_for(self, pattern) -> dict:
        kwargs = {}
        for name in pattern.pattern.converters:
            if name == "pk":
                kwargs[name] = self.appraisal.pk
            elif name == "member_id":
                kwargs[name] = self.member.pk
            else:
                raise AssertionError(f"the sweep does not know how to fill <{name}> of {pattern.name}")
        return kwargs

    def urls(self):
        for pattern in urlpatterns:
            yield pattern.name, reverse(f"{app_name}:{pattern.name}", kwargs=self.kwargs_for(pattern))

    def post_data(self, name: str) -> dict:
        """What the real form would post: if a check were missing, the request would change something."""
        return {
            "open": {"year": "2027"},
            "settings": {"weight_clients": "10", "weight_peers": "10", "weight_leaders": "80",
                         "excellent_from": "50", "competent_from": "40", "basic_from": "30"},
            "score": {f"{s}_{d}": "1" for s in ("clients", "peers", "leaders") for d in ("de", "qin", "ji", "xiao")},
        }.get(name, {})


def build() -> World:
    county = RegionFactory()
    platform = InstitutionFactory(name="田镇街道便民服务中心", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM)
    keeper = ApplicantFactory(username="keeper", institution=platform)
    admin = UserFactory(username="county_admin", role=Role.PROGRAMME_ADMIN, region=county)
    staff = [StaffMember.objects.create(institution=platform, name=name) for name in ("王丽娟", "赵海涛")]
    appraisal = services.appraisal_open(institution=platform, year=2026, actor=keeper)
    services.score_save(appraisal=appraisal, member=staff[0], marks=marks(87.5, 87.5, 87.5, 87.5), actor=keeper)
    return World(appraisal=appraisal, member=staff[1], keeper=keeper, admin=admin)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build)


@pytest.fixture
def world(_built, db) -> World:
    return _built


OUTSIDERS = {
    "other_institution_applicant": lambda: ApplicantFactory(
        username="other_applicant",
        institution=InstitutionFactory(name="芦湖街道社区就业服务站", kind=InstitutionKind.GRASSROOTS_PLATFORM),
    ),
    "other_county_admin": lambda: UserFactory(
        username="other_admin", role=Role.PROGRAMME_ADMIN, region=RegionFactory(code="370321", name="桓台县")
    ),
    "reviewer": lambda: ReviewerFactory(username="reviewer"),
    "other_city_viewer": lambda: ViewerFactory(
        username="viewer", region=RegionFactory(code="370100", name="济南市", level=RegionLevel.CITY)
    ),
}


def snapshot(world: World) -> dict:
    """Our platform's rows (another applicant may open its own institution's appraisal through `open`)."""
    institution = world.appraisal.institution_id
    return {
        "Appraisal": list(Appraisal.objects.filter(institution_id=institution).order_by("pk").values()),
        "Score": list(Score.objects.order_by("pk").values()),
        "StaffMember": list(StaffMember.objects.filter(institution_id=institution).order_by("pk").values()),
    }


def methods_of(name: str) -> tuple[str, ...]:
    return ("post",) if name in POST_ONLY else ("get",) if name in GET_ONLY else ("get", "post")


def leaks(response) -> list[str]:
    if response.get("Content-Type", "").startswith("application/vnd"):
        return ["a file"] if response.status_code == 200 else []
    body = response.content.decode(errors="replace")
    return [secret for secret in SECRETS if secret in body]


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_sweep_signed_in_outsiders_get_403_or_404(client, world, who):
    client.force_login(OUTSIDERS[who]())
    before = snapshot(world)
    swept = set()

    for name, url in world.urls():
        for method in methods_of(name):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            swept.add(name)
            if name in OWN:
                assert response.status_code in (200, 302), (name, method, response.status_code)
                if response.status_code == 302:
                    assert response["Location"] != reverse("appraisal:detail", args=[world.appraisal.pk]), name
            else:
                assert response.status_code in (403, 404), (name, url, method, response.status_code)
            assert leaks(response) == [], (name, url, method)

    assert swept == {p.name for p in urlpatterns}
    assert snapshot(world) == before


def test_sweep_supervising_admin_changes_nothing(client, world):
    client.force_login(world.admin)
    before = snapshot(world)
    swept = set()

    for name, url in world.urls():
        if name not in EDITS:
            continue
        for method in methods_of(name):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            swept.add(name)
            assert response.status_code in (403, 404), (name, url, method, response.status_code)

    assert swept == EDITS
    # `open` with the admin: it keeps no platform, so nothing is opened anywhere.
    assert client.post(reverse("appraisal:open"), {"year": "2027"}).status_code == 302
    assert Appraisal.objects.count() == 1
    assert snapshot(world) == before


def test_sweep_anonymous_is_sent_to_login(client, world):
    before = snapshot(world)
    login_url = reverse("login")

    for name, url in world.urls():
        for method in ("get", "post"):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            assert response.status_code == 302, (name, url, method, response.status_code)
            assert response["Location"] == f"{login_url}?next={url}", (name, method)

    assert snapshot(world) == before
    assert Appraisal.objects.count() == 1


def test_sweep_ids_are_real(client, world):
    """The keeper opens every id URL and the admin the read ones with the sweep's ids: the outsiders' 404s come from
    the checks, not from ids that do not exist."""
    urls = dict(world.urls())
    client.force_login(world.keeper)
    for name in ("detail", "settings", "score", "export"):
        assert client.get(urls[name]).status_code == 200, name
    assert "87.50" in client.get(urls["detail"]).content.decode()
    client.force_login(world.admin)
    for name in ("detail", "export"):
        assert client.get(urls[name]).status_code == 200, name
