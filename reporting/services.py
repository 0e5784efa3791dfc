"""Writes of the upward reports: the higher bureau issues a call (one draft report per region asked); the region
writes its 宣传情况 and document number, submits (the figures are taken then); the higher bureau receives it or returns
it with a reason, and a returned report is submitted again. Every status move goes through portal.transitions; each
side is told of the other's step (portal.services.notify)."""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Announcement
from portal.audit import AuditEvent, audit
from portal.display import cn_date
from portal.models import Region, User
from portal.services import notify
from portal.transitions import Refused, transition
from reporting.content import report_figures
from reporting.enums import ReportStatus
from reporting.models import PUBLICITY_TEXT_MAX_CHARS, ReportCall, UpwardReport, default_deadline
from reporting.selectors import admins_of, hr_department, recipients_of


def default_subject(year: int) -> str:
    return _("%(year)d年度就业服务质量标杆机构评定结果和宣传情况") % {"year": year}


@transaction.atomic
def call_issue(
    *, region: Region, year: int, actor: User, recipients, deadline: date | None = None, subject: str = "",
    note: str = "", now: datetime | None = None, request=None,
) -> ReportCall:
    """Issue the year's call to the regions directly below `region`.

    Side effects: one ReportCall and one draft UpwardReport per region asked (history), one audit record, the admins
    of those regions told. Refused for a region that is not directly below, for none at all, or a second call of the
    same year, and a deadline already past.
    """
    now = now or timezone.now()
    recipients = list(recipients)
    allowed = set(recipients_of(region).values_list("pk", flat=True))
    if not recipients:
        raise Refused(_("请至少选择一个报送单位。"))
    if any(r.pk not in allowed for r in recipients):
        raise Refused(_("只能向本级直属的下级区划下发报送通知。"))
    deadline = deadline or default_deadline(year)
    if deadline < timezone.localdate(now):
        raise Refused(_("报送截止日期不能早于今天。"))
    if ReportCall.objects.filter(region=region, year=year).exists():
        raise Refused(_("%(year)d年度的报送通知已经下发，不能重复下发。") % {"year": year})
    call = ReportCall(
        region=region, year=year, deadline=deadline, subject=subject.strip() or default_subject(year),
        note=note.strip(), issued_by=actor, issued_at=now,
    )
    call._history_user, call._history_date = actor, now
    call.save()
    reports = [UpwardReport(call=call, region=r) for r in sorted(recipients, key=lambda r: r.code)]
    for report in reports:
        report._history_user, report._history_date = actor, now
        report.save()
    audit(AuditEvent.TRANSITION, user=actor, request=request, obj=call,
          detail=f"report call {region.code} {year} to {','.join(r.region.code for r in reports)}")
    admins = admins_of(r.region_id for r in reports)
    issuer = _bureau_name(region)
    for report in reports:
        text = _("%(issuer)s下发报送通知：请于%(deadline)s前报送%(subject)s。") % {
            "issuer": issuer, "deadline": cn_date(call.deadline), "subject": call.subject}
        notify(users=admins[report.region_id], text=text[:300], link=report.get_absolute_url())
    return call


def _bureau_name(region: Region) -> str:
    department = hr_department(region)
    return department.name if department else _("%(region)s人力资源和社会保障局") % {"region": region.name}


def addressee(report: UpwardReport) -> str:
    """主送机关: the higher bureau that asked."""
    return _bureau_name(report.call.region)


def issuer(report: UpwardReport):
    """The reporting region's HR bureau, which signs the report and numbers it (None when none is registered)."""
    return hr_department(report.region)


def next_serial(prefix: str, year: int, *, exclude: UpwardReport | None = None) -> int:
    """The next free serial of the bureau's 文号 in the year: after its announcements and its other reports."""
    announced = Announcement.objects.filter(doc_prefix=prefix, doc_year=year).aggregate(m=Max("doc_serial"))["m"]
    reports = UpwardReport.objects.filter(doc_prefix=prefix, doc_year=year).exclude(status=ReportStatus.DRAFT)
    if exclude is not None:
        reports = reports.exclude(pk=exclude.pk)
    reported = reports.aggregate(m=Max("doc_serial"))["m"]
    return max(announced or 0, reported or 0) + 1


def serial_suggestion(report: UpwardReport) -> int | None:
    """The serial the form offers: the one typed, else the next free one of the bureau's prefix this year."""
    if report.doc_serial:
        return report.doc_serial
    department = issuer(report)
    if department is None or not department.doc_prefix:
        return None
    return next_serial(department.doc_prefix, timezone.localdate().year, exclude=report)


