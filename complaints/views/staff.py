"""Staff pages: the complaint list (with export), the phone log, a complaint's page and the handler's steps.

Access: portal.permissions remits of complaints.selectors; anyone else gets a 404. Name and phone are masked here.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import forms as f
from complaints import services
from complaints.enums import Channel, ComplaintStatus
from complaints.models import Complaint
from complaints.selectors import complaint_list
from complaints.views.public import _filing
from portal.audit import AuditEvent, audit
from portal.display import mask_phone
from portal.enums import Role
from portal.exports import xlsx_response
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, role_required, visible
from portal.transitions import Refused

STAFF_ROLES = (Role.APPLICANT, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def mask_name(name: str) -> str:
    """张三丰 → 张**: the family name only."""
    return name[:1] + "*" * (len(name) - 1) if name else ""


def _filters(request) -> dict:
    status = request.GET.get("status", "")
    return {
        "status": status if status in ComplaintStatus.values else "",
        "query": request.GET.get("q", "").strip()[:50],
        "missed": request.GET.get("missed") == "1",
    }


@login_required
@role_required(*STAFF_ROLES)
def complaint_index(request):
    filters = _filters(request)
    page, query = paginate(request, complaint_list(request.user, **filters))
    context = {"page": page, "querystring": query, "filters": filters, "statuses": ComplaintStatus.choices, "now": timezone.now(),
               "may_log": request.user.role == Role.APPLICANT and request.user.institution_id}
    return render(request, "complaints/staff_list.html", context)


@login_required
@role_required(*STAFF_ROLES)
def complaint_export(request):
    complaints = complaint_list(request.user, **_filters(request))
    audit(AuditEvent.EXPORT, request=request, detail=f"complaints ({complaints.count()})")
    now = timezone.now()
    rows = (
        [c.receipt_number, c.institution.name, c.get_channel_display(), timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"),
         mask_name(c.complainant_name), mask_phone(c.complainant_phone), c.facts, c.get_status_display(),
         _("是") if c.first_answer_missed(now) else _("否"), c.handling_deadline or "",
         {True: _("查实"), False: _("未查实")}.get(c.substantiated, ""), c.staff_member.name if c.staff_member else c.staff_named]
        for c in complaints
    )
    headers = [_("回执号"), _("机构"), _("渠道"), _("收到时间"), _("投诉人"), _("联系电话"), _("投诉事项"), _("状态"),
               _("回音逾期"), _("处理时限"), _("结论"), _("被投诉工作人员")]
    return xlsx_response(filename="complaints.xlsx", title=_("群众投诉"), headers=headers, rows=rows)


@login_required
@role_required(Role.APPLICANT)
def phone_new(request):
    institution = request.user.institution
    if institution is None:
        return redirect("complaints:index")
    form = f.PhoneComplaintForm(request.POST or None, institution=institution)
    if request.method == "POST" and form.is_valid():
        try:
            complaint, _token = services.complaint_file(
                institution=institution, channel=Channel.PHONE, filing=_filing(form),
                received_at=form.cleaned_data["received_at"], actor=request.user, request=request,
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已登记，回执号 %(receipt)s，请告知投诉人。") % {"receipt": complaint.receipt_number})
            return redirect(complaint)
    return render(request, "complaints/phone_form.html", {"form": form})


def _detail_context(request, complaint: Complaint, **forms) -> dict:
    may_handle = visible(request.user, Complaint, "handle").filter(pk=complaint.pk).exists()
    institution = complaint.institution
    return {
        "complaint": complaint, "may_handle": may_handle, "now": timezone.now(),
        "masked_name": mask_name(complaint.complainant_name), "masked_phone": mask_phone(complaint.complainant_phone),
        "history": complaint.history.select_related("history_user").order_by("history_date", "history_id"),
        "answer_form": forms.get("answer_form") or f.AnswerForm(),
        "conclude_form": forms.get("conclude_form") or f.ConcludeForm(institution=institution,
                                                                       initial={"staff_member": complaint.staff_member_id}),
        "tell_form": forms.get("tell_form") or f.TellForm(),
        "publish_form": forms.get("publish_form") or f.PublishForm(),
    }


@login_required
@role_required(*STAFF_ROLES)
def complaint_detail(request, pk: int):
    complaint = get_object_for_user_or_404(request.user, Complaint, "view", pk=pk)
    return render(request, "complaints/staff_detail.html", _detail_context(request, complaint))


def _step(request, pk: int, form_class, form_name: str, act):
    """A handler's step: the complaint within the handler's remit, the form, the service; errors shown on the page."""
    complaint = get_object_for_user_or_404(request.user, Complaint, "handle", pk=pk)
    kwargs = {"institution": complaint.institution} if form_class is f.ConcludeForm else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            act(complaint, form.cleaned_data)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存。"))
            return redirect(complaint)
    return render(request, "complaints/staff_detail.html", _detail_context(request, complaint, **{form_name: form}), status=400)


@require_POST
@login_required
@role_required(*STAFF_ROLES)
def complaint_answer(request, pk: int):
    return _step(request, pk, f.AnswerForm, "answer_form", lambda c, d: services.complaint_answer(
        complaint=c, actor=request.user, text=d["text"], handling_deadline=d["handling_deadline"], request=request))


@require_POST
@login_required
@role_required(*STAFF_ROLES)
def complaint_conclude(request, pk: int):
    return _step(request, pk, f.ConcludeForm, "conclude_form", lambda c, d: services.complaint_conclude(
        complaint=c, actor=request.user, substantiated=d["substantiated"], findings=d["findings"],
        staff_member=d["staff_member"], correction_deadline=d["correction_deadline"], request=request))


@require_POST
@login_required
@role_required(*STAFF_ROLES)
def complaint_tell(request, pk: int):
    return _step(request, pk, f.TellForm, "tell_form", lambda c, d: services.complaint_tell(
        complaint=c, actor=request.user, how=d["how"], told_at=d["told_at"], request=request))


@require_POST
@login_required
@role_required(*STAFF_ROLES)
def complaint_publish(request, pk: int):
    return _step(request, pk, f.PublishForm, "publish_form", lambda c, d: services.complaint_publish(
        complaint=c, actor=request.user, summary=d["summary"], outcome=d["outcome"], request=request))


@require_POST
@login_required
@role_required(*STAFF_ROLES)
def complaint_identity(request, pk: int):
    complaint = get_object_for_user_or_404(request.user, Complaint, "handle", pk=pk)
    identity = services.complaint_identity_view(complaint=complaint, actor=request.user, request=request)
    response = render(request, "complaints/staff_identity.html", {"complaint": complaint, "identity": identity})
    response["Cache-Control"] = "private, no-store"
    return response
