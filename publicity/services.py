"""Writes of publicity (公示) and objections (异议), seed 000 五.3–五.4.

Every step is audited and kept in the field history. The objector's identity never goes into an audit detail, a
notification, an e-mail to staff or a log line: those name the receipt number only.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, get_user_perms, remove_perm

from applications.uploads import UploadLimits, inspect_upload
from portal.audit import AuditEvent, audit
from portal.documents import (
    ANNOUNCEMENT_PLACEHOLDERS,
    NOTICE_PLACEHOLDERS,
    NOTICE_TEMPLATE,
    next_index_number,
    placeholder_pattern,
    template_unknown_placeholders,
)
from portal.models import Round, User
from portal.public_cache import public_pages_changed
from portal.services import notify
from portal.titles import quota_remaining
from portal.transitions import Refused, TransitionError
from portal.validators import cn_date, format_phone
from portal.workdays import CalendarYearUnknown, get_calendar
from publicity.enums import OBJECTION_CLOSED, ObjectionStatus, ObjectorType
from publicity.identity_access import identity_access_request, identity_access_withdraw_for
from publicity.models import (
    IDENTITY_FIELDS,
    NoticeEntry,
    Objection,
    ObjectionEvidence,
    PublicityNotice,
    closes_text,
    period_text,
)

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read out over the phone
# Evidence an objector may attach: at most this many files of this size, checked like application uploads.
OBJECTION_UPLOAD_LIMITS = UploadLimits(max_file_bytes=10 * 1024 * 1024, max_total_bytes=30 * 1024 * 1024, max_files=5)


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
        raise TransitionError(_("无法计算公示期：%(reason)s") % {"reason": error}) from error
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
            raise TransitionError(
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
    title = _("关于%(round)s拟评定%(level)s就业服务质量标杆机构名单的公示") % {
        "round": round.name,
        "level": programme.get_level_display(),
    }
    if replaces:
        title = _("关于%(round)s拟评定%(level)s就业服务质量标杆机构调整后名单的公示") % {
            "round": round.name,
            "level": programme.get_level_display(),
        }
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


def _index_number(round: Round, year: int) -> str:
    return next_index_number(round.programme.region, year)


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
        if round.notices.exists():
            raise TransitionError(_("本批次已发布公示。名单调整请在原公示页面发布调整后名单。"))
        shortlist = getattr(round, "shortlist", None)
        entries = list(shortlist.entries.select_related("application__institution__region")) if shortlist else []
        if not entries:
            raise TransitionError(_("尚未确定拟评定名单，不能发布公示。"))
        new_entries = [_entry_from(e.application, rank=e.rank) for e in entries]
        shortlist.frozen_at = shortlist.frozen_at or now
        shortlist._history_user = actor
        shortlist._history_date = now
        shortlist.save(update_fields=["frozen_at"])
    else:
        kept, replacements = adjusted_list(replaces)
        if latest_notice(round) != replaces:
            raise TransitionError(_("该公示已有调整后名单，请在最新的公示上操作。"))
        if not replaces.entries.filter(disqualified_at__isnull=False).exists():
            raise TransitionError(_("名单中没有被取消资格的机构，无需调整。"))
        if not kept and not replacements:
            raise TransitionError(_("调整后名单为空：没有可递补的机构。"))
        new_entries = [_entry_from(e.application, rank=e.rank) for e in kept]
        new_entries += [_entry_from(row.application, rank=row.rank, replacement=True) for row in replacements]
    if not (title.strip() and body.strip() and contacts.strip()):
        raise TransitionError(_("标题、正文和异议受理联系方式都必须填写。"))
    published_on = timezone.localtime(now, SHANGHAI).date()
    period = publicity_period(published_on, round.programme.publicity_days)
    notice = PublicityNotice(
        round=round,
        replaces=replaces,
        index_number=_index_number(round, published_on.year),
        document_number=document_number.strip(),
        title=title.strip(),
        body=body.strip(),
        contacts=contacts.strip(),
        issuers=notice_issuers(round),
        written_on=written_on,
        published_at=now,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
        working_days=period.working_days,
        closes_at=period.closes_at,
        created_by=actor,
    )
    notice._history_user = actor
    notice._history_date = now
    notice.save()
    for entry in new_entries:
        entry.notice = notice
    NoticeEntry.objects.bulk_create(new_entries)
    notice.digest = notice.content_digest()
    notice.save(update_fields=["digest"])
    audit(
        AuditEvent.TRANSITION,
        user=actor,
        request=request,
        obj=notice,
        detail=f"publish {notice.index_number} {period.starts_on}..{period.ends_on} ({len(new_entries)})",
    )
    _notify_listed(notice)
    transaction.on_commit(public_pages_changed)
    return notice


def _notify_listed(notice: PublicityNotice) -> None:
    institutions = notice.entries.values_list("institution_id", flat=True)
    users = User.objects.filter(institution__in=institutions, is_active=True)
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


def announcement_blockers(round: Round, now: datetime | None = None) -> list[str]:
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


# --- Objections ------------------------------------------------------------------------------------


def _receipt_number(now: datetime) -> str:
    day = timezone.localtime(now, SHANGHAI).strftime("%Y%m%d")
    while True:
        number = f"YY{day}-" + "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(6))
        if not Objection.objects.filter(receipt_number=number).exists():
            return number


@dataclass(frozen=True)
class Identity:
    """What the form collected about the objector (only what the rules require, docs/security.md 17)."""

    objector_type: str
    name: str
    phone: str
    id_number: str = ""
    contact_person: str = ""
    email: str = ""


def objection_file(
    *,
    notice: PublicityNotice,
    entry: NoticeEntry,
    identity: Identity,
    facts: str,
    evidence=(),
    seal=None,
    now: datetime | None = None,
    request=None,
) -> tuple[Objection, str]:
    """File an objection while the notice is open. Returns the objection and the secret of its private link.

    Refused after `closes_at` (the message names it), against an entry not on the notice or already disqualified,
    without a name and phone, and for an organisation without its seal.
    """
    now = now or timezone.now()
    if not notice.is_open(now):
        raise TransitionError(
            _("公示已于%(closes)s结束，不再受理异议。") % {"closes": notice.closes_label}
            if now >= notice.closes_at
            else _("公示尚未开始。")
        )
    if entry.notice_id != notice.pk:
        raise TransitionError(_("所选机构不在本公示名单中。"))
    if entry.disqualified_at:
        raise TransitionError(_("该机构已被取消拟评定资格。"))
    if not (identity.name.strip() and identity.phone.strip()):
        raise TransitionError(_("请填写真实姓名（单位名称）和联系电话，匿名异议不予受理。"))
    if identity.objector_type == ObjectorType.ORGANISATION and not (seal and identity.contact_person.strip()):
        raise TransitionError(_("单位提出异议须填写联系人并上传加盖公章的证明。"))
    inspected = []
    for uploaded in evidence:
        inspected.append(
            (
                uploaded,
                inspect_upload(
                    uploaded,
                    limits=OBJECTION_UPLOAD_LIMITS,
                    existing_count=len(inspected),
                    existing_bytes=sum(i.size for _u, i in inspected),
                ),
            )
        )
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        objection = Objection(
            notice=notice,
            entry=entry,
            receipt_number=_receipt_number(now),
            token=token,
            objector_type=identity.objector_type,
            name=identity.name.strip(),
            contact_person=identity.contact_person.strip(),
            phone=identity.phone.strip(),
            id_number=identity.id_number.strip(),
            email=identity.email.strip(),
            facts=facts.strip(),
            submitted_at=now,
        )
        if seal:
            objection.seal = seal
        objection._change_reason = _("提出异议")
        objection._history_date = now
        objection.save()
        for uploaded, found in inspected:
            ObjectionEvidence.objects.create(
                objection=objection,
                file=uploaded,
                original_name=uploaded.name[:200],
                size=found.size,
                content_type=found.content_type,
                sha256=found.sha256,
            )
        audit(
            AuditEvent.TRANSITION,
            user=None,
            username="anonymous",
            request=request,
            obj=objection,
            detail=f"object {objection.receipt_number} against entry {entry.pk} ({len(inspected)} files)",
        )
        _notify_admins_received(objection)  # in the transaction: an objection is never saved without its admins told
    return objection, token


def programme_admins(programme) -> list[User]:
    from guardian.shortcuts import get_users_with_perms

    users = get_users_with_perms(programme, only_with_perms_in=["manage_programme"], with_superusers=False)
    return [user for user in users if user.is_active]


def _notify_admins_received(objection: Objection) -> None:
    text = _("收到异议 %(receipt)s，被异议机构：%(name)s。请及时交办核查。") % {
        "receipt": objection.receipt_number,
        "name": objection.entry.institution_name,
    }
    notify(users=programme_admins(objection.notice.round.programme), text=text, link=objection.get_absolute_url())


def objection_open(*, receipt_number: str, token: str) -> Objection | None:
    """The objection a private link names, or None; the comparison takes the same time whatever matched."""
    objection = Objection.objects.select_related("notice", "entry").filter(receipt_number=receipt_number[:30]).first()
    given = token.encode("utf-8", "replace")  # bytes: compare_digest refuses non-ASCII str (a 500 the fuzz test found)
    if objection is None or not objection.token:
        secrets.compare_digest(given, b"x" * 32)
        return None
    return objection if secrets.compare_digest(given, objection.token.encode()) else None


def handler_choices(programme):
    """Who may be given an objection to verify: the programme's admins and its departments' leads."""
    from portal.enums import Role

    admin_ids = [user.pk for user in programme_admins(programme)]
    departments = programme.departments.all()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=admin_ids) | Q(role=Role.DEPARTMENT_LEAD, department__in=departments))
        .order_by("full_name", "username")
    )


def objection_locked(objection: Objection) -> Objection:
    """The objection, locked after its round (the lock order at numbering_lock): handling waits for a notice being
    published on the round, and the other way round, so an adjusted list never misses a disqualification."""
    round_id = PublicityNotice.objects.filter(pk=objection.notice_id).values_list("round_id", flat=True).get()
    Round.objects.select_for_update(no_key=True).get(pk=round_id)
    objections = Objection.objects.select_for_update(of=("self",)).select_related("notice__round__programme", "entry")
    return objections.get(pk=objection.pk)


@transaction.atomic
def objection_assign(
    *,
    objection: Objection,
    handler: User,
    deadline: date,
    actor: User,
    grant_identity: bool = False,
    now: datetime | None = None,
    request=None,
) -> Objection:
    """Put the objection under verification by `handler` until `deadline` (交办核查).

    Side effects: grants the handler `handle_objection` on it and, when asked, files a request that it may see the
    objector's identity (decided by a security administrator); audits both; notifies the handler. `now` dates the step (its history too), for the demo's past records.
    """
    now = now or timezone.now()
    locked = objection_locked(objection)
    if locked.is_closed:
        raise TransitionError(_("异议已办结，不能再交办。"))
    if not handler_choices(locked.notice.round.programme).filter(pk=handler.pk).exists():
        raise TransitionError(_("经办人须为本项目的管理员或评定部门负责人。"))
    if deadline < timezone.localdate(now):
        raise TransitionError(_("办理期限不能早于今天。"))
    previous = locked.handler
    if previous is not None and previous.pk != handler.pk:  # the former handler loses access with the file
        for perm in ("publicity.handle_objection", "publicity.view_objector_identity"):
            remove_perm(perm, previous, locked)
        identity_access_withdraw_for(objection=locked, user=previous, actor=actor, note=_("异议已改派他人核查"))
        audit(
            AuditEvent.PERMISSION_CHANGE,
            user=actor,
            request=request,
            obj=locked,
            detail=f"revoke handle/identity permissions from {previous.username} (reassigned)",
        )
    locked.status = ObjectionStatus.VERIFYING
    locked.handler = handler
    locked.deadline = deadline
    locked.assigned_at = now
    locked.reminder_sent_at = None
    locked._history_user = actor
    locked._history_date = now
    locked._change_reason = _("交办核查：%(name)s，期限%(date)s") % {"name": handler.full_name, "date": cn_date(deadline)}
    locked.save()
    assign_perm("publicity.handle_objection", handler, locked)
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=locked, detail=f"assign to {handler.username} until {deadline}")
    if grant_identity:  # a request: a security administrator decides it (publicity.identity_access)
        identity_access_request(
            objection=locked, grantee=handler, actor=actor, reason=_("交办核查，需联系异议人"), request=request, now=now
        )
    text = _("异议 %(receipt)s（被异议机构：%(name)s）已交您核查，办理期限%(date)s。") % {
        "receipt": locked.receipt_number,
        "name": locked.entry.institution_name,
        "date": cn_date(deadline),
    }
    notify(users=[handler], text=text, link=locked.get_absolute_url())
    return locked


def may_see_identity(user: User, objection: Objection) -> bool:
    """Only an explicit permission on this objection counts: not a role, not being a superuser."""
    return user.is_authenticated and "view_objector_identity" in get_user_perms(user, objection)


def identity_reveal(*, objection: Objection, user: User, request=None) -> dict[str, str]:
    """The objector's identity in clear, for a holder of the permission; each view is audited (docs/security.md 18)."""
    if not may_see_identity(user, objection):
        audit(AuditEvent.PERSONAL_DATA_VIEW, user=user, request=request, obj=objection, success=False, detail="denied")
        raise PermissionError
    audit(AuditEvent.PERSONAL_DATA_VIEW, user=user, request=request, obj=objection, detail="objector identity")
    return {
        "name": objection.name,
        "contact_person": objection.contact_person,
        "phone": objection.phone,
        "id_number": objection.id_number,
        "email": objection.email,
    }