def report_save(*, report: UpwardReport, actor: User, publicity_text: str, doc_serial: int | None) -> UpwardReport:
    """Keep what the region typed (宣传情况, the serial of its 文号) while the report is a draft or returned."""
    if not report.is_editable:
        raise Refused(_("报告已报送，不能修改。"))
    text = publicity_text.strip()
    if len(text) > PUBLICITY_TEXT_MAX_CHARS:
        raise Refused(_("宣传情况不能超过%(max)d字。") % {"max": PUBLICITY_TEXT_MAX_CHARS})
    report.publicity_text, report.doc_serial = text, doc_serial
    report._history_user, report._change_reason = actor, _("保存草稿")
    report.save(update_fields=["publicity_text", "doc_serial", "updated_at"])
    return report


def submit_problems(report: UpwardReport, *, year: int) -> list[str]:
    """What keeps the report from being submitted, worded for the region's admin."""
    problems = []
    department = issuer(report)
    if department is None or not department.doc_prefix:
        problems.append(_("本地区人社部门未登记或未设置发文机关代字，请联系系统管理员。"))
    if not report.publicity_text.strip():
        problems.append(_("请填写宣传情况。"))
    if not report.doc_serial:
        problems.append(_("请填写文号序号。"))
    elif department is not None and department.doc_prefix and _number_taken(report, department.doc_prefix, year):
        problems.append(_("文号%(prefix)s〔%(year)d〕%(serial)d号已被使用，请换一个序号。") % {
            "prefix": department.doc_prefix, "year": year, "serial": report.doc_serial})
    return problems


def _number_taken(report: UpwardReport, prefix: str, year: int) -> bool:
    same = Q(doc_prefix=prefix, doc_year=year, doc_serial=report.doc_serial)
    return (
        Announcement.objects.filter(same).exists()
        or UpwardReport.objects.filter(same, status__in=(ReportStatus.SUBMITTED, ReportStatus.RECEIVED))
        .exclude(pk=report.pk).exists()
    )


def report_submit(*, report: UpwardReport, actor: User, now: datetime | None = None, request=None) -> UpwardReport:
    """Submit (or submit again after a return): the figures are taken now and kept with the report.

    Side effects: status → submitted (row lock, history, audit), figures, 文号 and 成文日期 saved; the higher bureau's
    admins told. Refused with the list of what is missing.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    problems = submit_problems(report, year=today.year)
    if problems:
        raise Refused("".join(problems))
    first = report.first_submitted_at or now
    fields = {
        "figures": report_figures(report.region, report.call.year, now=now), "doc_prefix": issuer(report).doc_prefix,
        "doc_year": today.year, "written_on": today, "submitted_at": now, "submitted_by": actor,
        "first_submitted_at": first,
    }
    return transition(
        report, ReportStatus.SUBMITTED, table=UpwardReport.TRANSITIONS, actor=actor, note=_("报送"), fields=fields, now=now,
        request=request, refusal=_("报告当前状态为“%(current)s”，不能报送。"), also=_tell_higher,
    )


def _tell_higher(report: UpwardReport) -> None:
    admins = admins_of([report.call.region_id])[report.call.region_id]
    text = _("%(region)s报送了%(subject)s（%(number)s），请审阅签收。") % {
        "region": report.region.name, "subject": report.call.subject, "number": report.document_number}
    notify(users=admins, text=text[:300], link=report.get_absolute_url())


def report_receive(*, report: UpwardReport, actor: User, now: datetime | None = None, request=None) -> UpwardReport:
    """签收. Side effects: status → received (history, audit); the region's admins told."""
    now = now or timezone.now()
    return transition(
        report, ReportStatus.RECEIVED, table=UpwardReport.TRANSITIONS, actor=actor, note=_("签收"), now=now,
        fields={"decided_at": now, "decided_by": actor}, request=request,
        refusal=_("报告当前状态为“%(current)s”，不能签收。"),
        also=lambda saved: _tell_lower(saved, _("%(issuer)s已签收%(region)s报送的%(subject)s。")),
    )


def report_return(*, report: UpwardReport, actor: User, reason: str, now: datetime | None = None, request=None) -> UpwardReport:
    """退回 with a reason the region reads. Side effects: status → returned (history with the reason, audit); the
    region's admins told."""
    reason = reason.strip()
    if not reason:
        raise Refused(_("请填写退回理由。"))
    now = now or timezone.now()
    return transition(
        report, ReportStatus.RETURNED, table=UpwardReport.TRANSITIONS, actor=actor, note=_("退回：%(reason)s") % {
            "reason": reason}, now=now, fields={"decided_at": now, "decided_by": actor, "return_reason": reason},
        request=request, refusal=_("报告当前状态为“%(current)s”，不能退回。"),
        also=lambda saved: _tell_lower(
            saved, _("%(issuer)s退回了%(region)s报送的%(subject)s，理由：%(reason)s。请修改后重新报送。"), reason=reason),
    )


def _tell_lower(report: UpwardReport, wording: str, **words) -> None:
    admins = admins_of([report.region_id])[report.region_id]
    text = wording % {"issuer": addressee(report), "region": report.region.name, "subject": report.call.subject, **words}
    notify(users=admins, text=text[:300], link=report.get_absolute_url())
