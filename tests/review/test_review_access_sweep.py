"""docs/security.md 6 and issue 5: nobody outside a review gets any page or file of it, before or after the scoring.

The sweep builds every URL of `review.urls.urlpatterns` (plus the application's detail, PDF and attachment) with real
ids, so a new review URL is swept as soon as it is added; it fails loudly on an id it does not know how to fill. A
recused reviewer (by declaration, or by the admin after scoring), an unassigned reviewer of the same and of another
county, an applicant of another institution and the admin of another programme must all get 403 or 404 for each
method the view takes, see nothing of the application, and change nothing. The owners' own control
(`test_sweep_ids_are_real`) shows that the same URLs open for the people they belong to.
"""

import copy
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from applications.models import Application, Attachment
from portal import services as portal_services
from portal.models import Notification, User
from review import models as review_models
from review.enums import ConflictKind
from review.services import assignments, results, sheets
from review.urls import app_name, urlpatterns
from tests.applications.factories import PDF, AttachmentFactory
from tests.factories import (
    ApplicantFactory,
    DepartmentFactory,
    ProgrammeFactory,
    RegionFactory,
    ReviewerFactory,
    UserFactory,
)
from tests.review.builders import CIVIL, DRC, HR, activate, build_review, confirmed, form_data, submit
from tests.worlds import built_once

pytestmark = pytest.mark.django_db