@transaction.atomic
def objection_decide(
    *,
    objection: Objection,
    upheld: bool,
    findings: str,
    reply: str,
    actor: User,
    now: datetime | None = None,
    request=None,
) -> Objection:
    """Close the verification: upheld (异议成立) disqualifies the candidate on every notice of the round.

    Side effects: history and audit; the reply goes to the objector by e-mail and the SMS hook after the commit
    (the private link always shows it); the admins and, when upheld, the institution are told.
    """
    locked = objection_locked(objection)
    if locked.status != ObjectionStatus.VERIFYING:
        raise TransitionError(_("只有核查中的异议才能办结（当前：%(status)s）。") % {"status": locked.get_status_display()})
    if not (findings.strip() and reply.strip()):
        raise TransitionError(_("请填写核查情况和答复意见。"))
    now = now or timezone.now()
    locked.status = ObjectionStatus.UPHELD if upheld else ObjectionStatus.NOT_UPHELD
    locked.findings = findings.strip()
    locked.reply = reply.strip()
    locked.decided_at = now
    locked.decided_by = actor
    locked._history_user = actor
    locked._history_date = now
    locked._change_reason = locked.get_status_display()
    locked.save()
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=locked, detail=f"{locked.status} {locked.receipt_number}")
    if upheld:
        for entry in NoticeEntry.objects.filter(
            notice__round=locked.notice.round, application=locked.entry.application_id, disqualified_at__isnull=True
        ):
            entry.disqualified_at = now
            entry._history_user = actor
            entry._history_date = now
            entry._change_reason = _("异议 %(receipt)s 成立，取消拟评定资格") % {"receipt": locked.receipt_number}
            entry.save(update_fields=["disqualified_at"])
        audit(AuditEvent.TRANSITION, user=actor, request=request, obj=locked.entry, detail="disqualified")
    _notify_decided(locked)
    transaction.on_commit(lambda: _queue_reply(locked))
    transaction.on_commit(public_pages_changed)
    return locked


