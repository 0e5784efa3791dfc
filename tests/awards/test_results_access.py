"""Who may open every URL of the result, plaques, verification, revocation and batches (issue 7; docs/security.md 6):
the public pages for everyone without login, the plaque for its institution and the admins, the staff pages for
the programme's admins (a login redirect for visitors, 403 for other roles, 404 for another programme's admin)."""

import pytest
from django.urls import reverse
from time_machine import travel

from awards import services as award_services
from awards import urls as award_urls
from awards.models import PlaqueBatch
from tests.awards.results_builders import (
    ISSUED_AT,
    announced,
    award_of,
    fake_plaque,
    revoke,
    with_archive,
)
from tests.factories import ApplicantFactory, ReviewerFactory, SystemAdminFactory, ViewerFactory
from tests.worlds import module_world

pytestmark = pytest.mark.django_db

PUBLIC = ("results", "result", "result_pdf", "revocation", "verify")
STAFF = (
    "announcement",
    "announcement_issue",
    "batch_start",
    "batch_region",
    "batch",
    "batch_status",
    "batch_download",
    "award_revoke",
)
ISSUE_7 = {*PUBLIC, "plaque", *STAFF}


NOW = ISSUED_AT.replace(month=10, day=20)


def build_listed():
    """An issued announcement (甲 valid, 乙 revoked) and a finished batch of it; the clock stands on 20 October."""
    listed = announced()
    with travel(NOW, tick=False):
        listed.extra["revocation"] = revoke(award_of(listed, "乙"), listed.admin)
        listed.extra["batch"] = with_archive(
            PlaqueBatch.objects.create(announcement=listed.extra["announcement"], total=2, created_by=listed.admin)
        )
    return listed


_built, built = module_world("built", build_listed, built_at=ISSUED_AT, tests_at=NOW)


@pytest.fixture
def listed(built, monkeypatch):
    """The announcement, its revocation and batch; no PDF is really rendered."""
    monkeypatch.setattr(award_services, "award_plaque_pdf", fake_plaque)
    monkeypatch.setattr(award_services, "announcement_pdf", lambda announcement: b"%PDF-1.7 announcement")
    return built


def urls(listed) -> dict[str, tuple[str, str]]:
    """(method, url) of every URL name of issue 7."""
    announcement = listed.extra["announcement"]
    award = award_of(listed)
    batch = listed.extra["batch"]
    return {
        "results": ("get", reverse("awards:results")),
        "result": ("get", reverse("awards:result", args=[announcement.pk])),
        "result_pdf": ("get", reverse("awards:result_pdf", args=[announcement.pk])),
        "revocation": ("get", reverse("awards:revocation", args=[listed.extra["revocation"].pk])),
        "verify": ("get", reverse("awards:verify", args=[award.verify_code])),
        "plaque": ("get", reverse("awards:plaque", args=[award.pk])),
        "announcement": ("get", reverse("awards:announcement", args=[listed.round.pk])),
        "announcement_issue": ("post", reverse("awards:announcement_issue", args=[announcement.pk])),
        "batch_start": ("post", reverse("awards:batch_start", args=[announcement.pk])),
        "batch_region": ("get", reverse("awards:batch_region")),
        "batch": ("get", reverse("awards:batch", args=[batch.pk])),
        "batch_status": ("get", reverse("awards:batch_status", args=[batch.pk])),
        "batch_download": ("get", reverse("awards:batch_download", args=[batch.pk])),
        "award_revoke": ("get", reverse("awards:award_revoke", args=[award.pk])),
    }


def status_of(client, listed, name) -> int:
    method, url = urls(listed)[name]
    return getattr(client, method)(url).status_code


def test_the_sweep_covers_every_url_of_issue_7():
    names = [pattern.name for pattern in award_urls.urlpatterns]

    assert set(names[names.index("results") :]) == ISSUE_7


def test_anonymous_visitor_reads_the_public_pages_and_is_sent_to_the_login_elsewhere(client, listed):
    for name, (method, url) in urls(listed).items():
        response = getattr(client, method)(url)
        if name in PUBLIC:
            assert response.status_code == 200, name
        elif name == "plaque":
            assert response.status_code == 404, name  # not even a login page that would confirm the award
            assert b"%PDF" not in response.content
        else:
            assert response.status_code == 302, name
            assert response["Location"].startswith(reverse("login") + "?next="), name
    assert not PlaqueBatch.objects.exclude(pk=listed.extra["batch"].pk).exists()


@pytest.mark.parametrize(
    "factory",
    [ApplicantFactory, ReviewerFactory, ViewerFactory, "own-applicant", "department-lead"],
    ids=["applicant", "reviewer", "viewer", "own-applicant", "department-lead"],
)
def test_other_roles_get_403_on_the_staff_pages(login, listed, factory):
    if factory == "own-applicant":
        user = listed.applications[0].created_by
    elif factory == "department-lead":
        user = listed.lead
    else:
        user = factory()
    client = login(user)

    for name in STAFF:
        assert status_of(client, listed, name) == 403, name
    for name in PUBLIC:
        assert status_of(client, listed, name) == 200, name
    expected_plaque = 200 if factory == "own-applicant" else 404
    assert status_of(client, listed, "plaque") == expected_plaque


def test_admin_of_another_programme_gets_404(login, listed):
    other = announced(names=("丙",))
    client = login(other.admin)

    for name in (*STAFF, "plaque"):
        expected = 200 if name == "batch_region" else 404  # the jurisdiction's batch page offers its own regions only
        assert status_of(client, listed, name) == expected, name
    for name in PUBLIC:
        assert status_of(client, listed, name) == 200, name
    assert PlaqueBatch.objects.count() == 1
    assert not award_of(listed).revoked_at


@pytest.mark.parametrize("who", ["admin", "system-admin"])
def test_the_programmes_admins_reach_every_page(login, listed, who):
    client = login(listed.admin if who == "admin" else SystemAdminFactory())

    for name in ISSUE_7:
        status = status_of(client, listed, name)
        if name in ("announcement_issue", "batch_start"):
            assert status == 302, name
        else:
            assert status == 200, name
