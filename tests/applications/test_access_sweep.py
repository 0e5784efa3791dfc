"""docs/security.md 6: every URL of the `applications` namespace refuses whoever neither owns the object nor manages it.

The sweep builds each URL from `applications.urls.urlpatterns` with real ids, so a new URL is swept as soon as it
is added (and the sweep fails loudly if it takes an id it does not know how to fill).
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications.conditions import conditions_install_default
from applications.enums import ApplicationStatus as S
from applications.models import Application, Attachment
from applications.urls import app_name, urlpatterns
from portal import services as portal_services
from portal.enums import InstitutionStatus
from portal.models import Institution, User
from tests.applications.factories import PDF, PNG, ApplicationFactory, AttachmentFactory
from tests.factories import (
    ApplicantFactory,
    DepartmentLeadFactory,
    ProgrammeFactory,
    RegionFactory,
    ReviewerFactory,
    RoundFactory,
    UserFactory,
    ViewerFactory,
)

pytestmark = pytest.mark.django_db

PUBLIC = {"call", "register"}
# Lists without an object id: an admin sees its own jurisdiction's rows there (never the owner's), others get 403.
LISTS = {"institutions"}
# Which object the `pk` of each URL names; the other kwargs say it in their own name.
ROUND_PK = {"call", "start", "round_applications"}
INSTITUTION_PK = {"institutions", "institution", "institution_decide", "staff_set_active"}


@dataclass
class World:
    round: object
    application: Application
    attachment: Attachment
    owner: User
    admin: User

    @property
    def institution(self) -> Institution:
        return self.application.institution

    def kwargs_for(self, pattern) -> dict:
        ids = {
            "round_pk": self.round.pk,
            "attachment_pk": self.attachment.pk,
            "user_pk": self.owner.pk,
        }
        kwargs = {}
        for name in pattern.pattern.converters:
            if name == "pk":
                if pattern.name in ROUND_PK:
                    kwargs[name] = self.round.pk
                elif pattern.name in INSTITUTION_PK:
                    kwargs[name] = self.institution.pk
                else:
                    kwargs[name] = self.application.pk
            elif name in ids:
                kwargs[name] = ids[name]
            else:
                raise AssertionError(f"the sweep does not know how to fill <{name}> of {pattern.name}")
        return kwargs

    def urls(self):
        for pattern in urlpatterns:
            yield pattern.name, reverse(f"{app_name}:{pattern.name}", kwargs=self.kwargs_for(pattern))

    def post_data(self, name: str) -> dict:
        """What a real form would post: if a check were missing, the request would change something."""
        deadline = (timezone.localdate() + timedelta(days=5)).isoformat()
        return {
            "edit": {"institution_name": "篡改后的名称", "work_record": "篡改", "action": "save",
                     "priority-TOTAL_FORMS": "0", "priority-INITIAL_FORMS": "0"},
            "upload": {"purpose": "evidence", "condition": "", "files": [SimpleUploadedFile("x.pdf", PDF)]},
            "return": {"reason": "越权退回", "deadline": deadline},
            "accept": {"note": "越权受理"},
            "reject": {"reason": "越权不予受理"},
            "institution": {"username": "intruder", "full_name": "外人", "email": "intruder@example.cn"},
            "institution_decide": {"decision": "reject", "note": "越权"},
            "staff_set_active": {"active": "0"},
        }.get(name, {})


@pytest.fixture
def world():
    """One institution's draft with an attachment, in a round of the Gaoqing programme, and that programme's admin."""
    round = RoundFactory()
    conditions_install_default(round.programme)
    application = ApplicationFactory(round=round, institution__status=InstitutionStatus.PENDING)
    attachment = AttachmentFactory(application=application)
    admin = UserFactory(username="owner_admin")
    portal_services.programme_admin_grant(programme=round.programme, user=admin)
    return World(round=round, application=application, attachment=attachment, owner=application.created_by, admin=admin)


def other_programme_admin():
    admin = UserFactory(username="other_admin")
    portal_services.programme_admin_grant(programme=ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")), user=admin)
    return admin


OUTSIDERS = {
    "other_institution_applicant": lambda: ApplicantFactory(username="other_applicant"),
    "reviewer_not_assigned": lambda: ReviewerFactory(username="reviewer"),
    "other_programme_admin": other_programme_admin,
    "viewer": lambda: ViewerFactory(username="viewer"),
    "department_lead": lambda: DepartmentLeadFactory(username="lead"),
}


def assert_nothing_changed(world: World):
    application = Application.objects.get(pk=world.application.pk)
    assert (application.status, application.institution_name, application.work_record) == (
        S.DRAFT,
        world.institution.name,
        "",
    )
    assert list(application.attachments.values_list("pk", flat=True)) == [world.attachment.pk]
    institution = Institution.objects.get(pk=world.institution.pk)
    assert institution.status == InstitutionStatus.PENDING
    assert User.objects.get(pk=world.owner.pk).is_active is True
    assert not User.objects.filter(username="intruder").exists()
    assert mail.outbox == []


def leaks(response, world: World) -> bool:
    body = response.content.decode(errors="replace")
    return world.institution.name in body or world.institution.uscc in body


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_sweep_signed_in_outsiders_get_403_404_or_405(login, world, who):
    user = OUTSIDERS[who]()
    client = login(user)
    answers = {}

    for name, url in world.urls():
        if name in PUBLIC:
            continue
        for method in ("get", "post"):
            data = world.post_data(name) if method == "post" else {}
            response = getattr(client, method)(url, data)
            answers[(name, method)] = response.status_code
            assert not leaks(response, world), (name, method)
            if name == "start" and method == "post" and who == "other_institution_applicant":
                # Starting is open to every applicant: it makes the caller's own draft, never touches the owner's.
                own = Application.objects.get(institution=user.institution)
                assert response["Location"] == reverse("applications:edit", args=[own.pk])
                continue
            if name in LISTS and who == "other_programme_admin":
                assert response.status_code == 200, (name, method, response.status_code)
                continue
            assert response.status_code in (403, 404, 405), (name, method, response.status_code)

    assert {name for name, _ in answers} == {pattern.name for pattern in urlpatterns} - PUBLIC
    assert_nothing_changed(world)


def test_sweep_anonymous_is_sent_to_login(client, world):
    login_url = reverse("login")

    for name, url in world.urls():
        if name in PUBLIC:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            assert response.status_code == 302, (name, method, response.status_code)
            assert response["Location"] == f"{login_url}?next={url}", (name, method)

    assert_nothing_changed(world)
    assert Application.objects.count() == 1


def test_sweep_public_pages_open_to_everyone(client, world):
    for name in sorted(PUBLIC):
        url = dict(world.urls())[name]

        response = client.get(url)

        assert response.status_code == 200, name
        assert world.institution.uscc not in response.content.decode()


def test_sweep_knows_every_url_of_the_namespace(world):
    names = [name for name, _ in world.urls()]

    assert len(names) == len(urlpatterns) == len(set(names))
    assert {"detail", "pdf", "attachment", "edit", "round_applications", "staff_set_active"} <= set(names)


# --- the owner and the programme's admin do get in ---------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owner_and_admin_open_detail_and_attachment(login, world, who):
    client = login(getattr(world, who))

    detail = client.get(reverse("applications:detail", args=[world.application.pk]))
    download = client.get(reverse("applications:attachment", args=[world.application.pk, world.attachment.pk]))

    assert detail.status_code == 200
    assert world.institution.uscc in detail.content.decode()
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E4%BD%90%E8%AF%81%E6%9D%90%E6%96%99.png" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Type"] == "image/png"
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == PNG


@pytest.mark.pdf
@pytest.mark.parametrize("who", ["owner", "admin"])
def test_owner_and_admin_open_the_pdf(login, world, who):
    client = login(getattr(world, who))

    response = client.get(reverse("applications:pdf", args=[world.application.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"


def test_attachment_of_another_application_through_this_one_is_404(login, world):
    other = AttachmentFactory()
    client = login(world.owner)

    response = client.get(reverse("applications:attachment", args=[world.application.pk, other.pk]))

    assert response.status_code == 404
