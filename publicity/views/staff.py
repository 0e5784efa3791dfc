"""Staff pages of publicity: publishing a round's notice, and handling objections (seed 000 五.3–五.4)."""

from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal.audit import AuditEvent, audit
from portal.display import mask_id_number, mask_phone
from portal.enums import Role
from portal.exports import xlsx_response
from portal.models import Programme, Round
from portal.pagination import paginate
from portal.permissions import effective_role, get_object_for_user_or_404, role_required
from portal.transitions import Refused
from publicity import selectors, services
from publicity.enums import ObjectionStatus, ObjectorType
from publicity.forms import AssignForm, DecideForm, GrantForm, NoticePublishForm, PublicitySettingsForm
from publicity.identity_access import identity_access_request
from publicity.models import Objection

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
STAFF = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN, Role.DEPARTMENT_LEAD)


@role_required(*ADMINS)
def round_publicity(request, round_pk: int):
    """The round's publicity: publish the frozen shortlist, follow the notices and objections, adjust the list."""
    round = get_object_for_user_or_404(request.user, Round, "manage", pk=round_pk)
    latest = services.latest_notice(round)
    adjusting = latest is not None and latest.entries.filter(disqualified_at__isnull=False).exists() and not latest.adjusted_by.exists()
    can_publish = latest is None or adjusting
    form = None
    if can_publish:
        initial = services.notice_draft(round, replaces=latest if adjusting else None)
        form = NoticePublishForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                notice = services.notice_publish(
                    round=round, actor=request.user, replaces=latest if adjusting else None, request=request, **form.cleaned_data
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("公示已发布：%(period)s。") % {"period": notice.period_label})
                return redirect("publicity:round", round_pk=round.pk)
    elif request.method == "POST":  # published meanwhile (a second click), or nothing to adjust
        raise PermissionDenied(_("本批次已发布公示，当前没有需要发布的名单；有机构被取消资格时，可在此发布调整后名单。"))
    shortlist = getattr(round, "shortlist", None)
    preview = None
    if can_publish:
        if adjusting:
            kept, replacements = services.adjusted_list(latest)
            preview = {"kept": kept, "replacements": replacements}
        else:
            preview = {"kept": list(shortlist.entries.select_related("application__institution__region")) if shortlist else [], "replacements": []}
        preview["count"] = len(preview["kept"]) + len(preview["replacements"])
        try:
            preview["period"] = services.publicity_period(timezone.localdate(), round.programme.publicity_days)
        except Refused as error:
            preview["period_error"] = str(error)
    context = {
        "round": round,
        "notices": selectors.round_notices(round),
        "latest": latest,
        "adjusting": adjusting,
        "form": form,
        "preview": preview,
        "shortlist": shortlist,
        "blockers": services.publicity_blockers(round),
    }
    return render(request, "publicity/round_publicity.html", context)


def _masked_name(objection) -> str:
    name = objection.name
    if not name:
        return _("（已清除）") if objection.identity_purged_at else ""
    return name[0] + "*" * min(len(name) - 1, 6) if len(name) > 1 else "*"


def masked_identity(objection) -> dict[str, str]:
    """What staff without the permission see: type, 张*, 138****1234, 370322********1234."""
    return {
        "type": objection.get_objector_type_display(),
        "name": _masked_name(objection),
        "phone": mask_phone(objection.phone),
        "id_number": mask_id_number(objection.id_number) if objection.id_number else "",
        "contact_person": (objection.contact_person[:1] + "*") if objection.contact_person else "",
    }


def section_title(user) -> str:
    """The objection pages' name as the user's navigation has it: a department lead verifies (异议核查), the
    programme's admins handle (异议办理)."""
    return _("异议核查") if effective_role(user) == Role.DEPARTMENT_LEAD else _("异议办理")


