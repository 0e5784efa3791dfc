"""docs/security.md 6: every URL of the `platforms` namespace refuses whoever neither keeps the platform nor supervises it.

The sweep builds each URL from `platforms.urls.urlpatterns` with real ids, so a new URL is swept as soon as it is
added (and the sweep fails loudly if it takes a kwarg it does not know how to fill). Outsiders: another platform's
applicant, another county's programme admin, a reviewer, a viewer of another city, and anonymous; and the supervising
admin, who reads the platform's pages but must not change anything through the edit URLs.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from platforms.models import Duty, DutyKind, PlatformProfile, Qualification, ServicePoint, StaffMember
from platforms.urls import app_name, urlpatterns
from portal.enums import InstitutionKind, RegionLevel, Role
from portal.models import Institution
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

# No URL of the namespace is public. `index` only redirects each user to its own register or its own overview.
REDIRECTOR = {"index"}
# The supervising staff's overviews of their own jurisdiction: another county's admin gets 200 with its own rows.
OVERVIEWS = {"overview_staffing", "overview_staffing_export", "overview_duties"}
POST_ONLY = {"staff_leave", "window_active"}
GET_ONLY = {"staff", "staff_export", "windows", "window_poster", "duties", "duty_file"} | OVERVIEWS | REDIRECTOR
# The URLs that change something: the supervising admin (who may read the platform) must not get through them.
EDITS = {"staff_add", "staff_edit", "staff_leave", "window_add", "window_edit", "window_active", "profile", "duty_record"}
MEMBER_PK = {"staff_edit", "staff_leave"}
WINDOW_PK = {"window_edit", "window_active", "window_poster"}
DUTY_PK = {"duty_file"}
SECRETS = ("田镇街道便民服务中心", "王丽娟", "GQ01", "就业登记窗口", "0533-1234567", "第三季度自查情况")


@dataclass
class World:
    platform: Institution
    member: StaffMember
    window: ServicePoint
    duty: Duty
    keeper: object
    admin: object

    def kwargs_for(self, pattern) -> dict:
        kwargs = {}
        for name in pattern.pattern.converters:
            if name == "institution_id":
                kwargs[name] = self.platform.pk
            elif name == "pk" and pattern.name in MEMBER_PK:
                kwargs[name] = self.member.pk
            elif name == "pk" and pattern.name in WINDOW_PK:
                kwargs[name] = self.window.pk
            elif name == "pk" and pattern.name in DUTY_PK:
                kwargs[name] = self.duty.pk
            elif name == "year":
                kwargs[name] = 2026
            elif name == "quarter":
                kwargs[name] = 2
            elif name == "kind":
                kwargs[name] = DutyKind.values[0]
            else:
                raise AssertionError(f"the sweep does not know how to fill <{name}> of {pattern.name}")
        return kwargs

    def urls(self):
        for pattern in urlpatterns:
            yield pattern.name, reverse(f"{app_name}:{pattern.name}", kwargs=self.kwargs_for(pattern))

    def post_data(self, name: str) -> dict:
        """What the real form would post: if a check were missing, the request would change something."""
        staff = {"name": "越权人员", "position": "越权", "staff_number": "X99", "qualifications": [Qualification.LABOUR_ASSISTANT.value]}
        return {
            "staff_add": staff,
            "staff_edit": staff,
            "staff_leave": {"left_on": "2026-06-01"},
            "window_add": {"name": "越权窗口", "services": "越权"},
            "window_edit": {"name": "越权窗口", "services": "越权"},
            "window_active": {"active": "0"},
            "profile": {"complaint_phone": "0533-7654321"},
            "duty_record": {"done_on": "2026-06-01", "summary": "越权记录"},
        }.get(name, {})


def build() -> World:
    county = RegionFactory()
    platform = InstitutionFactory(name="田镇街道便民服务中心", region=county, kind=InstitutionKind.GRASSROOTS_PLATFORM)
    keeper = ApplicantFactory(username="keeper", institution=platform)
    admin = UserFactory(username="county_admin", role=Role.PROGRAMME_ADMIN, region=county)
    member = StaffMember.objects.create(
        institution=platform, name="王丽娟", position="负责人", staff_number="GQ01",
        qualifications=[Qualification.LABOUR_ASSISTANT.value],
    )
    window = ServicePoint.objects.create(institution=platform, name="就业登记窗口", services="就业登记\n失业登记")
    PlatformProfile.objects.update_or_create(institution=platform, defaults={"complaint_phone": "0533-1234567"})
    duty = Duty.objects.create(
        institution=platform, year=2026, quarter=3, kind=DutyKind.values[0], done_on=date(2026, 9, 1),
        summary="第三季度自查情况", original_name="自查.pdf", content_type="application/pdf", recorded_by=keeper,
    )
    duty.file.save("自查.pdf", ContentFile(b"%PDF-1.4 secret"))
    return World(platform=platform, member=member, window=window, duty=duty, keeper=keeper, admin=admin)


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, build)


@pytest.fixture
def world(_built, db) -> World:
    return _built


def other_institution_applicant():
    other = InstitutionFactory(name="芦湖街道社区就业服务站", kind=InstitutionKind.GRASSROOTS_PLATFORM)
    return ApplicantFactory(username="other_applicant", institution=other)


OUTSIDERS = {
    "other_institution_applicant": other_institution_applicant,
    "other_county_admin": lambda: UserFactory(
        username="other_admin", role=Role.PROGRAMME_ADMIN, region=RegionFactory(code="370321", name="桓台县")
    ),
    "reviewer": lambda: ReviewerFactory(username="reviewer"),
    "other_city_viewer": lambda: ViewerFactory(
        username="viewer", region=RegionFactory(code="370100", name="济南市", level=RegionLevel.CITY)
    ),
}

SNAPSHOT_MODELS = [Institution, StaffMember, ServicePoint, PlatformProfile, Duty]


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS}


def methods_of(name: str) -> tuple[str, ...]:
    return ("post",) if name in POST_ONLY else ("get",) if name in GET_ONLY else ("get", "post")


def leaks(response) -> list[str]:
    if getattr(response, "streaming", False) or response.get("Content-Type", "").startswith(("application/pdf", "application/vnd")):
        return ["a file"] if response.status_code == 200 else []
    body = response.content.decode(errors="replace")
    return [secret for secret in SECRETS if secret in body]


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_sweep_signed_in_outsiders_get_403_or_404(client, world, who):
    client.force_login(OUTSIDERS[who]())
    before = snapshot()
    swept = set()

    for name, url in world.urls():
        for method in methods_of(name):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            swept.add(name)
            if name in REDIRECTOR:
                assert response.status_code == 302, (name, method, response.status_code)
                assert str(world.platform.pk) not in response["Location"].split("/"), (name, response["Location"])
                continue
            if name in OVERVIEWS and who == "other_county_admin":
                assert response.status_code == 200, (name, method, response.status_code)
                if name == "overview_staffing_export":
                    continue  # an xlsx of its own county's rows
            else:
                assert response.status_code in (403, 404), (name, url, method, response.status_code)
            assert leaks(response) == [], (name, url, method)

    assert swept == {p.name for p in urlpatterns}
    assert snapshot() == before


def test_sweep_supervising_admin_changes_nothing(client, world):
    """The county's admin reads the register, but every edit URL, GET or POST, is a 404 for it."""
    client.force_login(world.admin)
    before = snapshot()
    swept = set()

    for name, url in world.urls():
        if name not in EDITS:
            continue
        for method in methods_of(name):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            swept.add(name)
            assert response.status_code in (403, 404), (name, url, method, response.status_code)

    assert swept == EDITS
    assert snapshot() == before


def test_sweep_anonymous_is_sent_to_login(client, world):
    before = snapshot()
    login_url = reverse("login")

    for name, url in world.urls():
        for method in ("get", "post"):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            assert response.status_code == 302, (name, url, method, response.status_code)
            assert response["Location"] == f"{login_url}?next={url}", (name, method)

    assert snapshot() == before


def test_sweep_ids_are_real(client, world):
    """The keeper opens every non-PDF URL with the sweep's ids, the admin every read URL: the outsiders' 404s come
    from the checks, not from ids that do not exist."""
    client.force_login(world.keeper)
    for name, url in world.urls():
        if name in OVERVIEWS or name == "window_poster" or name in POST_ONLY:
            continue
        assert client.get(url).status_code in (200, 302), (name, url)

    client.force_login(world.admin)
    for name, url in world.urls():
        if name in EDITS or name == "window_poster":
            continue
        assert client.get(url).status_code in (200, 302), (name, url)
