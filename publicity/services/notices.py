"""Publishing a notice (公示, seed 000 五.3): its working-day period, the draft from the programme's template, the
snapshot of the shortlist, the adjusted list after a disqualification, and what of publicity still blocks the result.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import AuditEvent, audit
from portal.display import format_phone
from portal.documents import (
    ANNOUNCEMENT_PLACEHOLDERS,
    NOTICE_PLACEHOLDERS,
    NOTICE_TEMPLATE,
    next_index_number,
    placeholder_pattern,
    template_unknown_placeholders,
)
from portal.enums import Role
from portal.models import Round, User
from portal.public_cache import public_pages_changed
from portal.services import notify
from portal.titles import quota_remaining
from portal.transitions import Refused
from portal.workdays import CalendarYearUnknown, get_calendar
from publicity.enums import OBJECTION_CLOSED
from publicity.models import (
    NoticeEntry,
    Objection,
    PublicityNotice,
    closes_text,
    period_text,
)

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")



# --- The period ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date
    closes_at: datetime  # the end of the last day in Asia/Shanghai: objections are accepted until then
    working_days: int


def publicity_period(published_on: date, working_days: int) -> Period:
    """Day 1 is the publication day when it is a working day, otherwise the next working day (docs/domain.md 4).

    Raises TransitionError, with the reason, when a day of the period falls in a year the calendar does not know.
    """
    calendar = get_calendar()
    try:
        starts_on = calendar.add_working_days(published_on, 1)
        ends_on = calendar.add_working_days(starts_on, working_days)
    except CalendarYearUnknown as error:
        raise Refused(_("无法计算公示期：%(reason)s") % {"reason": error}) from error
    closes_at = datetime.combine(ends_on + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    return Period(starts_on, ends_on, closes_at, working_days)


# --- Publishing ------------------------------------------------------------------------------------

DEFAULT_TEMPLATE = NOTICE_TEMPLATE
PLACEHOLDER = placeholder_pattern(NOTICE_PLACEHOLDERS)


def programme_templates_save(*, programme, actor: User, **fields) -> None:
    """Save a programme's publicity settings (days, ID number required, the two templates), with field history.

    Refused when a template names a placeholder that would not be filled in.
    """
    for field, known in (("publicity_template", NOTICE_PLACEHOLDERS), ("announcement_template", ANNOUNCEMENT_PLACEHOLDERS)):
        unknown = template_unknown_placeholders(fields.get(field, ""), known)
        if unknown:
            raise Refused(
                _("模板中有无法填写的占位符：%(unknown)s。") % {"unknown": "、".join(f"{{{name}}}" for name in unknown)}
            )
    for name, value in fields.items():
        setattr(programme, name, value.strip() if isinstance(value, str) else value)
    programme._history_user = actor
    programme._change_reason = _("修改公示与公布设置")
    programme.save(update_fields=list(fields))


def notice_issuers(round: Round) -> list[str]:
    """The issuing departments in their signing order (the lead first)."""
    return programme_issuers(round.programme)


def programme_issuers(programme) -> list[str]:
    return [pd.department.name for pd in programme.programme_departments.select_related("department")]


def notice_draft(round: Round, *, replaces: PublicityNotice | None = None, today: date | None = None) -> dict:
    """The form's initial values: title, body from the programme's template, contacts from the round."""
    today = today or timezone.localdate()
    programme = round.programme
    count = sum(map(len, adjusted_list(replaces))) if replaces else _shortlist_size(round)
    try:
        period = publicity_period(today, programme.publicity_days)
        period, closes = period_text(period.starts_on, period.ends_on, period.working_days), closes_text(period.ends_on)
    except Refused:
        period = closes = _("（发布时计算）")
    values = {
        "项目": programme.name,
        "批次": round.name,
        "名单数": str(count),
        "公示时间": period,
        "截止时间": closes,
        "联系方式": round_contacts(round),
    }
    template = programme.publicity_template or _(DEFAULT_TEMPLATE)
    names = {"region": programme.region.name, "round": round.name, "level": programme.get_level_display()}
    title = _("关于%(region)s%(round)s拟评定%(level)s就业服务质量标杆机构名单的公示") % names
    if replaces:
        title = _("关于%(region)s%(round)s拟评定%(level)s就业服务质量标杆机构调整后名单的公示") % names
    return {
        "title": title,
        "body": PLACEHOLDER.sub(lambda m: values[m.group(1)], template),
        "contacts": round_contacts(round),
        "written_on": today,
    }


def round_contacts(round: Round) -> str:
    """Where objections go: the round's contact office, phone and e-mail."""
    parts = [round.contact_name]
    if round.contact_phone:
        parts.append(_("电话：%(phone)s") % {"phone": format_phone(round.contact_phone)})
    if round.contact_email:
        parts.append(_("电子邮箱：%(email)s") % {"email": round.contact_email})
    return "，".join(p for p in parts if p) or round.programme.lead_department.name