def _queue_reply(objection: Objection) -> None:
    from portal.queue import enqueue
    from publicity.tasks import send_objection_reply

    enqueue(send_objection_reply, objection.pk)


def _notify_decided(objection: Objection) -> None:
    text = _("异议 %(receipt)s 已办结：%(status)s。") % {
        "receipt": objection.receipt_number,
        "status": objection.get_status_display(),
    }
    notify(users=programme_admins(objection.notice.round.programme), text=text, link=objection.get_absolute_url())
    if objection.status == ObjectionStatus.UPHELD:
        users = User.objects.filter(institution=objection.entry.institution_id, is_active=True)
        notice_text = _("经核查，对贵机构的异议成立，取消《%(title)s》中的拟评定资格。") % {"title": objection.notice.title}
        notify(users=users, text=notice_text[:300], link=objection.notice.get_absolute_url())


def private_link(objection: Objection) -> str:
    from django.urls import reverse

    return settings.PORTAL_BASE_URL + reverse("publicity:objection_status", args=[objection.receipt_number, objection.token])


def objection_reply_send(*, objection: Objection) -> bool:
    """Tell the objector that the reply is ready, once (by e-mail and the SMS hook). Returns whether it sent now."""
    from django.core.mail import send_mail

    claimed = Objection.objects.filter(pk=objection.pk, reply_sent_at__isnull=True, status__in=OBJECTION_CLOSED).update(
        reply_sent_at=timezone.now()
    )
    if not claimed:
        return False
    text = _("您提交的异议（回执号 %(receipt)s）已办结，结果：%(status)s。答复意见请通过私密链接查看：%(link)s") % {
        "receipt": objection.receipt_number,
        "status": objection.get_status_display(),
        "link": private_link(objection),
    }
    try:
        if objection.email:
            send_mail(_("异议办理结果"), text, None, [objection.email])
        if objection.phone and settings.SMS_BACKEND:
            import_string(settings.SMS_BACKEND)(objection.phone, text)
    except Exception:
        Objection.objects.filter(pk=objection.pk).update(reply_sent_at=None)  # let the retry send it
        raise
    return True


