"""Reads of the application stage, always narrowed to what the user may see."""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from applications.enums import ApplicationStatus, SelfCheck
from applications.models import Application, Attachment, Condition, ConditionAnswer
from portal.enums import Role
from portal.permissions import remit, sees_everything
from portal.selectors import programmes_managed_by


@remit(Application, "view")
def application_list_for_user(user) -> QuerySet[Application]:
    """Applications the user may open: its institution's, its programmes' (admin), all (system admin); a reviewer
    those it holds `applications.review_application` on (granted when it declares no conflict, withdrawn on
    recusal); a department lead the accepted applications of the programmes its department reviews.
    """
    base = Application.objects.select_related("round__programme", "institution__region")
    if not user.is_authenticated:
        return base.none()
    if sees_everything(user):
        return base
    if user.role == Role.APPLICANT:
        return base.filter(institution_id=user.institution_id)
    if user.role == Role.PROGRAMME_ADMIN:
        return base.filter(round__programme__in=programmes_managed_by(user).values("pk"))
    if user.role == Role.REVIEWER:
        return get_objects_for_user(user, "applications.review_application", klass=base, accept_global_perms=False)
    if user.role == Role.DEPARTMENT_LEAD and user.department_id:
        return base.filter(
            status=ApplicationStatus.ACCEPTED, round__programme__programme_departments__department=user.department_id
        )
    return base.none()


def conditions_for_programme(programme) -> QuerySet[Condition]:
    return Condition.objects.filter(programme=programme).order_by("section", "number")


def conditions_for(application: Application) -> QuerySet[Condition]:
    return conditions_for_programme(application.round.programme)


# Unsubmitted drafts have no submission time: keep them last both ways (SQLite and PostgreSQL place NULL differently).
SORTS = {
    "submitted": F("submitted_at").asc(nulls_last=True),
    "-submitted": F("submitted_at").desc(nulls_last=True),
    "name": "institution_name",
    "-name": "-institution_name",
    "status": "status",
    "-status": "-status",
}


def round_application_table(round, *, q="", status="", kind="", region="", sort="-submitted") -> QuerySet[Application]:
    """The admin's table of a round: search by name or USCC, filter by status, kind and region, sort."""
    rows = Application.objects.filter(round=round).select_related("institution__region")
    if q:
        rows = rows.filter(Q(institution_name__icontains=q) | Q(institution__uscc__icontains=q.upper()))
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(institution__kind=kind)
    if region:
        rows = rows.filter(institution__region__code=region)
    return rows.order_by(SORTS.get(sort, SORTS["-submitted"]), "pk")


def with_attachment_counts(rows: QuerySet[Application]) -> QuerySet[Application]:
    """`rows` annotated with `attachment_count` (one GROUP BY over all of them: for the export, not for a page)."""
    return rows.annotate(attachment_count=Count("attachments"))


def set_attachment_counts(applications) -> None:
    """Set `attachment_count` on each of `applications` (a page of the table) with one query for all of them."""
    applications = list(applications)
    if not applications:
        return
    counts = dict(
        Attachment.objects.filter(application__in=[application.pk for application in applications])
        .order_by()
        .values("application")
        .annotate(count=Count("id"))
        .values_list("application", "count")
    )
    for application in applications:
        application.attachment_count = counts.get(application.pk, 0)


def round_status_counts(round) -> dict[str, int]:
    """How many applications of the round are in each status (one query)."""
    rows = Application.objects.filter(round=round).values("status").annotate(count=Count("id"))
    return {row["status"]: row["count"] for row in rows}


@dataclass(frozen=True)
class SelfCheckRow:
    """One condition of an application's self-check as it is shown and printed."""

    condition: Condition
    answer: ConditionAnswer | None
    applies: bool

    @property
    def result(self) -> str:
        """The stored answer; 不适用 for a condition that does not bind the institution's kind, whatever is stored (a
        符合 saved before the kind changed); "" when not answered yet."""
        if not self.applies:
            return SelfCheck.NOT_APPLICABLE
        return self.answer.answer if self.answer else ""

    @property
    def label(self) -> str:
        return SelfCheck(self.result).label if self.result else ""

    @property
    def statement(self) -> str:
        return self.answer.statement if self.answer else ""


def self_check_rows(application: Application) -> list[SelfCheckRow]:
    """Every condition of the application's programme in order (section, number), with its answer, as the detail
    page and the annex 2 PDF show it (any page that shows a self-check should read it here). Two queries."""
    answers = {answer.condition_id: answer for answer in application.condition_answers.all()}
    kind = application.institution.kind
    return [
        SelfCheckRow(condition=condition, answer=answers.get(condition.pk), applies=condition.applies_to(kind))
        for condition in conditions_for(application)
    ]