def _shortlist_size(round: Round) -> int:
    shortlist = getattr(round, "shortlist", None)
    return shortlist.entries.count() if shortlist else 0


def latest_notice(round: Round) -> PublicityNotice | None:
    return round.notices.order_by("-published_at", "-pk").first()


def _entry_from(application, *, rank: int, replacement: bool = False) -> NoticeEntry:
    institution = application.institution
    return NoticeEntry(
        application=application,
        institution=institution,
        institution_name=application.institution_name,
        institution_kind=institution.get_kind_display(),
        region_name=institution.region.name,
        rank=rank,
        is_replacement=replacement,
    )


@transaction.atomic
def notice_publish(
    *,
    round: Round,
    actor: User,
    title: str,
    body: str,
    contacts: str,
    written_on: date,
    document_number: str = "",
    replaces: PublicityNotice | None = None,
    now: datetime | None = None,
    request=None,
) -> PublicityNotice:
    """Publish the frozen shortlist (or, with `replaces`, the adjusted list) for the programme's working days.

    Side effects: freezes the shortlist; snapshots the listed institutions; audits; tells the listed institutions.
    Refused without a shortlist, a second time for the same list, or when the calendar does not know the period.
    """
    now = now or timezone.now()
    round = Round.objects.select_for_update(of=("self",)).select_related("programme__region").get(pk=round.pk)
    if replaces is None:
        new_entries = _first_list_frozen(round, actor=actor, now=now)
    else:
        new_entries = _adjusted_entries(round, replaces)
    return _publish(
        round.programme, new_entries, round=round, replaces=replaces, actor=actor, title=title, body=body,
        contacts=contacts, written_on=written_on, document_number=document_number, now=now, request=request,
    )


@transaction.atomic
def list_publish(
    *, programme, places, actor: User, title: str, body: str, contacts: str, written_on: date,
    document_number: str = "", now: datetime | None = None, request=None,
) -> PublicityNotice:
    """Publish a list of communities and villages (`places`: Region rows, in their order) for the programme's working
    days, as the district publishes the ones it verified (seed 002 「区核定、公示」). Objections are filed against them
    as against institutions. Side effects as `notice_publish`."""
    if not places:
        raise Refused(_("名单为空，不能发布公示。"))
    entries = [
        NoticeEntry(region=place, institution_name=place.name, institution_kind=place.get_settlement_display(),
                    region_name=place.parent.name if place.parent_id else "", rank=rank)
        for rank, place in enumerate(places, start=1)
    ]
    return _publish(programme, entries, round=None, replaces=None, actor=actor, title=title, body=body,
                    contacts=contacts, written_on=written_on, document_number=document_number,
                    now=now or timezone.now(), request=request)


def _publish(programme, new_entries, *, round, replaces, actor, title, body, contacts, written_on, document_number,
             now, request) -> PublicityNotice:
    if not (title.strip() and body.strip() and contacts.strip()):
        raise Refused(_("标题、正文和异议受理联系方式都必须填写。"))
    published_on = timezone.localtime(now, SHANGHAI).date()
    period = publicity_period(published_on, programme.publicity_days)
    notice = PublicityNotice(
        programme=programme, round=round, replaces=replaces,
        index_number=next_index_number(programme.region, published_on.year), document_number=document_number.strip(),
        title=title.strip(), body=body.strip(), contacts=contacts.strip(), issuers=programme_issuers(programme),
        written_on=written_on, published_at=now, created_by=actor, starts_on=period.starts_on, ends_on=period.ends_on,
        working_days=period.working_days, closes_at=period.closes_at,
    )
    notice._history_user = actor
    notice._history_date = now
    notice.save()
    for entry in new_entries:
        entry.notice = notice
    NoticeEntry.objects.bulk_create(new_entries)
    notice.digest = notice.content_digest()
    notice.save(update_fields=["digest"])
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=notice,
          detail=f"publish {notice.index_number} {period.starts_on}..{period.ends_on} ({len(new_entries)})")
    _notify_listed(notice)
    transaction.on_commit(public_pages_changed)
    return notice


