"""Writes of the result (公布), the awards and plaques (授牌) and revocations (撤销), seed 000 五.4–五.5.

The announcement lists the latest notice's candidates that kept their place; it is refused while publicity is open,
while any objection is open, or over the quota. Each announced institution gets an award with a plaque number and a
random verification code (the QR code's link); a revocation is published and keeps the quota used unless the admin
gives it back with a reason.
"""

import hashlib
import json
import secrets
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.uploads import inspect_uploads, store_inspected
from awards.enums import AnnouncementStatus, AwardStatus, RevocationGround
from awards.models import Announcement, Award, Revocation, RevocationEvidence
from portal.audit import AuditEvent, audit
from portal.display import cn_date
from portal.documents import (
    ANNOUNCEMENT_PLACEHOLDERS,
    ANNOUNCEMENT_TEMPLATE,
    next_index_number,
    numbering_lock,
    placeholder_pattern,
)
from portal.enums import Level
from portal.models import Round, User
from portal.public_cache import public_pages_changed
from portal.services import notify
from portal.titles import has_held_title, quota_remaining, title_grant, title_revoke
from portal.transitions import Refused, TransitionError, transition
from publicity import services as publicity
from publicity.models import NoticeEntry

LEVEL_LETTER = {Level.COUNTY: "X", Level.CITY: "S", Level.PROVINCE: "P"}
DEFAULT_BODY = ANNOUNCEMENT_TEMPLATE
PLACEHOLDER = placeholder_pattern(ANNOUNCEMENT_PLACEHOLDERS)


def announced_entries(round: Round) -> list[NoticeEntry]:
    """Who the announcement names: the latest notice's entries that were not disqualified."""
    notice = publicity.latest_notice(round)
    if notice is None:
        return []
    return list(notice.entries.filter(disqualified_at__isnull=True).select_related("institution"))


def document_prefix(programme) -> str:
    """The programme's own 发文机关代字 if it has one, else the lead department's: as set on the department, else as it
    last issued, else from its short name."""
    if programme.document_prefix:  # the programme's, else the lead department's as set
        return programme.document_prefix
    lead = programme.lead_department
    last = (
        Announcement.objects.filter(programme__lead_department=lead).order_by("-written_on", "-pk")
        .values_list("doc_prefix", flat=True).first()
    )
    return last or f"{(lead.short_name or lead.name)[:10]}字"


def announcement_defaults(round: Round, *, today: date | None = None) -> dict:
    today = today or timezone.localdate()
    programme = round.programme
    prefix = document_prefix(programme)
    serial = (
        Announcement.objects.filter(programme=programme, doc_prefix=prefix, doc_year=today.year).aggregate(
            n=Max("doc_serial")
        )["n"]
        or 0
    ) + 1
    notice = publicity.latest_notice(round)
    objections = notice.objections.count() if notice else 0
    outcome = _("公示期间无异议") if not objections else _("公示期间收到的异议均已核查办结")
    values = {
        "项目": programme.name,
        "批次": round.name,
        "层级": programme.get_level_display(),
        "牌匾": programme.plaque_title,
        "公示结果": outcome,
    }
    return {
        "doc_prefix": prefix,
        "doc_year": today.year,
        "doc_serial": serial,
        "title": _("关于公布%(region)s%(round)s%(level)s就业服务质量标杆机构名单的通知")
        % {"region": programme.region.name, "round": round.name, "level": programme.get_level_display()},
        "body": PLACEHOLDER.sub(lambda m: values[m.group(1)], programme.announcement_template or _(DEFAULT_BODY)),
        "written_on": today,
    }


@transaction.atomic
def announcement_draft_save(*, round: Round, actor: User, **fields) -> Announcement:
    """Save the round's draft from its page: change the draft the round has, or make its first one.

    The round is locked before the draft is looked up, so the later of two first saves at once changes the draft the
    first made rather than making a second one.
    """
    Round.objects.select_for_update(no_key=True).get(pk=round.pk)
    return announcement_save(round=round, actor=actor, announcement=round.announcements.order_by("-pk").first(), **fields)


