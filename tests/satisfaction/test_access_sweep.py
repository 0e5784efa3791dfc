"""docs/security.md 6: every staff URL of the `satisfaction` namespace refuses whoever neither handles the institution's
cases (its own users) nor reads its results (the supervising admins, a viewer of its region).

The sweep builds each URL from `satisfaction.urls.urlpatterns` with real ids (every step of the case page), so a new
URL is swept as soon as it is added (and the sweep fails loudly on a kwarg it does not know how to fill). Outsiders:
another county's applicant, another county's programme admin, a reviewer, a viewer of another city, anonymous; and the
supervising admin POSTing a case's step or the phone reveal.
"""

from dataclasses import dataclass
from datetime import datetime

import pytest
from django.core import signing
from django.urls import reverse

from portal.enums import RegionLevel
from portal.models import Notification
from satisfaction import services
from satisfaction.models import Case, PublishedRanking, Rating
from satisfaction.quarters import Quarter
from satisfaction.urls import app_name, urlpatterns
from satisfaction.views.public import THANKS_SALT
from satisfaction.views.staff import STEPS
from tests.factories import RegionFactory, ReviewerFactory, ViewerFactory
from tests.satisfaction.world import BAD, BEIJING, BUILT_AT, PHONE, build, rate
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

# Public, no login: the rating form behind a window's QR code (its token), the thanks page (a signed receipt code),
# the rater's status page (asks for the receipt code) and the published rankings (names and rates only).
PUBLIC = {"rate", "thanks", "status", "ranking_list", "ranking_public"}
# Lists of the caller's own remit (results, export: another remit's rows; publish: its own regions' form).
OWN = {"results", "export", "publish"}
POST_ONLY = {"case_step", "case_phone"}
GET_ONLY = {"results", "export", "institution", "case"}
SECRETS = ("高青县田镇街道便民服务中心", PHONE, BAD["comment"])


@dataclass
class World:
    data: dict
    rating: Rating
    case: Case
    ranking: PublishedRanking

    def kwargs_for(self, pattern) -> list[dict]:
        variants = [{}]
        for name in pattern.pattern.converters:
            if name == "token":
                values = [self.data["point"].token]
            elif name == "signed":
                values = [signing.dumps(self.rating.receipt_code, salt=THANKS_SALT)]
            elif name == "pk" and pattern.name == "ranking_public":
                values = [self.ranking.pk]
            elif name == "pk" and pattern.name == "institution":
                values = [self.data["tianzhen"].pk]
            elif name == "pk" and pattern.name in ("case", "case_phone", "case_step"):
                values = [self.case.pk]
            elif name == "step":
                values = sorted(STEPS)
            else:
                raise AssertionError(f"the sweep does not know how to fill <{name}> of {pattern.name}")
            variants = [variant | {name: value} for variant in variants for value in values]
        return variants

    def urls(self):
        for pattern in urlpatterns:
            for kwargs in self.kwargs_for(pattern):
                yield pattern.name, reverse(f"{app_name}:{pattern.name}", kwargs=kwargs)

    def post_data(self, name: str, url: str) -> dict:
        """What the real form would post: if a check were missing, the request would change something."""
        if name == "case_step":
            step = url.rstrip("/").rsplit("/", 1)[1]
            return {
                "verify": {"verify-founded": "yes", "verify-findings": "越权核实"},
                "rectify": {"rectify-measures": "越权整改"},
                "callback": {"callback-on": "2026-11-10", "callback-outcome": "越权回访"},
                "reply": {"reply-text": "越权回复"},
            }[step]
        if name == "publish":
            return {"region": self.data["gaoqing"].pk, "quarter": "2026Q3"}
        return {}


def build_sweep() -> World:
    data = build()
    rating = rate(data["point"], BAD, now=datetime(2026, 8, 3, 9, tzinfo=BEIJING))
    ranking = services.ranking_publish(region=data["gaoqing"], quarter=Quarter(2026, 3), actor=data["admin"])
    return World(data=data, rating=rating, case=rating.case, ranking=ranking)