@role_required(*STAFF)
@require_safe
def objection_list(request):
    objections = selectors.objections_for_user(request.user)
    status = request.GET.get("status", "")
    if status in ObjectionStatus.values:
        objections = objections.filter(status=status)
    notice_pk = request.GET.get("notice", "")
    if notice_pk.isascii() and notice_pk.isdigit() and len(notice_pk) < 18:
        objections = objections.filter(notice_id=int(notice_pk))
    if request.GET.get("format") == "xlsx":
        return _export(request, objections, with_identity=request.GET.get("identities") == "1")
    page, query = paginate(request, objections)
    rows = [{"objection": o, "masked": masked_identity(o)} for o in page.object_list]
    context = {
        "page": page, "rows": rows, "querystring": query, "status": status, "statuses": ObjectionStatus.choices,
        "section_title": section_title(request.user),
    }
    return render(request, "publicity/objection_list.html", context)


def _export(request, objections, *, with_identity: bool):
    """Objections without identities; with them only in the rows where the user holds the permission."""
    headers = [_("回执号"), _("公示"), _("被异议机构"), _("异议人类型"), _("异议人"), _("联系电话"), _("身份证号码"),
               _("提交时间"), _("状态"), _("经办人"), _("办理期限"), _("办结时间"), _("答复意见")]
    rows, clear = [], 0
    for o in objections:
        show = with_identity and services.may_see_identity(request.user, o)
        masked = masked_identity(o)
        clear += show
        rows.append([
            o.receipt_number, o.notice.title, o.entry.institution_name, o.get_objector_type_display(),
            o.name if show else masked["name"], o.phone if show else masked["phone"],
            o.id_number if show else masked["id_number"],
            timezone.localtime(o.submitted_at).strftime("%Y-%m-%d %H:%M"), o.get_status_display(),
            o.handler.full_name if o.handler else "", o.deadline.isoformat() if o.deadline else "",
            timezone.localtime(o.decided_at).strftime("%Y-%m-%d %H:%M") if o.decided_at else "", o.reply,
        ])
    audit(AuditEvent.EXPORT, request=request, detail=f"objections xlsx: {len(rows)} rows, {clear} with identity")
    if clear:
        audit(AuditEvent.PERSONAL_DATA_VIEW, request=request, detail=f"objections xlsx: {clear} identities in clear")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(filename=f"异议办理-{stamp}.xlsx", title=_("异议办理"), headers=headers, rows=rows)


@role_required(*STAFF)
@require_safe
def objection_detail(request, pk: int):
    objection = get_object_for_user_or_404(request.user, Objection, pk=pk)
    return render(request, "publicity/objection_detail.html", _detail_context(request, objection))


def _detail_context(request, objection, decide_form=None) -> dict:
    administers = selectors.user_administers(request.user, objection)
    programme = objection.notice.programme
    is_handler = objection.handler_id == request.user.pk
    return {
        "objection": objection,
        "section_title": section_title(request.user),
        "masked": masked_identity(objection),
        "may_see_identity": services.may_see_identity(request.user, objection),
        "administers": administers,
        "assign_form": AssignForm(programme=programme) if administers and not objection.is_closed else None,
        "grant_form": GrantForm(programme=programme) if administers and not objection.identity_purged_at else None,
        "decide_form": (decide_form or DecideForm())
        if objection.status == ObjectionStatus.VERIFYING and (administers or is_handler)
        else None,
        "evidence": objection.evidence.all(),
        "identity_requests": objection.identity_requests.select_related("grantee", "requested_by", "decided_by")
        if administers
        else (),
        "history": objection.history.select_related("history_user").order_by("-history_date")[:30],
        "organisation": objection.objector_type == ObjectorType.ORGANISATION,
    }


def _redirect_detail(objection):
    return redirect("publicity:objection", pk=objection.pk)


