"""Writes of the satisfaction app: a rating given at a window, the moves of the case an unfavourable one opens, the
publication of a quarter's ranking, and the daily reminder of cases near or past their deadline."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from portal import workdays
from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.models import User
from portal.public_cache import public_pages_changed
from portal.services import notify
from portal.transitions import Refused, transition
from satisfaction.enums import CaseStatus
from satisfaction.models import Case, PublishedRanking, Rating
from satisfaction.quarters import Quarter
from satisfaction.selectors import ranked

CASE_WORKING_DAYS = 15  # 国办发〔2019〕51号: 差评 verified and rectified within 15 working days


def limit(name: str) -> int:
    """A rating limit of the settings (SATISFACTION_DEVICE_PER_HOUR, SATISFACTION_ADDRESS_PER_DAY)."""
    return int(getattr(settings, name))


def address_hash(address: str | None) -> str:
    """A keyed digest of the client address: enough to count, not enough to tell who rated."""
    return salted_hmac("satisfaction.address", address or "unknown").hexdigest()


def case_deadline(rated_on: date) -> date:
    """The 15th working day after the day of the rating (the rating day itself is day 0), by the State Council
    calendar with its make-up workdays."""
    return workdays.add_working_days(rated_on + timedelta(days=1), CASE_WORKING_DAYS)


def rating_limit_problem(*, service_point, device: str, address: str, now: datetime) -> str | None:
    """Why this device or address may not rate this window now (None: it may)."""
    ratings = Rating.objects.filter(service_point=service_point)
    if ratings.filter(device=device, rated_at__gt=now - timedelta(hours=1)).count() >= limit("SATISFACTION_DEVICE_PER_HOUR"):
        return _("感谢您的评价！同一设备一小时内对本窗口只能评价一次，请稍后再评。")
    per_day = limit("SATISFACTION_ADDRESS_PER_DAY")
    if ratings.filter(address_hash=address, rated_at__gt=now - timedelta(days=1)).count() >= per_day:
        return _("感谢您的评价！当前网络今天对本窗口的评价已达上限，请换用手机流量或明天再评。")
    return None


def rating_submit(*, service_point, data: dict, device: str, address: str | None, now: datetime | None = None) -> Rating:
    """Record a rating (the form's cleaned `data`); an unfavourable one opens a case and tells the institution.

    Refused (politely) over the per-device or per-address limit. Rows: one Rating, for 不满意/非常不满意 one Case
    with its deadline and a notification to the institution's users.
    """
    now = now or timezone.now()
    hashed = address_hash(address)
    with transaction.atomic():
        problem = rating_limit_problem(service_point=service_point, device=device, address=hashed, now=now)
        if problem:
            raise Refused(problem)
        rating = Rating.objects.create(
            service_point=service_point, institution_id=service_point.institution_id, rated_at=now,
            device=device, address_hash=hashed, **data,
        )  # fmt: skip
        if rating.is_unfavourable:
            case = Case.objects.create(
                rating=rating, institution_id=rating.institution_id, deadline=case_deadline(timezone.localdate(now))
            )
            text = _("%(window)s收到一条“%(grade)s”评价，请于%(deadline)s前核实整改并答复。") % {
                "window": service_point.name, "grade": rating.get_overall_display(), "deadline": f"{case.deadline:%Y-%m-%d}",
            }  # fmt: skip
            notify(users=institution_users(rating.institution_id), text=text, link=case.get_absolute_url())
    return rating


def rating_find(code: str) -> Rating | None:
    """The rating whose receipt code this is (spaces and dashes ignored, any case)."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]
    rating = Rating.objects.select_related("service_point__institution").filter(receipt_code=cleaned).first()
    if rating is None or not constant_time_compare(rating.receipt_code, cleaned):
        return None
    return rating


def institution_users(institution_id: int):
    return list(User.objects.filter(role=Role.APPLICANT, institution_id=institution_id, is_active=True))


# --- the case ----------------------------------------------------------------------------------------------------


def case_verify(*, case: Case, actor, founded: bool, findings: str, request=None) -> Case:
    """核实: founded cases go on to 整改, the others to 回复. History and an audit record (portal.transitions)."""
    if not findings.strip():
        raise Refused(_("请填写核实情况。"))
    to = CaseStatus.RECTIFYING if founded else CaseStatus.ANSWERING
    fields = {"founded": founded, "findings": findings.strip(), "verified_at": timezone.now()}
    return transition(case, to, table=Case.TRANSITIONS, actor=actor, fields=fields, request=request, note=_("核实"))


def case_rectify(*, case: Case, actor, measures: str, request=None) -> Case:
    """整改: only a case found founded is rectified; then it waits for the reply."""
    case = Case.objects.get(pk=case.pk)  # the caller's copy may predate the verification
    if case.founded is False:
        raise Refused(_("核实不属实的差评无需整改。"))
    if case.status != CaseStatus.RECTIFYING:
        raise Refused(_("请先核实，核实属实后再整改。"))
    if not measures.strip():
        raise Refused(_("请填写整改措施。"))
    fields = {"rectification": measures.strip(), "rectified_at": timezone.now()}
    return transition(
        case, CaseStatus.ANSWERING, table=Case.TRANSITIONS, actor=actor, fields=fields, request=request, note=_("整改")
    )


def case_callback(*, case: Case, actor, on: date, outcome: str, request=None) -> Case:
    """回访: recorded once the case is verified, for a rater who left a phone; no change of status."""
    case = Case.objects.select_related("rating").get(pk=case.pk)
    if not case.rating.phone:
        raise Refused(_("评价人未留电话，无法回访。"))
    if case.status == CaseStatus.PENDING:
        raise Refused(_("请先核实，再回访。"))
    if on > timezone.localdate() or on < timezone.localdate(case.rating.rated_at):
        raise Refused(_("回访日期应在评价之后、今天之前。"))
    if not outcome.strip():
        raise Refused(_("请填写回访结果。"))
    with transaction.atomic():
        case.callback_on, case.callback_outcome = on, outcome.strip()
        case._history_user, case._change_reason = actor, _("回访")
        case.save(update_fields=["callback_on", "callback_outcome", "updated_at"])
        audit(AuditEvent.TRANSITION, user=actor, request=request, obj=case, detail=f"callback {on:%Y-%m-%d}")
    return case


def case_reply(*, case: Case, actor, text: str, request=None) -> Case:
    """回复: the reply the rater reads on the status page; it closes the case (a case closes only with a reply)."""
    if not text.strip():
        raise Refused(_("请填写给评价人的答复。"))
    fields = {"reply": text.strip(), "replied_at": timezone.now()}
    return transition(
        case, CaseStatus.CLOSED, table=Case.TRANSITIONS, actor=actor, fields=fields, request=request, note=_("答复"),
        refusal=_("当前状态为“%(current)s”，尚不能答复办结。"),
    )  # fmt: skip


def phone_reveal(*, case: Case, actor, request=None) -> str:
    """The rater's phone in clear, for the call-back: audited as a view of personal data."""
    audit(AuditEvent.PERSONAL_DATA_VIEW, user=actor, request=request, obj=case, detail="rater phone for call-back")
    return case.rating.phone


# --- rankings and reminders --------------------------------------------------------------------------------------


def ranking_rows(region, quarter: Quarter) -> list[dict]:
    """The public rows of a region's ranking: names and rates only (strings, as frozen in JSON)."""
    from portal.models import Institution

    institutions = Institution.objects.filter(region__code__startswith=region.code_prefix)
    rows = []
    for rank, (institution, tally) in enumerate(ranked(institutions, quarter.first_day, quarter.last_day), 1):
        rows.append({
            "rank": rank, "institution": institution.name, "ratings": tally.total,
            "satisfaction_rate": _text(tally.satisfaction_rate), "rectification_rate": _text(tally.rectification_rate),
            "callback_rate": _text(tally.callback_rate), "reply_rate": _text(tally.reply_rate),
        })  # fmt: skip
    return rows


def _text(rate) -> str:
    return "" if rate is None else f"{rate}"


def ranking_publish(*, region, quarter: Quarter, actor, request=None, now: datetime | None = None) -> PublishedRanking:
    """Freeze a region's ranking of a quarter that has ended as a public page. Once only; audited."""
    now = now or timezone.now()
    if quarter.last_day >= timezone.localdate(now):
        raise Refused(_("%(quarter)s尚未结束，结束后才能发布排名。") % {"quarter": quarter.label})
    rows = ranking_rows(region, quarter)
    if not rows:
        raise Refused(_("该区划本季度没有评价，无可发布的排名。"))
    try:
        with transaction.atomic():
            ranking = PublishedRanking.objects.create(
                region=region, year=quarter.year, quarter=quarter.number, rows=rows, published_at=now, published_by=actor
            )
    except IntegrityError:
        raise Refused(_("%(region)s%(quarter)s的排名已发布。") % {"region": region.name, "quarter": quarter.label}) from None
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=ranking, detail=f"publish ranking {region.code} {quarter}")
    transaction.on_commit(public_pages_changed)
    return ranking
