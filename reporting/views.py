"""The pages of the upward reports: a region's own reports (write, preview, download, submit), the calls a city or
province issued with the overview of each (receive, return), and the documents. Each object is fetched within the
user's remit (reporting.selectors): a 404 otherwise; roles that have no part in reporting get a 403."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, role_required, visible
from portal.transitions import Refused
from reporting import documents, services
from reporting.content import annex_title, report_content, report_paragraphs, report_title
from reporting.enums import ReportStatus, Timeliness
from reporting.forms import CallForm, ReportForm, ReturnForm
from reporting.models import ReportCall, UpwardReport
from reporting.selectors import call_counts, call_rows, issuing_region, recipients_of, timeliness

READERS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN, Role.VIEWER)


def _acts(user) -> bool:
    """A bureau's admin: the role of the views that issue, write, submit, receive and return (the superuser passes)."""
    return user.is_superuser or user.role == Role.PROGRAMME_ADMIN


def _holds(user, report: UpwardReport, action: str) -> bool:
    """Whether the user may write (`manage`) or decide (`decide`) the report."""
    return _acts(user) and visible(user, UpwardReport, action).filter(pk=report.pk).exists()


def _live(user, report: UpwardReport) -> bool:
    """Whether the report shows the figures of today as a draft: never submitted, or its region's working copy."""
    return not report.was_submitted or (report.is_editable and _holds(user, report, "manage"))


@role_required(Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
@require_safe
def report_list(request):
    reports = visible(request.user, UpwardReport, "manage").order_by("-call__year", "call__deadline", "region__code")
    page, querystring = paginate(request, reports)
    today = timezone.localdate()
    rows = [{"report": report, "timeliness": timeliness(report, today)} for report in page.object_list]
    context = {"page": page, "querystring": querystring, "rows": rows, "may_issue": issuing_region(request.user) is not None}
    return render(request, "reporting/report_list.html", context)


@role_required(*READERS)
@require_safe
def call_list(request):
    calls = call_counts(visible(request.user, ReportCall)).order_by("-year", "region__code")
    page, querystring = paginate(request, calls)
    context = {"page": page, "querystring": querystring, "may_issue": issuing_region(request.user) is not None}
    return render(request, "reporting/call_list.html", context)


@role_required(Role.PROGRAMME_ADMIN)
def call_create(request):
    region = issuing_region(request.user)
    if region is None:  # only a city's or a province's bureau asks the level below
        raise PermissionDenied
    form = CallForm(request.POST or None, recipients=recipients_of(region))
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_issue(region=region, actor=request.user, request=request, **form.cleaned_data)
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("报送通知已下发，各报送单位已收到通知。"))
            return redirect(call)
    status = 400 if request.method == "POST" else 200
    return render(request, "reporting/call_form.html", {"form": form, "region": region}, status=status)


@role_required(*READERS)
@require_safe
def call_detail(request, pk: int):
    call = get_object_for_user_or_404(request.user, ReportCall, pk=pk)
    rows = call_rows(call)
    page, querystring = paginate(request, rows, per_page=50)
    counts = {kind: sum(1 for row in rows if row["timeliness"] == kind) for kind in Timeliness}
    context = {
        "call": call, "page": page, "querystring": querystring, "counts": counts,
        "waiting": sum(1 for row in rows if row["report"].status == ReportStatus.SUBMITTED),
        "may_decide": _acts(request.user) and visible(request.user, ReportCall, "manage").filter(pk=call.pk).exists(),
    }
    return render(request, "reporting/call_detail.html", context)


@role_required(*READERS)
@require_safe
def call_xlsx(request, pk: int):
    call = get_object_for_user_or_404(request.user, ReportCall, pk=pk)
    rows = call_rows(call)
    audit(AuditEvent.EXPORT, request=request, obj=call, detail=f"report call overview xlsx: {len(rows)} rows")
    return documents.call_xlsx(call, rows)


