"""Reads of the results for staff pages."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.enums import AnnouncementStatus, AwardStatus
from awards.models import Announcement, Award, PlaqueBatch
from portal.enums import Role
from portal.models import Programme, Round
from portal.permissions import remit, sees_everything, visible
from publicity.enums import OBJECTION_CLOSED
from publicity.models import PublicityNotice


@dataclass(frozen=True)
class PublicityStep:
    """A round between publishing and announcing, as the admin's home page lists it."""

    round: Round
    notice: PublicityNotice
    open_objections: int
    notice_open: bool

    @property
    def next_step(self) -> str:
        if self.notice_open:
            return _("公示中，异议受理至%(closes)s") % {"closes": self.notice.closes_label}
        if self.open_objections:
            return _("公示期满，%(count)d件异议待办结") % {"count": self.open_objections}
        return _("公示期满，可以公布结果")

    @property
    def ready(self) -> bool:
        return not self.notice_open and not self.open_objections


def publicity_steps(programmes, now=None) -> list[PublicityStep]:
    """Rounds of these programmes with a notice and no issued announcement yet, each with its latest notice (2 queries)."""
    now = now or timezone.now()
    rounds = (
        Round.objects.filter(programme__in=programmes, notices__isnull=False)
        .exclude(announcements__status=AnnouncementStatus.ISSUED)
        .annotate(
            open_objections=Count(
                "notices__objections", filter=~Q(notices__objections__status__in=OBJECTION_CLOSED), distinct=True
            )
        )
        .select_related("programme")
        .prefetch_related(Prefetch("notices", queryset=PublicityNotice.objects.order_by("-published_at", "-pk")))
        .distinct()
        .order_by("-pk")
    )
    steps = []
    for round in rounds:
        notice = round.notices.all()[0]
        steps.append(PublicityStep(round, notice, round.open_objections, notice.is_open(now)))
    return steps



def _managed_programmes(user):
    return visible(user, Programme, "manage").values("pk")


@remit(Announcement, "manage")
def announcements_managed_by(user):
    return Announcement.objects.select_related("round__programme").filter(programme__in=_managed_programmes(user))


@remit(Award, "plaque")
def awards_with_plaque_for(user):
    """Whose plaque PDF the user may download: its own institution's valid titles; every title of the programmes it
    administers (a revoked one too, for the record)."""
    awards = Award.objects.select_related("programme__region", "announcement", "institution")
    managed = Q(programme__in=_managed_programmes(user))
    if user.role == Role.APPLICANT and user.institution_id:
        return awards.filter(managed | Q(institution=user.institution_id, status=AwardStatus.IN_FORCE))
    return awards.filter(managed)


@remit(Award, "manage")
def awards_managed_by(user):
    return Award.objects.select_related("programme", "announcement").filter(programme__in=_managed_programmes(user))


@remit(PlaqueBatch, "view")
def batches_for(user):
    """The batches the user started, and those of announcements of the programmes it administers (all for
    sees_everything)."""
    batches = PlaqueBatch.objects.select_related("announcement__programme", "region")
    if sees_everything(user):
        return batches
    return batches.filter(Q(created_by=user) | Q(announcement__programme__in=_managed_programmes(user)))
