"""Reads of the results for staff pages."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.enums import AnnouncementStatus
from portal.models import Round
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
