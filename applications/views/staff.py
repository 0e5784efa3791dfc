"""The programme admin's side: a round's applications, return / accept / reject, institutions and their staff."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import selectors, services, table_cache
from applications.enums import ApplicationStatus
from applications.exports import round_applications_xlsx
from applications.forms import (
    AcceptForm,
    InstitutionDecisionForm,
    InviteStaffForm,
    RejectForm,
    ReturnForm,
    RoundFilterForm,
)
from applications.models import Application
from portal import services as portal_services
from portal.audit import AuditEvent, audit
from portal.enums import InstitutionKind, InstitutionStatus, Role
from portal.models import Institution, Region, Round, User
from portal.pagination import paginate
from portal.permissions import (
    check_object_for_user_or_404,
    get_object_for_user_or_404,
    manages_programme,
    role_required,
    sees_everything,
    visible,
)
from portal.transitions import Refused

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def _managed_application(request, pk: int):
    application = get_object_for_user_or_404(request.user, Application, pk=pk)
    if not manages_programme(request.user, application.round.programme):
        raise PermissionDenied
    return application


_PLACEHOLDER = 987654321


def _label_rows(applications) -> None:
    """Give each row of a page its attachment count, labels and link: one query, and the labels and the URL pattern
    built once per page rather than per row (`get_*_display` builds its choices dict on every call)."""
    selectors.set_attachment_counts(applications)
    statuses = {value: str(label) for value, label in ApplicationStatus.choices}
    kinds = {value: str(label) for value, label in InstitutionKind.choices}
    head, _placeholder, tail = reverse("applications:detail", args=[_PLACEHOLDER]).rpartition(str(_PLACEHOLDER))
    for application in applications:
        application.status_label = statuses.get(application.status, application.status)
        application.kind_label = kinds.get(application.institution.kind, application.institution.kind)
        application.url = f"{head}{application.pk}{tail}"


@role_required(*ADMINS)
def round_applications(request, pk: int):
    """A round's applications: search, filters in the URL, sorting, pagination, and the Excel export.

    The page's content (the round's heading and table) is cached as rendered until the round or an application of it
    changes (applications/table_cache.py), and only read after the permission check.
    """
    if request.GET.get("export") == "xlsx":
        return _round_export(request, get_object_for_user_or_404(request.user, Round, "manage", pk=pk))
    check_object_for_user_or_404(request.user, Round, "manage", pk=pk)
    key, versions, page = table_cache.get(
        pk,
        query=request.GET.urlencode(),
        per_page=settings.PAGINATE_BY,
        language=get_language(),
        scope="all" if sees_everything(request.user) else "programme",
    )
    if page is None:
        round = get_object_for_user_or_404(request.user, Round, "manage", pk=pk)
        page = (_("%(name)s申报列表") % {"name": round.name}, _round_page(request, round))
        table_cache.put(key, versions, page)
    title, body = page
    return render(request, "applications/round_applications.html", {"title": title, "body": mark_safe(body)})


def _round_export(request, round):
    filter_form = _round_filter_form(request, round)
    rows = selectors.with_attachment_counts(selectors.round_application_table(round, **filter_form.filters()))
    audit(AuditEvent.EXPORT, request=request, obj=round, detail=f"round_applications xlsx rows={rows.count()}")
    return round_applications_xlsx(round, rows, user=request.user)


def _round_filter_form(request, round) -> RoundFilterForm:
    regions = Region.objects.filter(institutions__applications__round=round).distinct()
    return RoundFilterForm(request.GET or None, statuses=ApplicationStatus.choices, regions=regions)


def _round_page(request, round) -> str:
    """The round's heading and table, as cached (templates/applications/_round_page.html)."""
    filter_form = _round_filter_form(request, round)
    rows = selectors.round_application_table(round, **filter_form.filters())
    page, querystring = paginate(request, rows)
    page.object_list = list(page.object_list)
    _label_rows(page.object_list)
    counts = selectors.round_status_counts(round)
    status_counts = [{"value": v, "label": label, "count": counts.get(v, 0)} for v, label in ApplicationStatus.choices]
    context = {
        "round": round,
        "filter_form": filter_form,
        "page": page,
        "querystring": querystring,
        "status_counts": status_counts,
        "filtered": bool(request.GET),
    }
    return render_to_string("applications/_round_page.html", context)


