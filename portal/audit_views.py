"""The audit administrator's pages (docs/security.md 7–9): read, search, export and verify the audit log.

Nobody changes audit records here or anywhere: the pages only read, and each export and each verification writes a
record of its own.
"""

import ipaddress
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from portal.audit import AuditEvent, audit
from portal.audit_check import audit_log_verify
from portal.exports import xlsx_response
from portal.models import AuditRecord
from portal.pagination import paginate

EXPORT_MAX_ROWS = 50_000


def _clean_text(value: str) -> str:
    """PostgreSQL refuses NUL; no search needs more than 100 characters (docs/security.md 12)."""
    return value.replace("\x00", "").strip()[:100]


class AuditFilterForm(forms.Form):
    event = forms.ChoiceField(label=gettext_lazy("事件"), required=False)
    username = forms.CharField(label=gettext_lazy("用户名"), required=False, max_length=150)
    source_ip = forms.CharField(label=gettext_lazy("来源IP"), required=False, max_length=45)
    success = forms.ChoiceField(
        label=gettext_lazy("结果"),
        required=False,
        choices=[("", gettext_lazy("全部")), ("1", gettext_lazy("成功")), ("0", gettext_lazy("失败"))],
    )
    date_from = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=gettext_lazy("对象或详情包含"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("全部"))] + list(AuditEvent.choices)

    def records(self):
        rows = AuditRecord.objects.order_by("-id")
        if not self.is_valid():
            return rows.none()
        data = self.cleaned_data
        if data["event"]:
            rows = rows.filter(event=data["event"])
        if username := _clean_text(data["username"]):
            rows = rows.filter(username__icontains=username)
        if source_ip := _clean_text(data["source_ip"]):
            rows = rows.filter(source_ip=source_ip) if _is_address(source_ip) else rows.none()
        if data["success"] in ("0", "1"):
            rows = rows.filter(success=data["success"] == "1")
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            rows = rows.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tzinfo=tz))
        if data["date_to"]:
            rows = rows.filter(created_at__lt=datetime.combine(data["date_to"] + timedelta(days=1), time.min, tzinfo=tz))
        if q := _clean_text(data["q"]):
            rows = rows.filter(Q(object_id=q) | Q(object_type__icontains=q) | Q(detail__icontains=q))
        return rows


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True



@login_required
@permission_required("portal.view_auditrecord", raise_exception=True)
@require_safe
def audit_log(request):
    form = AuditFilterForm(request.GET)
    page, querystring = paginate(request, form.records())
    context = {
        "form": form,
        "page": page,
        "querystring": querystring,
        "may_export": request.user.has_perm("portal.export_auditrecord"),
        "may_verify": request.user.has_perm("portal.verify_auditrecord"),
        "total": AuditRecord.objects.count(),
    }
    return render(request, "security/audit_log.html", context)


@login_required
@permission_required("portal.export_auditrecord", raise_exception=True)
@require_safe
def audit_export(request):
    form = AuditFilterForm(request.GET)
    records = form.records()[:EXPORT_MAX_ROWS]
    rows = [
        [
            r.pk, timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M:%S"), r.get_event_display(), r.username,
            r.source_ip or "", r.object_type, r.object_id, _("成功") if r.success else _("失败"), r.detail, r.hash,
        ]
        for r in records.iterator(chunk_size=2000)
    ]
    audit(AuditEvent.EXPORT, request=request, detail=f"audit log xlsx: {len(rows)} rows ({request.GET.urlencode()[:300]})")
    headers = [_("序号"), _("时间"), _("事件"), _("用户名"), _("来源IP"), _("对象类型"), _("对象ID"), _("结果"), _("详情"), _("摘要")]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(
        filename=f"审计记录-{stamp}.xlsx", title=_("审计记录"), headers=headers, rows=rows,
        widths=[8, 20, 14, 16, 16, 24, 10, 8, 60, 20],
    )


@login_required
@permission_required("portal.verify_auditrecord", raise_exception=True)
@require_POST
def audit_verify(request):
    report = audit_log_verify()
    anchors = len(report.trusted_anchors)
    if not report.faults:
        audit(AuditEvent.AUDIT_VERIFY, request=request, detail=f"chain intact: {report.count} records, {anchors} anchors")
        messages.success(
            request, _("审计记录完整：共 %(count)d 条，与 %(anchors)d 个锚点一致。") % {"count": report.count, "anchors": anchors}
        )
    else:
        first = report.first_fault
        audit(
            AuditEvent.AUDIT_VERIFY, request=request, success=False,
            detail=f"{len(report.faults)} faults; first: {first.kind} at #{first.position}",
        )
        messages.error(
            request,
            _("审计记录校验失败，共 %(count)d 处问题；第一处：%(first)s") % {"count": len(report.faults), "first": first.describe()},
        )
    return redirect("audit_log")
