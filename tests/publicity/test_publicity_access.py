"""Who may open the staff pages of publicity and the objection files (docs/security.md 6, 14, 18)."""

import copy
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from portal.enums import AuditEvent
from portal.models import AuditRecord
from publicity import services
from publicity.enums import ObjectorType
from tests.applications.factories import PDF
from tests.factories import ApplicantFactory, ReviewerFactory, SystemAdminFactory
from tests.publicity.publicity_builders import (
    CONTACT_PERSON,
    PNG,
    at,
    file,
    grant_identity,
    listed_round,
    pdf,
    png,
    publish,
)
from tests.worlds import built_once

pytestmark = pytest.mark.django_db


def build_listed():
    """An organisation's objection with a seal and one evidence file, on a notice of 28 Sep 2026."""
    listed = listed_round(names=("甲",))
    publish(listed, at(2026, 9, 28, 10))
    objection, _token = file(
        listed,
        at(2026, 9, 29, 15),
        objector_type=ObjectorType.ORGANISATION,
        name="某某商会",
        contact_person=CONTACT_PERSON,
        seal=png(),
        evidence=[pdf("现场记录.pdf")],
    )
    listed.extra["objection"] = objection
    listed.extra["evidence"] = objection.evidence.get()
    return listed


@pytest.fixture(scope="module")
def _listed(django_db_setup, django_db_blocker):
    """Built once for the module (tests/worlds.py). On the real clock, as these tests always ran: they stand on no
    day of their own, so none is frozen for them."""
    yield from built_once(django_db_blocker, build_listed)


@pytest.fixture
def listed(_listed, db):
    """Each test's own copy of the listed round and its objection."""
    return copy.deepcopy(_listed)


def staff_urls(listed) -> dict[str, tuple[str, str]]:
    """(method, url) of every staff page of publicity that names an object, and the list."""
    pk = listed.extra["objection"].pk
    return {
        "round": ("get", reverse("publicity:round", args=[listed.round.pk])),
        "list": ("get", reverse("publicity:objections")),
        "detail": ("get", reverse("publicity:objection", args=[pk])),
        "assign": ("post", reverse("publicity:objection_assign", args=[pk])),
        "grant": ("post", reverse("publicity:objection_grant", args=[pk])),
        "decide": ("post", reverse("publicity:objection_decide", args=[pk])),
        "identity": ("post", reverse("publicity:objection_identity", args=[pk])),
        "file": ("get", reverse("publicity:objection_file", args=[pk, listed.extra["evidence"].pk])),
        "seal": ("get", reverse("publicity:objection_seal", args=[pk])),
    }


def test_anonymous_visitor_is_sent_to_the_login(client, listed):
    for name, (method, url) in staff_urls(listed).items():
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login") + "?next="), name


@pytest.mark.parametrize("factory", [ApplicantFactory, ReviewerFactory], ids=["applicant", "reviewer"])
def test_applicant_or_reviewer_gets_403(login, listed, factory):
    client = login(factory())

    for name, (method, url) in staff_urls(listed).items():
        assert getattr(client, method)(url).status_code == 403, name


def test_an_institution_on_the_notice_cannot_open_the_objection(login, listed):
    client = login(listed.applications[0].created_by)

    assert client.get(staff_urls(listed)["detail"][1]).status_code == 403


def test_admin_of_another_programme_gets_404(login, listed):
    client = login(listed_round(names=("乙",)).admin)
    urls = staff_urls(listed)

    for name in ("round", "detail", "assign", "grant", "decide", "identity", "file", "seal"):
        method, url = urls[name]
        assert getattr(client, method)(url).status_code == 404, name
    assert listed.extra["objection"].receipt_number not in client.get(urls["list"][1]).content.decode()


def test_department_lead_without_an_assignment_gets_404(login, listed):
    client = login(listed.lead)
    urls = staff_urls(listed)

    assert client.get(urls["round"][1]).status_code == 403  # publishing is the admins'
    for name in ("detail", "decide", "identity", "file", "seal"):
        method, url = urls[name]
        assert getattr(client, method)(url).status_code == 404, name


def test_evidence_is_downloaded_as_an_attachment_by_staff_with_access(login, listed):
    url = staff_urls(listed)["file"][1]

    for user in (listed.admin, SystemAdminFactory()):
        response = login(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "filename*=utf-8''%E7%8E%B0%E5%9C%BA%E8%AE%B0%E5%BD%95.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PDF


def test_handler_downloads_the_evidence_once_assigned(login, listed):
    services.objection_assign(
        objection=listed.extra["objection"], handler=listed.lead, deadline=timezone.localdate(), actor=listed.admin
    )

    assert login(listed.lead).get(staff_urls(listed)["file"][1]).status_code == 200


def test_evidence_of_another_objection_is_404(login, listed):
    other, _token = file(listed, at(2026, 9, 29, 16), evidence=[pdf()])
    url = reverse("publicity:objection_file", args=[other.pk, listed.extra["evidence"].pk])

    assert login(listed.admin).get(url).status_code == 404


def test_evidence_is_stored_under_a_random_name_outside_static_urls(listed):
    evidence = listed.extra["evidence"]

    assert evidence.file.name.startswith("objections/") and "现场记录" not in evidence.file.name
    assert evidence.original_name == "现场记录.pdf" and evidence.size == len(PDF) and len(evidence.sha256) == 64


def test_seal_download_needs_the_identity_permission_and_is_audited(login, listed):
    objection = listed.extra["objection"]
    url = staff_urls(listed)["seal"][1]
    client = login(listed.admin)

    refused = client.get(url)
    grant_identity(objection, listed.admin, "核对公章", requested_by=listed.admin)
    response = client.get(url)

    assert refused.status_code == 403
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{objection.receipt_number}-seal.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PNG
    views = AuditRecord.objects.filter(event=AuditEvent.PERSONAL_DATA_VIEW, object_id=str(objection.pk)).order_by("pk")
    assert list(views.values_list("success", flat=True)) == [False, True]


def test_a_jpeg_seal_keeps_its_extension_on_download(login, listed):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (200, 30, 30)).save(buffer, "JPEG")
    jpeg = SimpleUploadedFile("公章.jpeg", buffer.getvalue(), content_type="image/jpeg")
    objection, _token = file(
        listed, at(2026, 9, 29, 16), objector_type=ObjectorType.ORGANISATION, contact_person=CONTACT_PERSON, seal=jpeg
    )
    grant_identity(objection, listed.admin, "核对公章", requested_by=listed.admin)

    response = login(listed.admin).get(reverse("publicity:objection_seal", args=[objection.pk]))

    assert objection.seal.name.endswith(".jpeg")
    assert response["Content-Disposition"] == f'attachment; filename="{objection.receipt_number}-seal.jpeg"'


def test_superuser_cannot_download_the_seal_without_the_explicit_permission(login, listed):
    assert login(SystemAdminFactory()).get(staff_urls(listed)["seal"][1]).status_code == 403