@transaction.atomic
def announcement_save(*, round: Round, actor: User, announcement: Announcement | None = None, **fields) -> Announcement:
    """Create or edit a draft. The document number must be free in the programme and year.

    The draft is read again under a lock (after the round's), so a save cannot turn a document issued meanwhile back
    into a draft; a number taken by another round at the same moment is refused like one taken before.
    """
    Round.objects.select_for_update(no_key=True).get(pk=round.pk)
    if announcement is not None:
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if announcement is not None and announcement.is_issued:
        raise TransitionError(_("已发布的文件不能修改。"))
    notice = publicity.latest_notice(round)
    if notice is None:
        raise Refused(_("尚未发布公示，不能起草公布文件。"))
    announcement = announcement or Announcement(round=round, programme=round.programme, created_by=actor)
    for name, value in fields.items():
        setattr(announcement, name, value.strip() if isinstance(value, str) else value)
    announcement.notice = notice
    announcement.issuers = publicity.notice_issuers(round)
    taken = _("文号%(number)s已被本项目使用，请换一个序号。") % {"number": announcement.document_number}
    same_number = Announcement.objects.filter(
        programme=round.programme,
        doc_prefix=announcement.doc_prefix,
        doc_year=announcement.doc_year,
        doc_serial=announcement.doc_serial,
    ).exclude(pk=announcement.pk)
    if same_number.exists():
        raise Refused(taken)
    announcement._history_user = actor
    try:
        with transaction.atomic():
            announcement.save()
    except IntegrityError:  # another round of the programme took the number at the same moment
        if not same_number.exists():
            raise
        raise Refused(taken) from None
    return announcement


def announcement_blockers(
    announcement: Announcement | None = None, now: datetime | None = None, *, round: Round | None = None
) -> list[str]:
    """What blocks announcing a round's result now, the one answer to that question: publicity still open or an
    objection not closed (publicity.services.publicity_blockers), a list over the quota left (portal.titles), and a
    draft that predates an adjusted list. Give the draft, or the round before a draft exists."""
    round = round or announcement.round
    reasons = []
    latest = publicity.latest_notice(round)
    if announcement is not None and latest is not None and latest.pk != announcement.notice_id:
        reasons.append(_("公示名单已调整，请重新保存草稿以依据最新的公示。"))
    reasons += publicity.publicity_blockers(round, now)
    entries = announced_entries(round)
    limit = quota_remaining(round)
    if len(entries) > limit:
        reasons.append(
            _("名单有%(count)d家，超过可用名额%(limit)d家。") % {"count": len(entries), "limit": limit}
        )
    return reasons


def _plaque_number(programme, year: int) -> str:
    prefix = f"{programme.region.code}{LEVEL_LETTER.get(programme.level, 'X')}-{year}-"
    taken = Award.objects.filter(plaque_number__startswith=prefix).count()
    return f"{prefix}{taken + 1:03d}"


def award_digest(award: Award) -> str:
    """SHA-256 over what the plaque shows (docs/security.md 21); the verification page recomputes it."""
    algorithm = getattr(settings, "PUBLICATION_HASH", "sha256")
    spec = plaque_spec(award)
    payload = json.dumps([spec.plaque_number, spec.institution_name, spec.title, list(spec.issuers), spec.year_month],
                         ensure_ascii=False)
    return hashlib.new(algorithm, payload.encode()).hexdigest()


@transaction.atomic
def announcement_issue(*, announcement: Announcement, actor: User, now: datetime | None = None, request=None) -> Announcement:
    """Issue the joint document: publish it, create the awards, tell the institutions.

    Refused while publicity is open, an objection is open, over the quota, or once issued already.
    """
    now = now or timezone.now()
    Round.objects.select_for_update(no_key=True).get(pk=announcement.round_id)  # no notice is published meanwhile
    locked = (
        Announcement.objects.select_for_update(of=("self",)).select_related("round__programme__region").get(pk=announcement.pk)
    )
    if locked.is_issued:
        raise TransitionError(_("该文件已发布。"))
    reasons = announcement_blockers(locked, now)
    if reasons:
        raise Refused(_("暂不能公布：%(reasons)s") % {"reasons": " ".join(reasons)})
    programme = locked.round.programme
    entries = announced_entries(locked.round)
    numbering_lock(programme.region_id)  # plaque and index numbers; another programme may draw them too
    awards = [_award_create(locked, entry, actor=actor, now=now) for entry in entries]
    locked = transition(
        locked, AnnouncementStatus.ISSUED, table=Announcement.TRANSITIONS, actor=actor, now=now, request=request,
        fields={
            "published_at": now,
            "index_number": next_index_number(locked.round.programme.region, timezone.localtime(now).year),
        },
        audit_detail=f"announce {locked.document_number}: {len(awards)} awards",
    )
    locked.digest = locked.content_digest()
    locked.save(update_fields=["digest"])
    for award in awards:
        audit(AuditEvent.TRANSITION, user=actor, request=request, obj=award, detail=f"award {award.plaque_number}")
    _notify_awarded(locked, awards)
    transaction.on_commit(public_pages_changed)
    return locked