# --- Time-keeping (Celery runs these; each is idempotent and derives what to do from the dates) -----------


def notices_close_ended(now: datetime | None = None) -> int:
    """Record that the period of each ended notice is over and tell the admins, once; returns how many."""
    now = now or timezone.now()
    count = 0
    for notice in PublicityNotice.objects.filter(closes_at__lte=now, end_processed_at__isnull=True).select_related(
        "round__programme"
    ):
        with transaction.atomic():  # the claim and the messages land together, or neither does
            if _notice_end_processed(notice, now):
                count += 1
    return count


def _notice_end_processed(notice: PublicityNotice, now: datetime) -> bool:
    if not PublicityNotice.objects.filter(pk=notice.pk, end_processed_at__isnull=True).update(end_processed_at=now):
        return False  # another worker got there first
    open_count = notice.objections.exclude(status__in=OBJECTION_CLOSED).count()
    if open_count:
        text = _("《%(title)s》公示期已满，尚有%(count)d件异议未办结，办结后方可公布结果。") % {
            "title": notice.title,
            "count": open_count,
        }
    else:
        text = _("《%(title)s》公示期已满，无未办结异议，可以公布评定结果。") % {"title": notice.title}
    notify(users=programme_admins(notice.round.programme), text=text[:300], link=notice.get_absolute_url())
    audit(AuditEvent.TRANSITION, username="celery", obj=notice, detail=f"period ended ({open_count} open objections)")
    return True


