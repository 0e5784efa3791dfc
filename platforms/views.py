"""A platform's own pages: its staff register with the staffing ratios, its windows, its complaint phone. The
institution's users edit; the supervising admins and the system administrator read (platforms/selectors.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from platforms import selectors, services
from platforms.forms import LeaveForm, ProfileForm, StaffForm, WindowForm
from platforms.models import Qualification, ServicePoint, StaffMember
from portal.audit import AuditEvent, audit
from portal.enums import Role
from portal.exports import xlsx_response
from portal.models import Institution
from portal.permissions import get_object_for_user_or_404
from portal.transitions import Refused

STAFF_ROLES = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def platform_for(request, institution_id: int, *, edit: bool = False) -> Institution:
    """The platform, if the user keeps it (`edit`) or may read it; else a 404."""
    return get_object_for_user_or_404(request.user, Institution, "platform_edit" if edit else "platform_view", pk=institution_id)


def may_edit(user, institution) -> bool:
    return selectors.platforms_kept_by(user).filter(pk=institution.pk).exists()


@login_required
def index(request):
    """An institution's users land on their register; the supervising staff on the overview."""
    if request.user.role == Role.APPLICANT and request.user.institution_id:
        return redirect("platforms:staff", request.user.institution_id)
    return redirect("platforms:overview_staffing")


@login_required
def staff(request, institution_id):
    institution = platform_for(request, institution_id)
    members = list(StaffMember.objects.filter(institution=institution).order_by(F("left_on").asc(nulls_first=True), "name", "pk"))
    return render(request, "platforms/staff.html", {
        "institution": institution, "members": members, "staffing": selectors.staffing(institution),
        "editable": may_edit(request.user, institution), "labels": dict(Qualification.choices),
    })


@login_required
def staff_add(request, institution_id):
    institution = platform_for(request, institution_id, edit=True)
    return _staff_form(request, institution, StaffMember(institution=institution))


@login_required
def staff_edit(request, pk):
    member = get_object_for_user_or_404(request.user, StaffMember, "edit", pk=pk)
    return _staff_form(request, member.institution, member)


def _staff_form(request, institution, member):
    form = StaffForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        services.staff_save(member=form.save(commit=False), institution=institution, actor=request.user)
        messages.success(request, _("已保存工作人员 %(name)s。") % {"name": member.name})
        return redirect("platforms:staff", institution.pk)
    return render(request, "platforms/form.html", {
        "institution": institution, "form": form, "back": "platforms:staff",
        "title": _("修改工作人员") if member.pk else _("登记工作人员"),
    })


@login_required
@require_POST
def staff_leave(request, pk):
    member = get_object_for_user_or_404(request.user, StaffMember, "edit", pk=pk)
    form = LeaveForm(request.POST)
    try:
        if not form.is_valid():
            raise Refused(_("请填写正确的离岗日期。"))
        services.staff_leave(member=member, actor=request.user, on=form.cleaned_data["left_on"], request=request)
        messages.success(request, _("已记录 %(name)s 离岗，不再计入配备比例。") % {"name": member.name})
    except Refused as refusal:
        messages.error(request, str(refusal))
    return redirect("platforms:staff", member.institution_id)


@login_required
def staff_export(request, institution_id):
    institution = platform_for(request, institution_id)
    members = StaffMember.objects.filter(institution=institution).order_by(F("left_on").asc(nulls_first=True), "name", "pk")
    rows = [
        (n, m.name, m.position, m.staff_number, "、".join(str(Qualification(q).label) for q in m.qualifications or []),
         m.joined_on.isoformat() if m.joined_on else "", m.left_on.isoformat() if m.left_on else _("在岗"))
        for n, m in enumerate(members, start=1)
    ]
    audit(AuditEvent.EXPORT, request=request, obj=institution, detail="platform staff register")
    headers = [_("序号"), _("姓名"), _("岗位"), _("工号"), _("资格证书"), _("到岗日期"), _("离岗日期")]
    return xlsx_response(filename=f"{institution.name}-工作人员台账.xlsx", title=_("工作人员台账"), headers=headers,
                         rows=rows, widths=[6, 12, 20, 10, 36, 12, 12])


@login_required
def windows(request, institution_id):
    institution = platform_for(request, institution_id)
    return render(request, "platforms/windows.html", {
        "institution": institution, "windows": ServicePoint.objects.filter(institution=institution).order_by("-is_active", "name"),
        "profile": services.profile_for(institution), "editable": may_edit(request.user, institution),
    })


@login_required
def window_add(request, institution_id):
    institution = platform_for(request, institution_id, edit=True)
    return _window_form(request, institution, ServicePoint(institution=institution))


@login_required
def window_edit(request, pk):
    window = get_object_for_user_or_404(request.user, ServicePoint, "edit", pk=pk)
    return _window_form(request, window.institution, window)


def _window_form(request, institution, window):
    form = WindowForm(request.POST or None, instance=window, institution=institution)
    if request.method == "POST" and form.is_valid():
        services.window_save(window=form.save(commit=False), institution=institution, actor=request.user)
        messages.success(request, _("已保存窗口“%(name)s”。") % {"name": window.name})
        return redirect("platforms:windows", institution.pk)
    return render(request, "platforms/form.html", {
        "institution": institution, "form": form, "back": "platforms:windows",
        "title": _("修改服务窗口") if window.pk else _("新增服务窗口"),
    })


@login_required
@require_POST
def window_active(request, pk):
    window = get_object_for_user_or_404(request.user, ServicePoint, "edit", pk=pk)
    active = request.POST.get("active") == "1"
    services.window_set_active(window=window, actor=request.user, active=active, request=request)
    messages.success(request, (_("已启用窗口“%(name)s”。") if active else _("已停用窗口“%(name)s”，其二维码不再接受评价。")) % {"name": window.name})
    return redirect("platforms:windows", window.institution_id)


@login_required
def profile(request, institution_id):
    institution = platform_for(request, institution_id, edit=True)
    form = ProfileForm(request.POST or None, instance=services.profile_for(institution))
    if request.method == "POST" and form.is_valid():
        services.profile_save(profile=form.save(commit=False), actor=request.user)
        messages.success(request, _("已保存投诉电话。"))
        return redirect("platforms:windows", institution.pk)
    return render(request, "platforms/form.html", {
        "institution": institution, "form": form, "back": "platforms:windows", "title": _("投诉电话"),
    })