def _award_create(announcement: Announcement, entry, *, actor: User, now: datetime) -> Award:
    """The title in the core's ledger and the award (its plaque number, verification code and digest) of one
    institution the announcement names; refused if the institution already holds a title in the period."""
    programme = announcement.round.programme
    if has_held_title(programme=programme, institution=entry.institution_id):
        raise Refused(_("%(name)s在本周期已获评定，不能重复授牌。") % {"name": entry.institution_name})
    title = title_grant(
        programme=programme, institution=entry.institution_id, holder_name=entry.institution_name,
        number=_plaque_number(programme, announcement.written_on.year), awarded_on=announcement.written_on,
        actor=actor, now=now,
    )
    award = Award(
        title=title,
        programme=programme,
        institution_id=entry.institution_id,
        announcement=announcement,
        application_id=entry.application_id,
        institution_name=entry.institution_name,
        plaque_number=title.number,
        verify_code=secrets.token_urlsafe(12),
        awarded_on=announcement.written_on,
    )
    award._history_user = actor
    award._history_date = now
    award.save()
    award.digest = award_digest(award)
    award.save(update_fields=["digest"])
    return award


def _notify_awarded(announcement: Announcement, awards: list[Award]) -> None:
    for award in awards:
        users = User.objects.filter(institution=award.institution_id, is_active=True)
        text = _("贵机构被评定为“%(title)s”（%(number)s），奖牌编号%(plaque)s。可在工作台下载奖牌和公布文件。") % {
            "title": announcement.programme.plaque_title,
            "number": announcement.document_number,
            "plaque": award.plaque_number,
        }
        notify(users=users, text=text[:300], link=announcement.get_absolute_url())


