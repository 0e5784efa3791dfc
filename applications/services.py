"""Writes of the application stage. Every status change goes through `application_transition`."""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import PRIORITY_LEVELS, AttachmentPurpose, PriorityKind, SelfCheck
from applications.enums import ApplicationStatus as S
from applications.models import WORK_RECORD_MAX_CHARS, Application, Attachment, ConditionAnswer, PriorityItem
from applications.selectors import self_check_rows
from applications.uploads import IMAGE_TYPES, UploadLimits, check_totals, inspect_upload
from portal.display import cn_date
from portal.enums import InstitutionKind, InstitutionStatus, Role
from portal.models import Round, User
from portal.services import notify
from portal.titles import current_title
from portal.transitions import AlreadyExists, Refused, TransitionError, transition

logger = logging.getLogger(__name__)

# Allowed moves: status -> the statuses it may move to (seed 000 五.1, issue 4).
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.RETURNED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
    S.RETURNED: {S.RESUBMITTED, S.WITHDRAWN},
    S.RESUBMITTED: {S.RETURNED, S.ACCEPTED, S.REJECTED, S.WITHDRAWN},
    S.ACCEPTED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}


def count_chars(text: str) -> int:
    """Characters as the seed counts them: Chinese, Latin, digits and punctuation one each; a line break is one."""
    return len(text.replace("\r\n", "\n"))


def application_transition(*, application: Application, to: str, actor: User, note: str = "", **fields) -> Application:
    """Move an application to `to`, refusing moves not in TRANSITIONS.

    Side effects: saves the status (and `fields`) with history (actor, note as change reason); notifies the
    institution's staff in the portal (in the same transaction) and by e-mail after the commit.
    """
    with transaction.atomic():
        transition(
            application, to, table=TRANSITIONS, actor=actor, note=note, fields=fields,
            also=lambda locked: _notify_institution(locked, to, note),
        )
        # Nothing touches the database after the commit: PostgreSQL lost then would leave a change whose
        # notifications were never written, and the person who made it a 503 page saying it was not saved.
        application.refresh_from_db()
    return application


def _notify_institution(application: Application, status: str, note: str) -> None:
    text = _("您的申报“%(name)s”状态已变更为：%(status)s。") % {
        "name": str(application),
        "status": S(status).label,
    }
    if note:
        text = f"{text} {note}"
    recipients = User.objects.filter(institution=application.institution_id, is_active=True)
    notify(users=recipients, text=text[:300], link=application.get_absolute_url())


def application_start(*, round: Round, user: User) -> Application:
    """Create the draft of the user's institution in `round`, prefilled from its registration.

    Refused when the institution is not verified, the round is not open, the institution already applied in
    the round or already holds a valid award of the programme (its level and period).
    """
    institution = user.institution
    if user.role != Role.APPLICANT or institution is None:
        raise Refused(_("只有申报机构的经办人可以申报。"))
    if institution.status != InstitutionStatus.VERIFIED:
        raise Refused(_("本机构信息尚未通过核验，核验通过后方可申报。"))
    if not round.is_open():
        raise Refused(_("当前不在该批次的申报时间内。"))
    if not round.programme.region.contains(institution.region):
        raise Refused(
            _("本机构所在地区不属于%(region)s，不能申报该评定项目。") % {"region": round.programme.region.name}
        )
    existing = Application.objects.filter(round=round, institution=institution).first()
    if existing is not None:
        raise _already_applied(existing)
    title = current_title(programme=round.programme, institution=institution)
    if title is not None:
        raise Refused(
            _("本机构已于%(date)s被评定为%(title)s（奖牌编号%(number)s），本周期内不能重复申报。")
            % {
                "date": cn_date(title.awarded_on),
                "title": round.programme.plaque_title,
                "number": title.number,
            }
        )
    application = Application(
        round=round,
        institution=institution,
        created_by=user,
        institution_name=institution.name,
        institution_address=institution.address,
        principal_name=institution.principal_name,
        contact_name=institution.contact_name,
        contact_phone=institution.contact_phone,
        contact_email=institution.contact_email,
    )
    application._change_reason = _("创建草稿")
    application._history_user = user
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        # Started twice at once (a double click, two colleagues): the check above saw nothing, the unique constraint
        # let one in and held this insert until it committed. Answer with that one.
        existing = Application.objects.filter(round=round, institution=institution).first()
        if existing is None:
            raise
        raise _already_applied(existing) from None
    return application


def _already_applied(existing: Application) -> AlreadyExists:
    if existing.is_editable:  # the draft a colleague (or the same click a moment earlier) started: open it
        return AlreadyExists(_("本机构已在该批次创建了申报（一个批次只能申报一次），已为您打开。"), existing)
    return AlreadyExists(_("本机构已在该批次提交过申报（一个批次只能申报一次）。"), existing)


