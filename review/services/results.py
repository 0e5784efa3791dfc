"""Results of a review: the ranking, the admin's tie decisions, department opinions and the shortlist (择优)."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import ApplicationStatus
from applications.models import Application
from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.models import Round, User
from portal.titles import period_remaining, quota_remaining
from portal.transitions import Refused, TransitionError
from review import scoring
from review.enums import AssignmentStatus, SheetStatus
from review.models import (
    DepartmentOpinion,
    Score,
    ScoreSheet,
    Shortlist,
    ShortlistEntry,
    ShortlistSkip,
    TieBreak,
)


def submitted_sheets(round: Round):
    """Sheets that count: submitted, by a reviewer still on the application, of an accepted application, for one of
    the programme's departments."""
    return ScoreSheet.objects.filter(
        assignment__application__round=round,
        assignment__application__status=ApplicationStatus.ACCEPTED,
        assignment__department__in=round.programme.programme_departments.values("department"),
        assignment__status=AssignmentStatus.ACTIVE,
        status=SheetStatus.SUBMITTED,
    ).select_related("assignment")


def round_ranking(round: Round) -> tuple[list, list, dict[int, Application]]:
    """Rank the round's accepted applications from the submitted sheets (review.scoring holds the rules).

    Returns (ranked, ineligible, applications by id).
    """
    programme = round.programme
    failed = {}
    # A required item (a gate, or county conditions 2–4) marked 不符合: only those carry `passed` (review.rubrics).
    gate_scores = Score.objects.filter(sheet__in=submitted_sheets(round), passed=False).select_related("item")
    for score in gate_scores:
        failed.setdefault(score.sheet_id, set()).add(score.item.code)
    sheets = [
        scoring.Sheet(
            application_id=sheet.assignment.application_id,
            reviewer_id=sheet.assignment.reviewer_id,
            department_id=sheet.assignment.department_id,
            total=sheet.total,
            failed_gates=frozenset(failed.get(sheet.pk, ())),
        )
        for sheet in submitted_sheets(round)
    ]
    weights = {pd.department_id: pd.weight for pd in programme.programme_departments.all()}
    settings = scoring.Settings(
        department_weights=weights,
        drop_extremes_from=programme.review_drop_extremes_from,
        normalise=programme.review_normalise,
    )
    applications = {
        a.pk: a
        for a in Application.objects.filter(round=round, status=ApplicationStatus.ACCEPTED).prefetch_related("priority_items")
    }
    priority = {pk: application.priority_items.exists() for pk, application in applications.items()}
    tie_breaks = dict(TieBreak.objects.filter(round=round).values_list("application_id", "position"))
    ranked, ineligible = scoring.rank(sheets, settings=settings, priority=priority, tie_breaks=tie_breaks)
    return ranked, ineligible, applications


@transaction.atomic
def tie_break_record(*, round: Round, order: list[int], reason: str, actor: User) -> None:
    """The admin's order for a group still tied after the priority rule; the reason is kept (issue 5 §6)."""
    if not reason.strip():
        raise Refused(_("请填写并列排序的理由。"))
    # The ids come from the form: refuse another round's (or no) application rather than storing it or failing the
    # foreign key at commit.
    accepted = Application.objects.filter(round=round, status=ApplicationStatus.ACCEPTED, pk__in=order)
    known = set(accepted.values_list("pk", flat=True))
    if len(order) < 2 or len(set(order)) != len(order) or not known >= set(order):
        raise Refused(_("只能为本批次已受理的申报排定次序。"))
    for position, application_id in enumerate(order, start=1):
        TieBreak.objects.update_or_create(
            round=round,
            application_id=application_id,
            defaults={"position": position, "reason": reason, "decided_by": actor},
        )
    audit(AuditEvent.TRANSITION, user=actor, obj=round, detail=f"tie-break {order}: {reason.strip()}"[:500])