# Views that take only one method.
POST_ONLY = {
    "assignments_propose", "assignments_confirm", "assignment_add", "assignment_remove", "assignment_recuse",
    "sheet_reopen", "close_scoring", "tie_break", "shortlist", "defense_minutes", "declare",
}
APPLICATION_URLS = {"applications:detail", "applications:pdf", "applications:attachment"}
GET_ONLY = {"export", "defense_minutes_file", "inspection_photo"} | APPLICATION_URLS
ASSIGNMENT_PK = {"assignment", "declare", "assignment_remove", "assignment_recuse"}
EXPORT_KINDS = ("sheets", "departments", "ranking")
TOTAL = "87.50"  # the active 人社 reviewer's total: nobody outside may read it


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (10, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class World:
    review: object
    application: Application
    attachment: Attachment
    session: review_models.DefenseSession
    photo: review_models.InspectionPhoto
    assignment_ids: list[int]  # an active one, the declared conflict's and the admin's recusal's
    sheet_ids: list[int]
    users: dict = field(default_factory=dict)

    def kwargs_for(self, pattern) -> list[dict]:
        """Every set of real ids the pattern takes (one per assignment, sheet or export kind)."""
        variants = [{}]
        for name in pattern.pattern.converters:
            if name == "round_pk":
                values = [self.review.round.pk]
            elif name == "application_pk":
                values = [self.application.pk]
            elif name == "kind":
                values = list(EXPORT_KINDS)
            elif name == "pk" and pattern.name in ASSIGNMENT_PK:
                values = self.assignment_ids
            elif name == "pk" and pattern.name == "sheet_reopen":
                values = self.sheet_ids
            elif name == "pk" and pattern.name in ("defense_minutes", "defense_minutes_file"):
                values = [self.session.pk]
            elif name == "pk" and pattern.name == "inspection_photo":
                values = [self.photo.pk]
            else:
                raise AssertionError(f"the sweep does not know how to fill <{name}> of {pattern.name}")
            variants = [variant | {name: value} for variant in variants for value in values]
        return variants

    def urls(self):
        for pattern in urlpatterns:
            for kwargs in self.kwargs_for(pattern):
                yield pattern.name, reverse(f"{app_name}:{pattern.name}", kwargs=kwargs)
        pk = self.application.pk
        yield "applications:detail", reverse("applications:detail", args=[pk])
        yield "applications:pdf", reverse("applications:pdf", args=[pk])
        yield "applications:attachment", reverse("applications:attachment", args=[pk, self.attachment.pk])

    def post_data(self, name: str) -> dict:
        """What the real form would post: if a check were missing, the request would change something."""
        today = timezone.localdate().isoformat()
        application = self.application.pk
        other = next(a.pk for a in self.review.applications if a.pk != application)
        return {
            "plan": {"methods": ["written", "defense"], "reviewers_per_department": "3",
                     "scoring_opens_at": "2026-01-01T09:00", "scoring_closes_at": "2027-01-01T09:00"},
            "assignment_add": {"application": application, "reviewer": self.review.reviewers[CIVIL][1].pk, "override": "on"},
            "assignment_recuse": {"reason": "越权回避"},
            "sheet_reopen": {"reason": "越权退回"},
            "tie_break": {f"pos_{application}": "1", f"pos_{other}": "2", "reason": "越权排序"},
            "shortlist": {"application": [application]},
            "defense": {"starts_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "first_slot_at": "09:00",
                        "minutes_each": "20", "place": "越权会议室"},
            "defense_minutes": {"minutes": SimpleUploadedFile("越权纪要.pdf", PDF)},
            "inspections": {"application": application, "inspected_on": today, "findings": "越权考察",
                            "inspectors": [self.review.reviewers[HR][0].pk]},
            "assignment": form_data(self.review.lines(), 10, action="submit", justification="越权"),
            "declare": {"kind": ConflictKind.NONE},
            "opinion": {"verdict": "agree", "text": "越权意见", "signed_on": today},
        }.get(name, {})


def build_world(*, scored: bool) -> World:
    """Round with applications 甲 and 乙; 甲 has an attachment, a defense slot with minutes, an inspection photo.

    人社专家1, 发改专家1 and 民政专家1 review 甲 (active). 发改专家2 declared a conflict on 甲; 人社专家2 had access and
    was then recused by the admin. `scored`: every active sheet submitted (人社专家1: 87.50), 人社专家2's too before
    the recusal, the stage closed, a shortlist saved and an opinion signed; else only a draft.
    """
    review = build_review(labels=("甲", "乙"), reviewers_each=2)
    application = review.application("甲")
    attachment = AttachmentFactory(application=application)
    session = review_models.DefenseSession.objects.create(round=review.round, starts_on=timezone.localdate(), place="县人社局三楼")
    session.minutes.save("纪要.pdf", ContentFile(PDF))
    session.minutes_name = "纪要.pdf"
    session.save()
    review_models.DefenseSlot.objects.create(session=session, application=application, order=1, starts_at="09:00", ends_at="09:20")
    inspection = review_models.FieldInspection.objects.create(
        application=application, inspected_on=timezone.localdate(), findings="场所与申报一致。", created_by=review.admin
    )
    photo = review_models.InspectionPhoto(inspection=inspection, original_name="大厅.png", content_type="image/png", size=10)
    photo.file.save("大厅.png", ContentFile(png()))
    active = [activate(review, application, review.reviewers[kind][0]) for kind in (HR, DRC, CIVIL)]
    declared = confirmed(review, application, review.reviewers[DRC][1])
    assignments.conflict_declare(assignment=declared, actor=declared.reviewer, kind=ConflictKind.FINANCIAL, detail="持股。")
    removed = activate(review, application, review.reviewers[HR][1])
    if scored:
        for assignment, total in zip(active + [removed], ("87.5", "86", "85", "40"), strict=True):
            submit(assignment, total, justification="偏低的理由。")
    else:
        sheets.sheet_save(sheet=active[0].sheet, actor=active[0].reviewer, values={}, justification="草稿")
    assignments.assignment_recuse(assignment=removed, actor=review.admin, reason="群众举报。")
    if scored:
        sheets.plan_close_scoring(plan=review.plan, actor=review.admin, reason="评审工作组决定提前结束评分。")
        results.shortlist_save(round=review.round, application_ids=[application.pk], skip_reasons={}, actor=review.admin)
        results.opinion_sign(application=application, actor=review.leads[DRC], verdict="agree", text="同意推荐。")
    return World(
        review=review, application=application, attachment=attachment, session=session, photo=photo,
        assignment_ids=[active[0].pk, declared.pk, removed.pk], sheet_ids=[active[0].sheet.pk, removed.sheet.pk],
        users={"active": active[0].reviewer, "declared_conflict": declared.reviewer, "recused_by_admin": removed.reviewer},
    )


@pytest.fixture(scope="module", params=[False, True], ids=["before_scoring", "after_scoring"])
def _built(request, django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, lambda: build_world(scored=request.param))


@pytest.fixture
def world(_built, db) -> World:
    """The world before or after the scoring (every test runs with both), built once for the module."""
    return copy.deepcopy(_built)


def other_programme_admin() -> User:
    admin = UserFactory(username="other_admin")
    portal_services.programme_admin_grant(programme=ProgrammeFactory(region=RegionFactory(code="370321", name="桓台县")), user=admin)
    return admin


OUTSIDERS = {
    "declared_conflict": lambda world: world.users["declared_conflict"],
    "recused_by_admin": lambda world: world.users["recused_by_admin"],
    "unassigned_reviewer": lambda world: world.review.reviewers[CIVIL][1],
    "other_county_reviewer": lambda world: ReviewerFactory(
        department=DepartmentFactory(name="桓台县人社局", region=RegionFactory(code="370321", name="桓台县"))
    ),
    "other_institution_applicant": lambda world: ApplicantFactory(),
    "other_programme_admin": lambda world: other_programme_admin(),
}

SNAPSHOT_MODELS = [
    review_models.ReviewPlan, review_models.ReviewAssignment, review_models.ConflictDeclaration, review_models.ScoreSheet,
    review_models.Score, review_models.DefenseSession, review_models.DefenseSlot, review_models.FieldInspection,
    review_models.InspectionPhoto, review_models.DepartmentOpinion, review_models.TieBreak, review_models.Shortlist,
    review_models.ShortlistEntry, review_models.ShortlistSkip, Application, Attachment, Notification,
]


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS}