def objections_remind_due(now: datetime | None = None) -> int:
    """Remind each handler once when an objection's deadline is the next working day or has passed."""
    now = now or timezone.now()
    today = timezone.localtime(now, SHANGHAI).date()
    try:
        horizon = get_calendar().add_working_days(today + timedelta(days=1), 1)
    except CalendarYearUnknown:
        horizon = today + timedelta(days=1)
    count = 0
    due = Objection.objects.filter(
        status=ObjectionStatus.VERIFYING, reminder_sent_at__isnull=True, deadline__lte=horizon, handler__isnull=False
    ).select_related("handler", "entry")
    for objection in due:
        with transaction.atomic():
            count += _objection_remind(objection, now)
    return count


def _objection_remind(objection: Objection, now: datetime) -> int:
    if not Objection.objects.filter(pk=objection.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
        return 0
    text = _("异议 %(receipt)s（被异议机构：%(name)s）办理期限为%(date)s，请按期办结。") % {
        "receipt": objection.receipt_number,
        "name": objection.entry.institution_name,
        "date": cn_date(objection.deadline),
    }
    notify(users=[objection.handler], text=text, link=objection.get_absolute_url())
    return 1


def objection_replies_send_pending(now: datetime | None = None) -> int:
    """Tell the objectors of closed objections whose reply task never ran (the broker was down); returns how many."""
    from portal.services import CATCH_UP_AFTER

    now = now or timezone.now()
    pending = Objection.objects.filter(
        status__in=OBJECTION_CLOSED,
        reply_sent_at__isnull=True,
        decided_at__lte=now - CATCH_UP_AFTER,
        identity_purged_at__isnull=True,
    )
    sent = 0
    for objection in pending:
        try:
            sent += objection_reply_send(objection=objection)
        except OSError:  # the mail server or the SMS gateway: the next sweep tries again
            logger.warning("reply to objection %s not sent; the next sweep retries", objection.receipt_number)
    return sent


def objections_purge(now: datetime | None = None) -> int:
    """Erase the identity of objectors whose objection closed more than OBJECTION_RETENTION_DAYS ago (PIPL)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.OBJECTION_RETENTION_DAYS)
    count = 0
    for objection in Objection.objects.filter(
        status__in=OBJECTION_CLOSED, decided_at__lt=cutoff, identity_purged_at__isnull=True
    ):
        with transaction.atomic():
            for field in IDENTITY_FIELDS:
                if field == "seal":
                    if objection.seal:
                        objection.seal.delete(save=False)
                    objection.seal = ""
                else:
                    setattr(objection, field, "")
            objection.identity_purged_at = now
            objection._change_reason = _("保存期满，清除异议人身份信息")
            objection.save()
            audit(AuditEvent.PURGE, username="celery", obj=objection, detail=f"objector identity of {objection.receipt_number}")
        count += 1
    return count