def _decide(request, pk: int, form_class, act):
    application = _managed_application(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect(application)
    try:
        act(application, form.cleaned_data)
    except Refused as error:
        messages.error(request, str(error))
    return redirect(application)


@role_required(*ADMINS)
@require_POST
def return_for_information(request, pk: int):
    def act(application, data):
        services.application_return(
            application=application, actor=request.user, reason=data["reason"], deadline=data["deadline"]
        )
        messages.success(request, _("已退回补正，并已通知申报机构。"))

    return _decide(request, pk, ReturnForm, act)


@role_required(*ADMINS)
@require_POST
def accept(request, pk: int):
    def act(application, data):
        services.application_accept(application=application, actor=request.user, note=data["note"])
        messages.success(request, _("已受理，申报进入评审。"))

    return _decide(request, pk, AcceptForm, act)


@role_required(*ADMINS)
@require_POST
def reject(request, pk: int):
    def act(application, data):
        services.application_reject(application=application, actor=request.user, reason=data["reason"])
        messages.success(request, _("已决定不予受理，并已通知申报机构。"))

    return _decide(request, pk, RejectForm, act)


@role_required(*ADMINS)
def institution_list(request):
    institutions = visible(request.user, Institution, "manage")
    status = request.GET.get("status", "")
    if status in InstitutionStatus.values:
        institutions = institutions.filter(status=status)
    # PostgreSQL refuses NUL in text parameters: drop it rather than answer ?q=%00 with a 500 (docs/security.md 12);
    # and SQLite a LIKE pattern over 50,000 bytes ("pattern too complex"): a search needs no more than 100 characters.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        institutions = institutions.filter(Q(name__icontains=query) | Q(uscc__icontains=query.upper()))
    page, querystring = paginate(request, institutions.order_by("status", "name"))
    context = {"page": page, "querystring": querystring, "status": status, "q": query, "statuses": InstitutionStatus.choices}
    return render(request, "applications/institution_list.html", context)


@role_required(*ADMINS)
def institution_detail(request, pk: int):
    institution = get_object_for_user_or_404(request.user, Institution, "manage", pk=pk)
    invite_form = InviteStaffForm(request.POST or None)
    if request.method == "POST" and invite_form.is_valid():
        try:
            portal_services.institution_staff_invite(institution=institution, actor=request.user, request=request, **invite_form.cleaned_data)
        except ValidationError as error:  # the same invitation sent twice at once
            invite_form.add_error(None, error)
        else:
            messages.success(request, _("已创建账号，并向 %(email)s 发送了设置密码的链接。") % {"email": invite_form.cleaned_data["email"]})
            return redirect("applications:institution", pk=institution.pk)
    context = {
        "institution": institution,
        "staff": institution.staff.order_by("-is_active", "username"),
        "invite_form": invite_form,
        "decision_form": InstitutionDecisionForm(),
        "applications": institution.applications.select_related("round__programme"),
    }
    return render(request, "applications/institution_detail.html", context)


@role_required(*ADMINS)
@require_POST
def institution_decide(request, pk: int):
    institution = get_object_for_user_or_404(request.user, Institution, "manage", pk=pk)
    form = InstitutionDecisionForm(request.POST)
    form.is_valid()
    decision = request.POST.get("decision")
    if decision not in ("verify", "reject"):  # a POST without a decision must not reject the institution
        messages.error(request, _("请选择“核验通过”或“核验不通过”。"))
        return redirect("applications:institution", pk=institution.pk)
    verified = decision == "verify"
    try:
        portal_services.institution_decide(
            institution=institution, actor=request.user, verified=verified, note=form.cleaned_data.get("note", "")
        )
    except Refused as error:  # decided already (a second click, a colleague at the same time)
        messages.error(request, str(error))
    else:
        messages.success(request, _("已核验通过。") if verified else _("已标记为未通过核验。"))
    return redirect("applications:institution", pk=institution.pk)


@role_required(*ADMINS)
@require_POST
def staff_set_active(request, pk: int, user_pk: int):
    institution = get_object_for_user_or_404(request.user, Institution, "manage", pk=pk)
    member = get_object_or_404(User, pk=user_pk, institution=institution)
    active = request.POST.get("active") == "1"
    portal_services.user_set_active(user=member, actor=request.user, active=active)
    messages.success(request, (_("已启用账号 %(name)s。") if active else _("已停用账号 %(name)s。")) % {"name": member.username})
    return redirect("applications:institution", pk=institution.pk)