def _administer(request, pk: int, form_class, act, done: str):
    """A programme admin's POST on an objection: its form, one service call, a message, back to the objection."""
    objection = get_object_for_user_or_404(request.user, Objection, pk=pk)
    if not selectors.user_administers(request.user, objection):
        raise PermissionDenied
    form = form_class(request.POST, programme=objection.notice.programme)
    if form.is_valid():
        try:
            act(objection, form.cleaned_data)
            messages.success(request, done)
        except Refused as error:
            messages.error(request, str(error))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return _redirect_detail(objection)


@role_required(*ADMINS)
@require_POST
def objection_assign(request, pk: int):
    def act(objection, data):
        services.objection_assign(objection=objection, actor=request.user, request=request, **data)

    return _administer(request, pk, AssignForm, act, _("已交办核查。"))


@role_required(*ADMINS)
@require_POST
def objection_grant(request, pk: int):
    def act(objection, data):
        identity_access_request(
            objection=objection, grantee=data["user"], actor=request.user, reason=data["reason"], request=request
        )

    return _administer(request, pk, GrantForm, act, _("查看异议人身份的申请已提交，待安全管理员审批。"))


@role_required(*STAFF)
@require_POST
def objection_decide(request, pk: int):
    objection = get_object_for_user_or_404(request.user, Objection, pk=pk)
    if not (selectors.user_administers(request.user, objection) or objection.handler_id == request.user.pk):
        raise PermissionDenied
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.objection_decide(
                objection=objection,
                upheld=form.cleaned_data["outcome"] == "upheld",
                findings=form.cleaned_data["findings"],
                reply=form.cleaned_data["reply"],
                actor=request.user,
                request=request,
            )
            messages.success(request, _("异议已办结。答复将通知异议人，异议人也可通过回执链接查看。"))
        except Refused as error:
            messages.error(request, str(error))
        return _redirect_detail(objection)
    return render(request, "publicity/objection_detail.html", _detail_context(request, objection, form), status=400)


@role_required(*STAFF)
@require_POST
def objection_identity(request, pk: int):
    """The identity in clear, on a page of its own (never cached), after an audited check of the permission."""
    objection = get_object_for_user_or_404(request.user, Objection, pk=pk)
    try:
        identity = services.identity_reveal(objection=objection, user=request.user, request=request)
    except PermissionError:
        raise PermissionDenied
    response = render(request, "publicity/objection_identity.html", {"objection": objection, "identity": identity})
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*STAFF)
@require_safe
def objection_file(request, pk: int, file_pk: int):
    objection = get_object_for_user_or_404(request.user, Objection, pk=pk)
    evidence = get_object_or_404(objection.evidence, pk=file_pk)
    return _download(evidence.file, evidence.original_name, evidence.content_type)


@role_required(*STAFF)
@require_safe
def objection_seal(request, pk: int):
    """The organisation's sealed statement names the objector: only for holders of the permission, audited."""
    objection = get_object_for_user_or_404(request.user, Objection, pk=pk)
    if not objection.seal:
        raise PermissionDenied
    try:
        services.identity_reveal(objection=objection, user=request.user, request=request)
    except PermissionError:
        raise PermissionDenied
    return _download(objection.seal, f"{objection.receipt_number}-seal{PurePath(objection.seal.name).suffix}", "application/octet-stream")


def _download(file, name, content_type):
    response = FileResponse(file.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response



@role_required(*ADMINS)
def programme_settings(request, pk: int):
    """The programme's publicity settings: working days, whether objectors give an ID number, the two templates."""
    programme = get_object_for_user_or_404(request.user, Programme, "manage", pk=pk)
    form = PublicitySettingsForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_templates_save(
                programme=Programme.objects.get(pk=programme.pk), actor=request.user, **form.cleaned_data
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存公示与公布设置。"))
            return redirect("publicity:programme_settings", pk=programme.pk)
    context = {
        "programme": programme,
        "form": form,
        "history": programme.history.select_related("history_user").order_by("-history_date")[:10],
    }
    return render(request, "publicity/programme_settings.html", context)