_world, world = module_world("world", build_sweep, built_at=BUILT_AT)

OUTSIDERS = {
    "other_county_applicant": lambda world: world.data["other_user"],
    "other_county_admin": lambda world: world.data["other_admin"],
    "reviewer": lambda world: ReviewerFactory(username="reviewer"),
    "other_city_viewer": lambda world: ViewerFactory(
        username="viewer", region=RegionFactory(code="370100", name="济南市", level=RegionLevel.CITY)
    ),
}


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in (Rating, Case, PublishedRanking, Notification)}


def methods_of(name: str) -> tuple[str, ...]:
    return ("post",) if name in POST_ONLY else ("get",) if name in GET_ONLY else ("get", "post")


def _xlsx_text(content: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode(errors="replace") for name in archive.namelist() if name.endswith(".xml"))


def leaks(response) -> list[str]:
    if response.get("Content-Type", "").startswith("application/vnd"):
        body = _xlsx_text(response.content)
    else:
        body = response.content.decode(errors="replace")
    return [secret for secret in SECRETS if secret in body]


def own_remit(name: str, who: str) -> bool:
    """Pages the outsider opens with its own remit (none of our rows)."""
    if name == "publish":
        return who == "other_county_admin"
    return name in OWN and who != "reviewer"


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_sweep_signed_in_outsiders_get_403_or_404(client, world, who):
    client.force_login(OUTSIDERS[who](world))
    before = snapshot()
    swept = set()

    for name, url in world.urls():
        if name in PUBLIC:
            continue
        for method in methods_of(name):
            response = getattr(client, method)(url, world.post_data(name, url) if method == "post" else {})
            swept.add(name)
            if own_remit(name, who):
                assert response.status_code in (200, 302), (name, method, response.status_code)
                if response.status_code == 302:  # an applicant's results: its own institution's page
                    assert response["Location"] != reverse("satisfaction:institution", args=[world.data["tianzhen"].pk])
            else:
                assert response.status_code in (403, 404), (name, url, method, response.status_code)
            assert leaks(response) == [], (name, url, method)

    assert swept == {p.name for p in urlpatterns} - PUBLIC
    assert snapshot() == before


def test_sweep_supervising_admin_posts_no_step(client, world):
    """The county's admin reads the case, but neither handles a step nor reveals the phone."""
    client.force_login(world.data["admin"])
    before = snapshot()
    assert client.get(reverse("satisfaction:case", args=[world.case.pk])).status_code == 200

    for name, url in world.urls():
        if name not in POST_ONLY:
            continue
        response = client.post(url, world.post_data(name, url))
        assert response.status_code in (403, 404), (name, url, response.status_code)
        assert PHONE not in response.content.decode(), (name, url)

    assert snapshot() == before


def test_sweep_anonymous_is_sent_to_login(client, world):
    before = snapshot()
    login_url = reverse("login")

    for name, url in world.urls():
        if name in PUBLIC:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url, world.post_data(name, url) if method == "post" else {})
            assert response.status_code == 302, (name, url, method, response.status_code)
            assert response["Location"] == f"{login_url}?next={url}", (name, method)

    assert snapshot() == before


def test_sweep_ids_are_real(client, world):
    """The institution's user opens the case and reveals the phone with the sweep's ids, the supervising admin reads
    the institution's page: the outsiders' 404s come from the checks, not from ids that do not exist."""
    client.force_login(world.data["tianzhen_user"])
    assert client.get(reverse("satisfaction:case", args=[world.case.pk])).status_code == 200
    assert PHONE in client.post(reverse("satisfaction:case_phone", args=[world.case.pk])).content.decode()
    client.force_login(world.data["admin"])
    assert client.get(reverse("satisfaction:institution", args=[world.data["tianzhen"].pk])).status_code == 200


def test_sweep_public_pages_show_no_phone_or_comment(client, world):
    for name, url in world.urls():
        if name not in PUBLIC:
            continue
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        assert PHONE not in response.content.decode() and BAD["comment"] not in response.content.decode(), name