@transaction.atomic
def shortlist_save(*, round: Round, application_ids: list[int], skip_reasons: dict[int, str], actor: User) -> Shortlist:
    """Pick the shortlist from the ranking within quota; skipping a higher-ranked application needs a reason.

    Refused when the shortlist is frozen (publicity started), over the round's quota or the period's remainder,
    or when it lists an ineligible or unranked application.
    """
    application_ids = list(dict.fromkeys(application_ids))  # a doubled id from the form would break the unique entry
    shortlist, _created = Shortlist.objects.select_for_update().get_or_create(round=round, defaults={"created_by": actor})
    if shortlist.frozen_at:
        raise TransitionError(_("拟评定名单已在公示时冻结，不能修改。"))
    limit = quota_remaining(round)
    if len(application_ids) > limit:
        raise Refused(
            _("名单有%(count)d家，超过可用名额%(limit)d家（本批次名额%(round)d家，本周期剩余%(period)d家）。")
            % {"count": len(application_ids), "limit": limit, "round": round.quota, "period": period_remaining(round)}
        )
    ranked, _ineligible, applications = round_ranking(round)
    by_id = {row.application_id: row for row in ranked}
    unknown = [pk for pk in application_ids if pk not in by_id]
    if unknown:
        raise Refused(_("名单中有不符合必备条件或尚无评分的申报，不能列入。"))
    lowest = max((by_id[pk].rank for pk in application_ids), default=0)
    skipped = [row for row in ranked if row.rank < lowest and row.application_id not in application_ids]
    missing = [row for row in skipped if not skip_reasons.get(row.application_id, "").strip()]
    if missing:
        names = "、".join(applications[row.application_id].institution_name for row in missing)
        raise Refused(_("未列入排名靠前的申报须说明理由：%(names)s。") % {"names": names})
    shortlist.entries.all().delete()
    shortlist.skips.all().delete()
    ShortlistEntry.objects.bulk_create(
        ShortlistEntry(shortlist=shortlist, application_id=pk, rank=by_id[pk].rank, overall=by_id[pk].overall)
        for pk in sorted(application_ids, key=lambda pk: by_id[pk].rank)
    )
    ShortlistSkip.objects.bulk_create(
        ShortlistSkip(shortlist=shortlist, application_id=row.application_id, rank=row.rank, reason=skip_reasons[row.application_id])
        for row in skipped
    )
    shortlist._change_reason = _("保存拟评定名单：%(count)d家") % {"count": len(application_ids)}
    shortlist.save()
    audit(AuditEvent.TRANSITION, user=actor, obj=shortlist, detail=f"shortlist {application_ids}")
    return shortlist


@transaction.atomic
def opinion_sign(*, application: Application, actor: User, verdict: str, text: str, signed_on=None) -> DepartmentOpinion:
    """The department lead records and seals the department's opinion (it fills the department's box on annex 2)."""
    if actor.role != Role.DEPARTMENT_LEAD or actor.department_id is None:
        raise Refused(_("只有部门负责人可以签署部门意见。"))
    department = actor.department
    if not application.round.programme.programme_departments.filter(department=department).exists():
        raise Refused(_("本部门不是该评定项目的评定部门。"))
    if application.status != ApplicationStatus.ACCEPTED:
        raise Refused(_("只能对已受理的申报签署意见。"))
    if not text.strip():
        raise Refused(_("请填写意见内容。"))
    opinion, _created = DepartmentOpinion.objects.select_for_update().get_or_create(
        application=application,
        department=department,
        defaults={"verdict": verdict, "text": text, "signed_by": actor, "signed_on": signed_on or timezone.localdate()},
    )
    opinion.verdict, opinion.text, opinion.signed_by = verdict, text, actor
    opinion.signed_on = signed_on or timezone.localdate()
    if department.seal_image:
        # Seal the opinion with a copy of today's seal image, so a later change of the seal does not alter it.
        with department.seal_image.open("rb") as seal:  # from the storage, wherever it is
            opinion.seal.save(seal.name.rsplit("/", 1)[-1], seal.file, save=False)
    opinion._change_reason = _("签署部门意见")
    opinion.save()
    audit(AuditEvent.TRANSITION, user=actor, obj=opinion, detail=f"opinion {verdict} on application {application.pk}")
    return opinion