def _first_list_frozen(round: Round, *, actor: User, now: datetime) -> list[NoticeEntry]:
    """The entries of the round's first notice: its shortlist, frozen from now on (refused: a notice exists already,
    or there is no shortlist)."""
    if round.notices.exists():
        raise Refused(_("本批次已发布公示。名单调整请在原公示页面发布调整后名单。"))
    shortlist = getattr(round, "shortlist", None)
    entries = list(shortlist.entries.select_related("application__institution__region")) if shortlist else []
    if not entries:
        raise Refused(_("尚未确定拟评定名单，不能发布公示。"))
    shortlist.frozen_at = shortlist.frozen_at or now
    shortlist._history_user = actor
    shortlist._history_date = now
    shortlist.save(update_fields=["frozen_at"])
    return [_entry_from(e.application, rank=e.rank) for e in entries]


def _adjusted_entries(round: Round, replaces: PublicityNotice) -> list[NoticeEntry]:
    """The entries of the adjusted list (调整后名单) replacing the round's latest notice: the kept ones and the
    replacements (refused: not the latest notice, nobody disqualified, nobody left)."""
    kept, replacements = adjusted_list(replaces)
    if latest_notice(round) != replaces:
        raise Refused(_("该公示已有调整后名单，请在最新的公示上操作。"))
    if not replaces.entries.filter(disqualified_at__isnull=False).exists():
        raise Refused(_("名单中没有被取消资格的机构，无需调整。"))
    if not kept and not replacements:
        raise Refused(_("调整后名单为空：没有可递补的机构。"))
    new_entries = [_entry_from(e.application, rank=e.rank) for e in kept]
    return new_entries + [_entry_from(row.application, rank=row.rank, replacement=True) for row in replacements]


def _notify_listed(notice: PublicityNotice) -> None:
    institutions = notice.entries.filter(institution__isnull=False).values_list("institution_id", flat=True)
    places = notice.entries.filter(region__isnull=False).values_list("region_id", flat=True)
    users = User.objects.filter(Q(institution__in=institutions) | Q(role=Role.COMMUNITY_STAFF, region__in=places),
                                is_active=True)
    text = _("贵机构已列入《%(title)s》，%(period)s。") % {"title": notice.title, "period": notice.period_label}
    notify(users=users, text=text[:300], link=notice.get_absolute_url())


@dataclass(frozen=True)
class Candidate:
    application: object
    rank: int


def adjusted_list(notice: PublicityNotice) -> tuple[list[NoticeEntry], list[Candidate]]:
    """The adjusted list after disqualifications: the entries kept, and the next candidates by rank.

    Candidates are ranked, eligible applications of the round never listed, not skipped with a reason on the
    shortlist, filling the places of the disqualified within the round's quota and the period's remainder.
    """
    from review.services.results import round_ranking

    round = notice.round
    entries = list(notice.entries.select_related("application__institution__region"))
    kept = [e for e in entries if e.disqualified_at is None]
    vacancies = len(entries) - len(kept)
    if not vacancies:
        return kept, []
    limit = quota_remaining(round)
    places = max(min(vacancies, limit - len(kept)), 0)
    listed = set(NoticeEntry.objects.filter(notice__round=round).values_list("application_id", flat=True))
    shortlist = getattr(round, "shortlist", None)
    skipped = set(shortlist.skips.values_list("application_id", flat=True)) if shortlist else set()
    ranked, _ineligible, applications = round_ranking(round)
    candidates = [
        Candidate(applications[row.application_id], row.rank)
        for row in ranked
        if row.application_id not in listed and row.application_id not in skipped
    ]
    return kept, candidates[:places]


def publicity_blockers(round: Round, now: datetime | None = None) -> list[str]:
    """Why the result cannot be announced yet (issue 6, 5; the announcement of issue 7 asks this)."""
    now = now or timezone.now()
    notice = latest_notice(round)
    if notice is None:
        return [_("尚未发布公示。")]
    reasons = []
    if notice.is_open(now):
        reasons.append(_("公示期未满：异议受理至%(closes)s。") % {"closes": notice.closes_label})
    open_count = Objection.objects.filter(notice__round=round).exclude(status__in=OBJECTION_CLOSED).count()
    if open_count:
        reasons.append(_("尚有%(count)d件异议未办结。") % {"count": open_count})
    if not notice.entries.filter(disqualified_at__isnull=True).exists():
        reasons.append(_("公示名单中没有保留资格的机构。"))
    return reasons