def plaque_spec(award: Award):
    """What the plaque prints: always in Chinese, whatever language the request asked for (the digest too)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _plaque_spec(award)


def _plaque_spec(award: Award):
    from awards.plaque import PlaqueSpec

    announcement = award.announcement
    issuers = tuple(announcement.issuers) if announcement else tuple(publicity.programme_issuers(award.programme))
    return PlaqueSpec(
        institution_name=award.institution_name or award.institution.name,
        title=str(award.programme.plaque_title),
        issuers=issuers,
        year_month=f"{award.awarded_on.year}年{award.awarded_on.month}月",
        plaque_number=award.plaque_number,
        verify_url=settings.PORTAL_BASE_URL + award.get_verify_url() if award.verify_code else settings.PORTAL_BASE_URL,
    )


def award_plaque_pdf(award: Award) -> bytes:
    from awards.plaque import render_plaque

    return render_plaque(plaque_spec(award))


@transaction.atomic
def award_revoke(
    *,
    award: Award,
    actor: User,
    ground: str,
    ground_text: str,
    document_number: str,
    decided_on: date,
    evidence=(),
    quota_returned: bool = False,
    quota_reason: str = "",
    now: datetime | None = None,
    request=None,
) -> Revocation:
    """Withdraw the title in public (seed 000 五.5). The quota it used stays used unless returned with a reason.

    Side effects: the award moves to revoked (portal.transitions: row lock, history, audit), its title in the ledger
    is revoked, one published Revocation with its inspected evidence, the institution's users are notified and the
    public pages' cache is renewed after the commit.
    """
    now = now or timezone.now()
    if not (ground_text.strip() and document_number.strip()):
        raise Refused(_("请填写撤销的事实和依据以及撤销文号。"))
    if quota_returned and not quota_reason.strip():
        raise Refused(_("退回本周期名额须说明理由。"))
    if decided_on > timezone.localdate(now):
        raise Refused(_("决定日期不能晚于今天。"))
    inspected = inspect_uploads(evidence, limits=publicity.OBJECTION_UPLOAD_LIMITS)
    reason = _("撤销：%(ground)s") % {"ground": RevocationGround(ground).label}
    locked = transition(
        award, AwardStatus.REVOKED, table=Award.TRANSITIONS, actor=actor, note=reason, fields={"revoked_at": now},
        now=now, request=request, refusal=_("该奖牌已撤销。"),
        audit_detail=f"revoke {award.plaque_number}: {ground} {document_number}; quota returned: {quota_returned}",
    )
    title_revoke(title=locked.title, revoked_at=now, quota_returned=quota_returned, actor=actor, reason=reason)
    revocation = Revocation(
        award=locked, ground=ground, ground_text=ground_text.strip(), document_number=document_number.strip(),
        decided_on=decided_on, published_at=now, quota_returned=quota_returned, quota_reason=quota_reason.strip(),
        created_by=actor,
    )
    revocation._history_user = actor
    revocation._history_date = now
    revocation.save()
    store_inspected(RevocationEvidence, inspected, revocation=revocation)
    revocation.digest = revocation.content_digest()
    revocation.save(update_fields=["digest"])
    _notify_revoked(locked, revocation)
    transaction.on_commit(public_pages_changed)
    return revocation


def _notify_revoked(award: Award, revocation: Revocation) -> None:
    users = User.objects.filter(institution=award.institution_id, is_active=True)
    text = _("贵机构的“%(title)s”称号（奖牌编号%(plaque)s）已于%(date)s撤销（%(number)s）。") % {
        "title": award.programme.plaque_title,
        "plaque": award.plaque_number,
        "date": cn_date(revocation.decided_on),
        "number": revocation.document_number,
    }
    notify(users=users, text=text[:300], link=revocation.get_absolute_url())


def announcement_pdf(announcement: Announcement) -> bytes:
    """The joint document on the official documents' base (awards.documents, GB/T 9704-2012): the issuers in signing
    order, their seals over the date once issued, the list of institutions as its annex, and the 版记 (printed by the
    lead department's office on the issue date). No side effects."""
    from awards.documents import OfficialDocument, official_pdf, split_annex_note
    from portal.files import local_copy

    programme = announcement.programme
    issued = announcement.is_issued
    seals = {}
    for pd in programme.programme_departments.select_related("department") if issued else ():
        if path := local_copy(pd.department.seal_image):
            seals[pd.department.name] = path.as_uri()
    if issued:
        rows = [{"name": a.institution_name, "number": a.plaque_number} for a in announcement.awards.order_by("plaque_number")]
    else:
        rows = [{"name": e.institution_name, "number": ""} for e in announced_entries(announcement.round)]
    annex_title = _("%(round)s%(level)s就业服务质量标杆机构名单") % {
        "round": announcement.round.name,
        "level": programme.get_level_display(),
    }
    # The template's closing 「附件：…」 line is the 附件说明, laid out after the text.
    paragraphs, annexes = split_annex_note([line.strip() for line in announcement.body.splitlines() if line.strip()])
    printed_on = timezone.localdate(announcement.published_at) if announcement.published_at else announcement.written_on
    doc = OfficialDocument(
        issuers=list(announcement.issuers),
        document_number=announcement.document_number,
        title=announcement.title,
        written=cn_date(announcement.written_on),
        paragraphs=paragraphs,
        annexes=annexes or [annex_title],
        seals=[seals.get(name, "") for name in announcement.issuers],
        printed_by=_("%(lead)s办公室") % {"lead": programme.lead_department.name},
        printed_on=cn_date(printed_on),
        public_note=_("（此件主动公开）"),
        draft=not issued,
    )
    context = {"doc": doc, "rows": rows, "annex_title": annex_title, "digest": announcement.digest}
    return official_pdf("awards/pdf/announcement.html", context)