def application_save_draft(*, application: Application, form, answer_forms, priority_formset, actor: User) -> Application:
    """Save the form, the self-check answers and the priority items of an editable application.

    Side effects: the application row, one ConditionAnswer per condition, the PriorityItem rows (history for each).
    """
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not locked.is_editable:
            raise TransitionError(_("申报已提交，不能再修改。如需修改，请联系管理员退回补正。"))
        instance = form.save(commit=False)
        instance._change_reason = _("保存草稿")
        instance._history_user = actor
        instance.save()
        for answer_form in answer_forms:
            ConditionAnswer.objects.update_or_create(
                application=instance,
                condition=answer_form.condition,
                defaults={
                    "answer": answer_form.cleaned_data.get("answer", ""),
                    "statement": answer_form.cleaned_data.get("statement", ""),
                },
            )
        priority_formset.instance = instance
        priority_formset.save()
    return instance


def application_problems(application: Application) -> list[str]:
    """What keeps an application from being submitted, in plain Chinese (empty when it is complete)."""
    problems = []
    required = {
        "institution_name": _("申报机构名称"),
        "principal_name": _("主要负责人"),
        "contact_name": _("联系人"),
        "contact_phone": _("联系电话"),
        "work_record": _("工作情况"),
    }
    for field, label in required.items():
        if not getattr(application, field).strip():
            problems.append(_("请填写“%(field)s”。") % {"field": label})
    if count_chars(application.work_record) > WORK_RECORD_MAX_CHARS:
        problems.append(
            _("工作情况不能超过%(max)d字，当前为%(count)d字。")
            % {"max": WORK_RECORD_MAX_CHARS, "count": count_chars(application.work_record)}
        )
    problems += self_check_problems(application)
    problems += priority_problems(application)
    if not application.commitment_accepted:
        problems.append(_("请阅读并勾选申报机构承诺。"))
    if application.commitment_date is None:
        problems.append(_("请填写承诺日期。"))
    if application.seal is None:
        problems.append(_("请上传加盖公章或签字的承诺页图片。"))
    return problems


def self_check_problems(application: Application) -> list[str]:
    """Seed 000 四(二): 「须符合就业服务质量标杆机构评定基本条件，并符合以下条件」 — every basic and level condition that
    binds the institution's kind is answered, and none of them 不符合. The priority clause is never required, and a
    condition that does not bind the kind (county condition 1, 「其他机构不作要求」) is not asked whatever is stored."""
    problems = []
    for row in self_check_rows(application):
        if row.condition.is_priority_clause or not row.applies:
            continue
        named = {"section": row.condition.get_section_display(), "number": row.condition.number}
        if not row.result:
            problems.append(_("请完成%(section)s第%(number)d条的自查。") % named)
        elif row.result == SelfCheck.NOT_MET:
            problems.append(
                _(
                    "%(section)s第%(number)d条自查为“不符合”：须符合全部基本条件和本级评定条件方可申报；"
                    "如确已符合，请更正自查结果并上传佐证材料。"
                )
                % named
            )
    return problems


def priority_problems(application: Application) -> list[str]:
    """Seed 000 四(二)5 as claimed (优先评定): 「近3年内」 — each item dated within the three years before the round's call
    opened; 「县级以上（含县级）」 — each item's issuer of a level in `PRIORITY_LEVELS` (an item entered before the level
    was asked has none: asked for); 「经营性人力资源服务机构获得…促就业项目奖励的」 — that kind of item only for a
    commercial HR institution. Items are numbered as the form, the detail page and the PDF list them."""
    problems = []
    opened = timezone.localdate(application.round.opens_at)
    try:
        earliest = opened.replace(year=opened.year - 3)
    except ValueError:  # 29 February
        earliest = opened.replace(year=opened.year - 3, day=28)
    for number, item in enumerate(application.priority_items.all(), start=1):
        if item.issued_on and item.issued_on < earliest:
            problems.append(
                _("优先评定事项第%(n)d项（%(title)s）的日期%(date)s不在近3年内（%(earliest)s以后），请删除或更正。")
                % {"n": number, "title": item.title, "date": cn_date(item.issued_on), "earliest": cn_date(earliest)}
            )
        problems += _issuer_level_problems(number, item)
        if item.kind == PriorityKind.PROMOTION_AWARD and application.institution.kind != InstitutionKind.COMMERCIAL_HR:
            problems.append(
                _("优先评定事项第%(n)d项：促就业项目奖励只适用于经营性人力资源服务机构，请删除或改选类别。") % {"n": number}
            )
    return problems