def methods_of(name: str) -> tuple[str, ...]:
    """The methods the view takes (the other one is a 405 before any object is looked at: swept for anonymous only)."""
    return ("post",) if name in POST_ONLY else ("get",) if name in GET_ONLY else ("get", "post")


def leaks(response, world: World) -> list[str]:
    if getattr(response, "streaming", False):
        return ["a file"]
    body = response.content.decode(errors="replace")
    secrets = [world.application.institution_name, world.application.institution.uscc, TOTAL, "同意推荐"]
    return [secret for secret in secrets if secret in body]


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
def test_sweep_outsiders_get_403_or_404_everywhere(client, who, world):
    client.force_login(OUTSIDERS[who](world))
    before = snapshot()
    swept = set()

    for name, url in world.urls():
        for method in methods_of(name):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            swept.add(name)
            assert response.status_code in (403, 404), (name, url, method, response.status_code)
            assert leaks(response, world) == [], (name, url, method)

    assert swept == {p.name for p in urlpatterns} | APPLICATION_URLS
    assert snapshot() == before


def test_sweep_anonymous_is_sent_to_login(client, world):
    before = snapshot()
    login_url = reverse("login")

    for name, url in world.urls():
        for method in ("get", "post"):
            response = getattr(client, method)(url, world.post_data(name) if method == "post" else {})
            if response.status_code == 405:  # a method the view does not take (export checks it before the login)
                assert method not in methods_of(name), (name, url, method)
                continue
            assert response.status_code == 302, (name, url, method, response.status_code)
            assert response["Location"] == f"{login_url}?next={url}", (name, method)

    assert snapshot() == before


def test_sweep_knows_every_url_of_the_namespace():
    world = build_world(scored=False)

    swept = list(world.urls())

    names = Counter(name for name, _url in swept)
    assert set(names) == {p.name for p in urlpatterns} | APPLICATION_URLS
    assert (names["assignment"], names["declare"], names["sheet_reopen"], names["export"], names["opinion"]) == (3, 3, 2, 3, 1)
    assert len({url for _name, url in swept}) == len(swept)


# --- the control: the same ids open for their owners --------------------------------------------------------------


def test_sweep_ids_are_real(login):
    """The admin reaches every admin URL with the sweep's ids, the active reviewer its task and the files, the lead
    the opinion page: so the outsiders' 404s come from the checks, not from ids that do not exist."""
    world = build_world(scored=False)
    admin = login(world.review.admin)

    for name, url in world.urls():
        if name in ("assignment", "declare", "opinion", "applications:pdf"):
            continue  # the reviewer's and the lead's pages; the PDF is rendered in test_opinions
        response = admin.post(url, {}) if name in POST_ONLY else admin.get(url)
        assert response.status_code in (200, 302), (name, url, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"], (name, url)

    reviewer = login(world.users["active"])
    pk = world.application.pk
    for url in (
        reverse("review:assignment", args=[world.assignment_ids[0]]),
        reverse("applications:detail", args=[pk]),
        reverse("applications:attachment", args=[pk, world.attachment.pk]),
        reverse("review:defense_minutes_file", args=[world.session.pk]),
        reverse("review:inspection_photo", args=[world.photo.pk]),
    ):
        assert reviewer.get(url).status_code == 200, url

    lead = login(world.review.leads[DRC])
    assert lead.get(reverse("review:opinion", args=[pk])).status_code == 200
