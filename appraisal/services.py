"""The writes of the yearly staff assessment: open a year, set its weights and bounds, score a member of staff,
conclude (every current member scored; the grades, complaints and reasons then kept as decided). Each write leaves
its history (django-simple-history) and one audit record."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import scoring, selectors
from appraisal.enums import AppraisalStatus, Source
from appraisal.models import TRANSITIONS, Appraisal, Score
from platforms.models import StaffMember
from portal.audit import AuditEvent, audit
from portal.transitions import AlreadyExists, Refused, transition

SETTINGS = ("weight_clients", "weight_peers", "weight_leaders", "excellent_from", "competent_from", "basic_from")


def appraisal_open(*, institution, year: int, actor) -> Appraisal:
    """Open the institution's appraisal of `year` (one per year), with the default weights and bounds."""
    existing = Appraisal.objects.filter(institution=institution, year=year).first()
    if existing is not None:
        raise AlreadyExists(_("%(year)d年度考核已经发起。") % {"year": year}, existing)
    try:
        with transaction.atomic():
            appraisal = Appraisal(institution=institution, year=year, created_by=actor)
            appraisal._history_user = actor
            appraisal.save()
    except IntegrityError:
        existing = Appraisal.objects.get(institution=institution, year=year)
        raise AlreadyExists(_("%(year)d年度考核已经发起。") % {"year": year}, existing) from None
    audit(AuditEvent.TRANSITION, user=actor, obj=appraisal, detail=f"appraisal opened: {year}")
    return appraisal


def check_settings(values: dict) -> None:
    """The weights add up to 100; the bounds go down from 优秀 to 基本称职."""
    if values["weight_clients"] + values["weight_peers"] + values["weight_leaders"] != 100:
        raise Refused(_("三类评价的权重之和应为100%。"))
    if not values["excellent_from"] > values["competent_from"] > values["basic_from"]:
        raise Refused(_("分数线应依次递减：优秀 > 称职 > 基本称职。"))


@transaction.atomic
def appraisal_configure(*, appraisal: Appraisal, actor, **values) -> Appraisal:
    """Change a draft's weights and bounds; every score's total is computed again. Side effects: history, audit."""
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if not appraisal.is_draft:
        raise Refused(_("考核已完成，不能修改。"))
    check_settings(values)
    for name in SETTINGS:
        setattr(appraisal, name, values[name])
    appraisal._history_user = actor
    appraisal.save(update_fields=[*SETTINGS, "updated_at"])
    weights = selectors.weights_of(appraisal)
    for score in appraisal.scores.all():
        score.total = scoring.total(score.marks, weights)
        score._history_user = actor
        score.save(update_fields=["total", "updated_at"])
    audit(AuditEvent.TRANSITION, user=actor, obj=appraisal, detail=f"appraisal settings: {[str(values[n]) for n in SETTINGS]}")
    return appraisal


def marks_of(values: dict) -> dict:
    """{source: {dimension: "mark"}} from form values keyed `<source>_<dimension>`."""
    return {source: {code: str(Decimal(values[f"{source}_{code}"]).normalize())
                     for code, _title, _points in scoring.dimensions()} for source in Source.values}


@transaction.atomic
def score_save(*, appraisal: Appraisal, member: StaffMember, marks: dict, actor) -> Score:
    """Record a member of staff's marks in a draft and their total. Side effects: the score's history, audit."""
    appraisal = Appraisal.objects.select_for_update().get(pk=appraisal.pk)
    if not appraisal.is_draft:
        raise Refused(_("考核已完成，不能修改评分。"))
    if member.institution_id != appraisal.institution_id:
        raise Refused(_("该工作人员不属于本机构。"))
    score = Score.objects.filter(appraisal=appraisal, staff_member=member).first() or Score(appraisal=appraisal, staff_member=member)
    score.marks = marks
    score.total = scoring.total(marks, selectors.weights_of(appraisal))
    score.scored_by = actor
    score._history_user = actor
    score.save()
    audit(AuditEvent.TRANSITION, user=actor, obj=appraisal, detail=f"appraisal score: staff {member.pk} {score.total}")
    return score


def appraisal_conclude(*, appraisal: Appraisal, actor, request=None) -> Appraisal:
    """Conclude a draft: refused while a current member of staff is not scored (naming them); the grades are kept
    as decided (complaints' rule, then bounds). Side effects: the scores' and the appraisal's history, audit."""
    absent = selectors.missing(appraisal)
    if absent:
        raise Refused(_("以下在岗工作人员尚未评分：%(names)s。") % {"names": "、".join(absent)})

    def keep_grades(saved: Appraisal) -> None:
        for line in selectors.lines(saved, live=True):
            if line.score is None:
                continue
            line.score.grade, line.score.complaints, line.score.reason = line.grade, line.complaints, line.reason
            line.score._history_user = actor
            line.score.save(update_fields=["grade", "complaints", "reason", "updated_at"])

    return transition(appraisal, AppraisalStatus.CONCLUDED, table=TRANSITIONS, actor=actor, request=request,
                      fields={"concluded_at": timezone.now()}, also=keep_grades)

