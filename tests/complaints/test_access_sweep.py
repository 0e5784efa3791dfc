"""docs/security.md 6: every staff URL of the `complaints` namespace refuses whoever neither handles the complaint (the
institution's own users) nor supervises it (the county's programme admins, read only).

The sweep builds each URL from `complaints.urls.urlpatterns` with real ids, so a new URL is swept as soon as it is
added (and the sweep fails loudly on a kwarg it does not know how to fill). Outsiders: another institution's applicant,
another county's programme admin, a reviewer, a viewer of another city, anonymous; and the supervising admin POSTing
a handler's step.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.enums import Channel
from complaints.models import Complaint
from complaints.services import Filing, complaint_file
from complaints.urls import app_name, urlpatterns
from platforms.models import StaffMember
from portal.enums import RegionLevel, Role
from portal.models import Notification
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

# Public, no login: the online 意见箱 of an institution, the complainant's status page (its unguessable token is the
# key) and the institution's published list of handled complaints (summaries without name or phone).
PUBLIC = {"new", "status", "handled"}
# Lists of the caller's own remit: another institution's applicant and another county's admin get their own (empty) rows.
LISTS = {"index", "export"}
# The phone log files a complaint for the caller's own institution: any applicant gets its own form.
OWN_FORM = {"phone_new"}
STEPS = {"answer", "conclude", "tell", "publish", "identity"}  # POST-only, the handlers' (the institution's users)
POST_ONLY = STEPS
GET_ONLY = {"detail", "export"}
NAME, PHONE, FACTS = "王秀英", "13912345678", "窗口人员态度生硬，推诿不办。"


@dataclass
class World:
    complaint: Complaint
    token: str
    handler: object
    admin: object

    @property
    def institution(self):
        return self.complaint.institution

    def kwargs_for(self, pattern) -> dict:
        kwargs = {}
        for name in pattern.pattern.converters:
            if name == "pk" and pattern.name in ("new", "handled"):
                kwargs[name] = self.institution.pk
            elif name == "pk":
                kwargs[name] = self.complaint.pk
            elif name == "receipt":
                kwargs[name] = self.complaint.receipt_number
            elif name == "token":
                kwargs[name] = self.token
            else:
                raise AssertionError(f"the sweep does not know how to fill <{name}> of {pattern.name}")
        return kwargs

    def urls(self):
        for pattern in urlpatterns:
            yield pattern.name, reverse(f"{app_name}:{pattern.name}", kwargs=self.kwargs_for(pattern))

    def post_data(self, name: str) -> dict:
        """What the real form would post: if a check were missing, the request would change something."""
        today = timezone.localdate()
        return {
            "answer": {"text": "越权回音", "handling_deadline": (today + timedelta(days=10)).isoformat()},
            "conclude": {"substantiated": "1", "findings": "越权结论", "correction_deadline": (today + timedelta(days=10)).isoformat()},
            "tell": {"how": "phone", "told_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")},
            "publish": {"summary": "越权公布", "outcome": "越权结果"},
        }.get(name, {})


def build() -> World:
    county = RegionFactory()
    institution = InstitutionFactory(name="高青县田镇街道便民服务中心", region=county)
    handler = ApplicantFactory(username="handler", institution=institution)
    admin = UserFactory(username="county_admin", role=Role.PROGRAMME_ADMIN, region=county)
    staff = StaffMember.objects.create(institution=institution, name="李明", staff_number="GQ015")
    filing = Filing(name=NAME, phone="+86" + PHONE, facts=FACTS, staff_member=staff, publish_consent=True)
    complaint, token = complaint_file(
        institution=institution, channel=Channel.PHONE, filing=filing, received_at=timezone.now() - timedelta(hours=2),
        actor=handler,
    )
    return World(complaint=complaint, token=token, handler=handler, admin=admin)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build)


@pytest.fixture
def world(_built, db) -> World:
    return _built


OUTSIDERS = {
    "other_institution_applicant": lambda: ApplicantFactory(
        username="other_applicant", institution=InstitutionFactory(name="高青县芦湖街道社区就业服务站")
    ),
    "other_county_admin": lambda: UserFactory(
        username="other_admin", role=Role.PROGRAMME_ADMIN, region=RegionFactory(code="370321", name="桓台县")
    ),
    "reviewer": lambda: ReviewerFactory(username="reviewer"),
    "other_city_viewer": lambda: ViewerFactory(
        username="viewer", region=RegionFactory(code="370100", name="济南市", level=RegionLevel.CITY)
    ),
}


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in (Complaint, Notification)}


def methods_of(name: str) -> tuple[str, ...]:
    return ("post",) if name in POST_ONLY else ("get",) if name in GET_ONLY else ("get", "post")


def leaks(response, world: World) -> list[str]:
    if response.get("Content-Type", "").startswith("application/vnd"):
        body = _xlsx_text(response.content)
    else:
        body = response.content.decode(errors="replace")
    secrets = [NAME, PHONE, FACTS, world.complaint.receipt_number, world.institution.name]
    return [secret for secret in secrets if secret in body]


def _xlsx_text(content: bytes) -> str:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode(errors="replace") for name in archive.namelist() if name.endswith(".xml"))


def own_remit(name: str, who: str) -> bool:
    """Pages the outsider opens with its own (empty) remit."""
    if name in LISTS:
        return who in ("other_institution_applicant", "other_county_admin")
    return name in OWN_FORM and who == "other_institution_applicant"


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_sweep_signed_in_outsiders_get_403_or_404(client, world, who):
    client.force_login(OUTSIDERS[who]())
    before = snapshot()
    swept = set()

    for name, url in world.urls():
        if name in PUBLIC:
            continue
        for method in methods_of(name):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            swept.add(name)
            if own_remit(name, who):
                assert response.status_code == 200, (name, method, response.status_code)
            else:
                assert response.status_code in (403, 404), (name, url, method, response.status_code)
            assert leaks(response, world) == [], (name, url, method)

    assert swept == {p.name for p in urlpatterns} - PUBLIC
    assert snapshot() == before


def test_sweep_supervising_admin_posts_no_step(client, world):
    """The county's admin reads the complaint, but no handler's step (nor the identity reveal) is open to it."""
    client.force_login(world.admin)
    before = snapshot()

    for name, url in world.urls():
        if name not in STEPS:
            continue
        response = client.post(url, world.post_data(name))
        assert response.status_code in (403, 404), (name, url, response.status_code)
        assert NAME not in response.content.decode() and PHONE not in response.content.decode(), name

    assert snapshot() == before


def test_sweep_anonymous_is_sent_to_login(client, world):
    before = snapshot()
    login_url = reverse("login")

    for name, url in world.urls():
        if name in PUBLIC:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            if response.status_code == 405:  # require_POST is checked before the login
                assert method not in methods_of(name), (name, url, method)
                continue
            assert response.status_code == 302, (name, url, method, response.status_code)
            assert response["Location"] == f"{login_url}?next={url}", (name, method)

    assert snapshot() == before


def test_sweep_ids_are_real(client, world):
    """The handler and the supervising admin open the complaint with the sweep's ids: the outsiders' 404s come from
    the checks, not from ids that do not exist."""
    urls = dict(world.urls())
    for user in (world.handler, world.admin):
        client.force_login(user)
        response = client.get(urls["detail"])
        assert response.status_code == 200
        assert FACTS in response.content.decode()
    client.force_login(world.handler)
    assert client.post(urls["identity"]).status_code == 200
