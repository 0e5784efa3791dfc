"""The ledger of titles awarded (portal.models.Title) and the rules that count them: one place for each.

- `period_remaining(round)`: the period quota of the round's programme minus the titles awarded in it; a revoked title
  keeps its place unless its revocation gave the place back (seed 000 五.5).
- `quota_remaining(round)`: what a round may still name: its own quota, within what the period has left.
- `current_title(programme=…, institution=…)`: the valid title an institution holds of a programme (its level,
  jurisdiction and period), which bars it from applying again in that period.
- `title_counts(programmes, period=…)`: valid and revoked titles per level, for the 「十百千」 progress; with a period,
  only the titles of the programmes run in it (an award counts against its programme's period: `Title.programme`).
- `period_tally(programmes, period)`: the titles of those programmes in one period, valid, revoked and counted
  against the quota.

Stage apps write the ledger only through `title_grant` and `title_revoke`, inside their own transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet

from portal.models import Institution, Programme, Round, Title, User
from portal.periods import Period


def titles_counted(programme: Programme | int) -> int:
    """The places of the programme's period quota that titles take: every title but those whose revocation gave the
    place back."""
    return Title.objects.filter(programme=programme, quota_returned=False).count()


def period_remaining(round: Round) -> int:
    return max(round.programme.period_quota - titles_counted(round.programme_id), 0)


def quota_remaining(round: Round) -> int:
    return min(round.quota, period_remaining(round))


def has_held_title(*, programme: Programme, institution: Institution | int) -> bool:
    """Whether the institution was ever given a title of this programme, revoked or not: one title per period."""
    return Title.objects.filter(programme=programme, institution=institution).exists()


def current_title(*, programme: Programme, institution: Institution | int) -> Title | None:
    return Title.objects.filter(programme=programme, institution=institution, revoked_at__isnull=True).first()


def programmes_in_period(programmes: QuerySet[Programme], period: Period) -> QuerySet[Programme]:
    """The programmes run in `period`: those whose own period starts in it (a programme runs for one period)."""
    return programmes.filter(period_start__gte=period.start, period_start__lte=period.end)


def _titles_of(programmes, period: Period | None) -> QuerySet[Title]:
    titles = Title.objects.filter(programme__in=programmes)
    if period is not None:
        titles = titles.filter(programme__period_start__gte=period.start, programme__period_start__lte=period.end)
    return titles


def title_counts(programmes, *, period: Period | None = None) -> dict[str, dict[str, int]]:
    """{level: {"valid": n, "revoked": n}} of the titles these programmes awarded, within `period` when given (one
    query)."""
    rows = (
        _titles_of(programmes, period)
        .values("programme__level")
        .annotate(valid=Count("id", filter=Q(revoked_at__isnull=True)), revoked=Count("id", filter=Q(revoked_at__isnull=False)))
    )
    return {row["programme__level"]: row for row in rows}


@dataclass(frozen=True)
class PeriodTally:
    valid: int  # titles that stand
    revoked: int
    counted: int  # places of the quotas taken: the valid ones and the revoked ones whose place was not given back


def period_tally(programmes, period: Period) -> PeriodTally:
    """The titles these programmes awarded in `period` (one query)."""
    row = _titles_of(programmes, period).aggregate(
        valid=Count("id", filter=Q(revoked_at__isnull=True)),
        revoked=Count("id", filter=Q(revoked_at__isnull=False)),
        counted=Count("id", filter=Q(quota_returned=False)),
    )
    return PeriodTally(valid=row["valid"], revoked=row["revoked"], counted=row["counted"])


def title_grant(
    *, programme: Programme, institution: Institution | int | None, holder_name: str, number: str, awarded_on: date,
    actor: User | None, now: datetime | None = None, region=None,
) -> Title:
    """Enter a title in the ledger: an institution's, or a community's or village's (`region`). Side effects: one
    Title row (history names the actor)."""
    institution_id = institution.pk if isinstance(institution, Institution) else institution
    title = Title(
        programme=programme, institution_id=institution_id, region=region, holder_name=holder_name, number=number,
        awarded_on=awarded_on,
    )
    title._history_user = actor
    if now is not None:
        title._history_date = now
        title.created_at = now
    title.save()
    return title


def title_revoke(*, title: Title, revoked_at: datetime, quota_returned: bool, actor: User | None, reason: str) -> Title:
    """Mark a title revoked; its quota place is given back only when the revocation says so."""
    title.revoked_at = revoked_at
    title.quota_returned = quota_returned
    title._history_user = actor
    title._history_date = revoked_at
    title._change_reason = reason
    title.save(update_fields=["revoked_at", "quota_returned"])
    return title