def _detail(request, report: UpwardReport, *, form=None, return_form=None, status=200):
    """The report's page: the preview (live while its own region may still change it), the region's form, the
    higher bureau's decision."""
    may_write = report.is_editable and _holds(request.user, report, "manage")
    live = _live(request.user, report)
    figures = report_content(report, live=live)
    initial = {"publicity_text": report.publicity_text, "doc_serial": services.serial_suggestion(report)}
    department, addressee = services.issuer(report), services.addressee(report)
    context = {
        "report": report, "figures": figures, "live": live, "title": report_title(figures), "addressee": addressee,
        "annex_title": annex_title(figures),
        "paragraphs": report_paragraphs(report, figures, addressee=addressee),
        "document_number": documents.document_number(report, live=live),
        "timeliness": timeliness(report), "may_write": may_write,
        "may_decide": report.status == ReportStatus.SUBMITTED and _holds(request.user, report, "decide"),
        "no_issuer": department is None or not department.doc_prefix,
        "form": form or ReportForm(initial=initial), "return_form": return_form or ReturnForm(),
    }
    return render(request, "reporting/report_detail.html", context, status=status)


@role_required(*READERS)
@require_safe
def report_detail(request, pk: int):
    return _detail(request, get_object_for_user_or_404(request.user, UpwardReport, pk=pk))


@role_required(Role.PROGRAMME_ADMIN)
@require_POST
def report_write(request, pk: int):
    """Save the draft; with action=submit, submit it too (the draft is kept whatever the submission answers)."""
    report = get_object_for_user_or_404(request.user, UpwardReport, "manage", pk=pk)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _detail(request, report, form=form, status=400)
    submitting = request.POST.get("action") == "submit"
    try:
        services.report_save(report=report, actor=request.user, **form.cleaned_data)
        if submitting:
            report = services.report_submit(report=report, actor=request.user, request=request)
    except Refused as error:
        messages.error(request, str(error))
        return _detail(request, report, form=form, status=400)
    messages.success(request, _("报告已报送，上级人社局已收到通知。") if submitting else _("草稿已保存。"))
    return redirect(report)


@role_required(Role.PROGRAMME_ADMIN)
@require_POST
def report_receive(request, pk: int):
    report = get_object_for_user_or_404(request.user, UpwardReport, "decide", pk=pk)
    try:
        services.report_receive(report=report, actor=request.user, request=request)
    except Refused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已签收%(region)s的报告。") % {"region": report.region.name})
    return redirect(report.call)


@role_required(Role.PROGRAMME_ADMIN)
@require_POST
def report_return(request, pk: int):
    report = get_object_for_user_or_404(request.user, UpwardReport, "decide", pk=pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("请填写退回理由（不超过1000字）。"))
        services.report_return(report=report, actor=request.user, reason=form.cleaned_data["reason"], request=request)
    except Refused as error:
        messages.error(request, str(error))
        return _detail(request, report, return_form=form, status=400)
    messages.success(request, _("已退回%(region)s的报告，对方已收到退回理由。") % {"region": report.region.name})
    return redirect(report.call)


def _document(request, pk: int):
    """The report to download, and whether it is the region's live draft (else the submitted snapshot)."""
    report = get_object_for_user_or_404(request.user, UpwardReport, pk=pk)
    live = _live(request.user, report)
    return report, live, report_content(report, live=live)


@role_required(*READERS)
@require_safe
def report_pdf(request, pk: int):
    report, live, figures = _document(request, pk)
    audit(AuditEvent.EXPORT, request=request, obj=report, detail=f"upward report pdf{' draft' if live else ''}")
    response = HttpResponse(documents.report_pdf(report, figures, live=live), content_type="application/pdf")
    name = documents.document_number(report, live=live) or str(report)
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=f"{name}.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*READERS)
@require_safe
def report_xlsx(request, pk: int):
    report, live, figures = _document(request, pk)
    audit(AuditEvent.EXPORT, request=request, obj=report, detail=f"upward report xlsx{' draft' if live else ''}")
    return documents.report_xlsx(report, figures, live=live)