def _issuer_level_problems(number: int, item: PriorityItem) -> list[str]:
    named = {"n": number, "title": item.title}
    if not item.issuer_level:
        return [_("优先评定事项第%(n)d项（%(title)s）未选择授予/批示单位级别，请选择。") % named]
    if item.issuer_level not in PRIORITY_LEVELS:
        return [
            _(
                "优先评定事项第%(n)d项（%(title)s）的授予/批示单位级别为“%(level)s”，"
                "不属于县级以上（含县级），不能优先评定，请删除或更正。"
            )
            % (named | {"level": item.get_issuer_level_display()})
        ]
    return []


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit a draft inside the round's window, or resubmit a returned one before its deadline."""
    problems = application_problems(application)
    if problems:
        raise Refused(_("申报信息不完整：") + "；".join(problems))
    now = timezone.now()
    if application.status == S.RETURNED:
        deadline = application.return_deadline
        if deadline is not None and timezone.localdate(now) > deadline:
            raise Refused(
                _("补正截止日期（%(date)s）已过，不能再提交。请联系管理员。") % {"date": cn_date(deadline)}
            )
        return application_transition(application=application, to=S.RESUBMITTED, actor=actor, submitted_at=now)
    if not application.round.is_open(now):
        raise Refused(
            _("申报已于%(deadline)s（北京时间）截止，不能提交。")
            % {"deadline": f"{cn_date(timezone.localtime(application.round.closes_at))} {timezone.localtime(application.round.closes_at):%H:%M}"}
        )
    return application_transition(application=application, to=S.SUBMITTED, actor=actor, submitted_at=now)


def application_withdraw(*, application: Application, actor: User) -> Application:
    return application_transition(application=application, to=S.WITHDRAWN, actor=actor, note=_("申报机构撤回"))


def application_return(*, application: Application, actor: User, reason: str, deadline: date) -> Application:
    """Return an application for more information (退回补正), with the reason and a deadline."""
    note = _("退回原因：%(reason)s（请于%(deadline)s前补正）") % {"reason": reason, "deadline": cn_date(deadline)}
    return application_transition(
        application=application, to=S.RETURNED, actor=actor, note=note, return_reason=reason, return_deadline=deadline
    )


# Checks of the later stages on an acceptance, each returning a refusal or "": this app cannot import them (the layers
# point down), so they register here (review: none once its scoring is closed, review.apps).
ACCEPT_GUARDS: list = []


def application_accept(*, application: Application, actor: User, note: str = "") -> Application:
    for guard in ACCEPT_GUARDS:
        if refusal := guard(application):
            raise Refused(refusal)
    return application_transition(
        application=application, to=S.ACCEPTED, actor=actor, note=note, decision_reason=note, decided_at=timezone.now()
    )


def application_reject(*, application: Application, actor: User, reason: str) -> Application:
    return application_transition(
        application=application,
        to=S.REJECTED,
        actor=actor,
        note=_("不予受理：%(reason)s") % {"reason": reason},
        decision_reason=reason,
        decided_at=timezone.now(),
    )


def _attachment_totals(application: Application) -> dict[str, int]:
    totals = application.attachments.aggregate(count=Count("id"), size=Sum("size"))
    return {"existing_count": totals["count"], "existing_bytes": totals["size"] or 0}


def attachment_add(*, application: Application, uploaded, purpose: str, actor: User, condition=None) -> Attachment:
    """Check and store one uploaded file of an editable application.

    The file is inspected (type, content, archive, antivirus) before any lock is taken; then the application row
    is locked and the count and size limits are checked again, so two uploads at once cannot pass them together.
    Side effects: the file under a random name in the storage (MEDIA_ROOT or the object store), one Attachment row
    (history).
    """
    limits = UploadLimits.for_round(application.round)
    allowed = {"allowed": IMAGE_TYPES} if purpose == AttachmentPurpose.SEAL else {}
    inspected = inspect_upload(uploaded, limits=limits, **_attachment_totals(application), **allowed)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not locked.is_editable:
            raise TransitionError(_("申报已提交，不能再上传附件。"))
        check_totals(uploaded, limits=limits, **_attachment_totals(locked))
        attachment = Attachment(
            application=locked,
            purpose=purpose,
            condition=condition,
            original_name=uploaded.name[:200],
            size=inspected.size,
            content_type=inspected.content_type,
            sha256=inspected.sha256,
            uploaded_by=actor,
        )
        attachment.file.save(uploaded.name, uploaded, save=False)
        stored_name, storage = attachment.file.name, attachment.file.storage
        try:
            attachment._change_reason = _("上传附件")
            attachment._history_user = actor
            attachment.save()
        except Exception:
            storage.delete(stored_name)  # a failed insert must not leave the stored file behind
            raise
    logger.info("attachment %s stored for application %s", attachment.pk, application.pk)
    return attachment


def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    """Delete an attachment of an editable application, file included."""
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=attachment.application_id)
        if not application.is_editable:
            raise TransitionError(_("申报已提交，不能再删除附件。"))
        storage, name = attachment.file.storage, attachment.file.name
        attachment._change_reason = _("删除附件")
        attachment._history_user = actor
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))
