"""The programme pages of issue 16 point 1: a programme admin sets up the programmes of its own jurisdiction, at that
jurisdiction's level, and keeps the departments that issue them; the system administrator does both for any region.

Who may do what is portal.jurisdictions: a programme admin without a county, city or province to work for gets a
403 on the create pages; a programme or a department outside the user's remit is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import jurisdictions
from portal.enums import ProgrammeKind, Role
from portal.forms_programmes import (
    DepartmentForm,
    ProgrammeForm,
    ProgrammeRegionForm,
    department_rows,
    problems_on_form,
)
from portal.models import Department, Programme, Region
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, role_required, sees_everything, visible
from portal.services_programmes import department_save, programme_save
from portal.transitions import Refused

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
admins_only = role_required(*ADMINS)


def _region_for_new(request) -> Region | None:
    """The jurisdiction of a new programme: a programme admin's own (403 without one); the system administrator's
    choice (?region=<id>), None until it has chosen."""
    if not sees_everything(request.user):
        region = jurisdictions.admin_jurisdiction(request.user)
        if region is None:
            raise PermissionDenied
        return region
    picked = ProgrammeRegionForm(request.GET) if "region" in request.GET else None
    return picked.cleaned_data["region"] if picked is not None and picked.is_valid() else None


@admins_only
def programme_create(request):
    region = _region_for_new(request)
    if region is None:
        form = ProgrammeRegionForm(request.GET if "region" in request.GET else None)
        return render(request, "portal/programme_region.html", {"form": form})
    level = jurisdictions.programme_level(region)
    name = _("%(region)s就业服务质量%(level)s标杆机构评定") % {"region": region.name, "level": level.label}
    programme = Programme(region=region, level=level, kind=ProgrammeKind.BENCHMARK, name=name)
    return _programme_form(request, programme)


@admins_only
def programme_edit(request, pk: int):
    programme = get_object_for_user_or_404(request.user, Programme, "manage", pk=pk)
    return _programme_form(request, programme)


def _programme_form(request, programme: Programme):
    """Bind the programme's form and its departments' rows, save through the service, or show what is wrong."""
    own = Q(region=programme.region_id)
    if programme.pk:  # set up earlier (the admin site): its departments stay choosable
        own |= Q(pk__in=programme.programme_departments.values("department"))
    departments = Department.objects.filter(own).order_by("kind", "name")
    data = request.POST if request.method == "POST" else None
    form = ProgrammeForm(data, instance=programme)
    rows = department_rows(data, programme=programme, departments=departments)
    if data is not None and form.is_valid() and rows.is_valid() and not problems_on_form(form, rows):
        changed = [str(form.fields[name].label) for name in form.changed_data] + (
            [_("评定部门")] if rows.has_changed() else []
        )
        try:
            saved = programme_save(programme=form.instance, rows=rows.rows(), actor=request.user, changed=changed, request=request)
        except Refused as refusal:  # changed by someone else since the form was checked
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("评定项目“%(name)s”已保存。") % {"name": saved.name})
            return redirect(saved)
    context = {"form": form, "rows": rows, "programme": programme, "departments_exist": departments.exists()}
    if programme.pk:
        context["history"] = programme.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "portal/programme_form.html", context)


@admins_only
def department_list(request):
    departments = visible(request.user, Department, "manage").order_by("region__code", "kind", "name")
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        departments = departments.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    page, querystring = paginate(request, departments)
    jurisdiction = jurisdictions.admin_jurisdiction(request.user)
    context = {
        "page": page, "querystring": querystring, "q": query, "jurisdiction": jurisdiction,
        "can_add": sees_everything(request.user) or jurisdiction is not None,
    }
    return render(request, "portal/department_list.html", context)


@admins_only
def department_edit(request, pk: int | None = None):
    """Add a department of the user's jurisdiction, or change one it keeps (another region's: a 404)."""
    everything = sees_everything(request.user)
    if pk is not None:
        department = get_object_for_user_or_404(request.user, Department, "manage", pk=pk)
    else:
        region = None if everything else jurisdictions.admin_jurisdiction(request.user)
        if region is None and not everything:
            raise PermissionDenied
        department = Department(region=region)
    form = DepartmentForm(request.POST or None, request.FILES or None, instance=department, choose_region=everything)
    if request.method == "POST" and form.is_valid():
        changed = [str(form.fields[name].label) for name in form.changed_data]
        saved = department_save(department=form.instance, actor=request.user, changed=changed, request=request)
        messages.success(request, _("部门“%(name)s”已保存。") % {"name": saved.name})
        return redirect("department_list")
    history = department.history.select_related("history_user").order_by("-history_date")[:20] if department.pk else []
    return render(request, "portal/department_form.html", {"form": form, "department": department, "history": history})
