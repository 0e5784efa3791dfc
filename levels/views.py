"""The 「十百千」 pages: a region's progress dashboard (with its Excel export) and its allocation page.

The dashboard is a viewer's, an admin's and the system administrator's, for their own region and below: a region
outside is a 404 (portal.permissions, remit `track_targets`). The allocation page is the region's own admin's (remit
`allocate_targets`). Other roles get a 403.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from levels import charts, exports, selectors, services, tiers
from levels.forms import AllocationForm
from portal.audit import AuditEvent, audit
from portal.enums import RegionLevel, Role
from portal.models import Region
from portal.periods import PERIODS, Period, period_by_key
from portal.permissions import effective_role, get_object_for_user_or_404, role_required, sees_everything, visible
from portal.transitions import Refused

FOLLOWERS = (Role.VIEWER, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
ALLOCATORS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def _period(request, scope: Region | None) -> Period:
    key = request.POST.get("period") if request.method == "POST" else request.GET.get("period")
    return period_by_key(key) or selectors.default_period(scope, timezone.localdate())


def _no_scope(request) -> HttpResponse:
    return render(request, "levels/no_scope.html", status=200)


def _board(request, code: str | None):
    """The dashboard of the region `code` (within the user's scope, else a 404), or of the user's own scope."""
    scope = None if code is None else get_object_for_user_or_404(request.user, Region, "track_targets", code=code)
    has_scope, root = selectors.home_scope(request.user)
    if not has_scope:
        return None, None
    scope = root if code is None else scope
    today = timezone.localdate()
    return root, selectors.dashboard(scope=scope, period=_period(request, scope), today=today)


@role_required(*FOLLOWERS)
@require_safe
def dashboard(request, code: str | None = None):
    """「十百千」目标进度 of a region: per level, per child region (each linked to its own page), per year."""
    root, board = _board(request, code)
    if board is None:
        return _no_scope(request)
    allocates = board.scope is not None and effective_role(request.user) in ALLOCATORS and (
        visible(request.user, Region, "allocate_targets").filter(pk=board.scope.pk).exists())
    context = {
        "board": board, "periods": PERIODS, "crumbs": selectors.path_to(board.scope, root) if board.scope else [],
        "child_charts": charts.child_charts(board), "year_chart": charts.year_chart(board), "allocates": allocates,
        "linkable": board.child_level in tiers.TRACKED,
    }
    return render(request, "levels/dashboard.html", context)


@role_required(*FOLLOWERS)
@require_safe
def dashboard_export(request, code: str | None = None):
    _root, board = _board(request, code)
    if board is None:
        return _no_scope(request)
    audit(AuditEvent.EXPORT, request=request, obj=board.scope,
          detail=f"levels dashboard {board.scope.code if board.scope else 'all'} {board.period.name}")
    return exports.dashboard_xlsx(board)


@role_required(*ALLOCATORS)
@require_http_methods(["GET", "HEAD", "POST"])
def allocate(request, code: str | None = None):
    """目标分配: the region's own targets and a number per child and level, saved all at once; a refusal is shown
    above the form with everything as typed."""
    if code is not None:
        region = get_object_for_user_or_404(request.user, Region, "allocate_targets", code=code)
    elif sees_everything(request.user):
        provinces = Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")
        return render(request, "levels/allocate_pick.html", {"regions": provinces})
    else:
        region = visible(request.user, Region, "allocate_targets").first()
        if region is None:
            return _no_scope(request)
    period = _period(request, region)
    form = AllocationForm(request.POST or None, page=selectors.allocation(region, period))
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.targets_save(region=region, period=period, own=form.own(), shares=form.shares(),
                                            note=form.cleaned_data["note"], actor=request.user, request=request)
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存：%(changes)s。") % {"changes": "；".join(changes)} if changes
                             else _("目标没有改动。"))
            return redirect(f"{reverse('levels:allocate_region', args=[region.code])}?period={period.key}")
    context = {"region": region, "period": period, "periods": PERIODS, "form": form,
               "children_open": sees_everything(request.user)}
    return render(request, "levels/allocate.html", context, status=400 if form.errors else 200)
