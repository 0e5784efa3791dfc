"""The 行政区划 pages (issue 15 point 1): the tree of the regions a user maintains, a level at a time with the next
level folded inside and paged; the Excel template; an upload with its preview of what it changes; the confirmation.

The system administrator maintains every region; a programme admin the jurisdictions of the programmes it manages and
everything below them (portal.regions.regions_managed_by): a region outside is a 404, and any other role gets a 403.
"""

import hashlib
from collections import defaultdict

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from portal import region_excel, regions, uploads
from portal.enums import Role
from portal.forms import WorkbookUploadForm
from portal.models import Region
from portal.pagination import paginate
from portal.permissions import get_object_for_user_or_404, role_required
from portal.region_import import ADD, CHANGE, REFUSED, SAME, import_apply, import_plan, region_fingerprint
from portal.transitions import Refused

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)
IMPORT_SALT = "portal.regions.import"
IMPORT_MAX_AGE = 60 * 60  # a preview is confirmed within the hour, or the file uploaded again
PER_PAGE = 50
FOLD = 30  # subdivisions listed inside a folded region; the rest are on the region's own page


def _at(request) -> Region | None:
    """The region whose subdivisions the page lists (?at=<id>), within the user's regions; None for the tops."""
    value = request.GET.get("at", "")
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise Http404("no such region")
    return get_object_for_user_or_404(request.user, Region, "manage", pk=int(value))


def _path(region: Region | None, roots: list[Region] | None) -> list[dict]:
    """The region's ancestors from the top, each linked when the user maintains it."""
    path = []
    node = region.parent if region else None
    while node is not None:
        path.insert(0, {"region": node, "link": roots is None or any(root.contains(node) for root in roots)})
        node = node.parent
    return path


def _tops(roots: list[Region] | None):
    if roots is None:
        return Region.objects.filter(parent__isnull=True)
    return Region.objects.filter(pk__in=[root.pk for root in roots])


def _empty(*, query: str, at: Region | None, roots: list[Region] | None) -> tuple[str, str]:
    """What the page says when it lists nothing (title, hint)."""
    if query:
        return _("没有找到符合条件的区划"), _("请换一个名称或代码查找；只查找您维护的区划。")
    if at is not None:
        return _("没有下级区划"), _("可以下载模板，填写下级区划后导入。")
    if roots is None:
        return _("还没有区划"), _("请下载模板，从省级开始逐级填写后导入。")
    return _("您还没有可维护的区划"), _(
        "您管理的评定项目的辖区及其下级区划在这里维护。安全管理员授予项目管理权限后即可使用。"
    )


def _folded(items: list[Region]) -> None:
    """Give each of `items` its first FOLD subdivisions (`fold`, each with its own count) and how many more (`more`)."""
    below = defaultdict(list)
    for child in Region.objects.filter(parent__in=items).annotate(subdivisions=Count("children")).order_by("code"):
        below[child.parent_id].append(child)
    for item in items:
        item.fold = below[item.pk][:FOLD]
        item.more = max(0, item.subdivisions - FOLD)


@role_required(*ADMINS)
@require_safe
def region_tree(request):
    managed = regions.regions_managed_by(request.user)
    roots = regions.jurisdiction_roots(request.user)
    at = _at(request)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:50]
    if query:
        rows = managed.filter(Q(name__icontains=query) | Q(code__startswith=query)).select_related("parent")
    else:
        rows = (at.children.all() if at else _tops(roots)).order_by("code")
    page, querystring = paginate(request, rows.annotate(subdivisions=Count("children")), per_page=PER_PAGE)
    if not query:
        _folded(list(page.object_list))
    context = {
        "at": at, "query": query, "page": page, "querystring": querystring,
        "path": _path(at, roots), "roots": roots, "form": WorkbookUploadForm(),
        "empty": _empty(query=query, at=at, roots=roots),
    }
    return render(request, "portal/regions/tree.html", context)


@role_required(*ADMINS)
@require_safe
def region_template(request):
    """The template with the user's regions, or those of one region and below (?at=<id>)."""
    managed, at = regions.regions_managed_by(request.user), _at(request)
    return region_excel.template_response(managed.filter(code__startswith=at.code_prefix) if at else managed)


@role_required(*ADMINS)
@require_POST
def region_import(request):
    """Read an uploaded list and show what importing it would change; nothing is written."""
    form = WorkbookUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择填好的Excel文件（.xlsx）。"))
        return redirect("region_tree")
    uploaded = form.cleaned_data["file"]
    try:
        uploads.inspect_workbook(uploaded)
        content = uploaded.read()
        rows = region_excel.read_rows(content)
    except ValidationError as error:
        return _refused(request, uploaded.name, error.messages)
    except region_excel.SheetError as error:
        return _refused(request, uploaded.name, error.problems)
    fingerprint = region_fingerprint(request.user)  # before the plan: a change in between makes the preview stale
    plan = import_plan(request.user, rows)
    token = signing.dumps(
        {"u": request.user.pk, "v": fingerprint, "r": rows, "n": uploaded.name[:200],
         "h": hashlib.sha256(content).hexdigest()},
        salt=IMPORT_SALT, compress=True,
    )
    context = {
        "file_name": uploaded.name, "token": token, "summary": plan.summary(), "writes": plan.writes,
        "written": [row for row in plan.rows if row.kind in (ADD, CHANGE)],
        "refused": plan.of(REFUSED), "unchanged": plan.of(SAME),
    }
    return render(request, "portal/regions/preview.html", context)


def _refused(request, file_name: str, problems: list[str]):
    context = {"file_name": file_name, "problems": problems}
    return render(request, "portal/regions/preview.html", context, status=400)


@role_required(*ADMINS)
@require_POST
def region_import_apply(request):
    try:
        preview = signing.loads(request.POST.get("token", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        preview = None
    if preview is None or preview.get("u") != request.user.pk:
        messages.error(request, _("预览已失效（超过1小时，或不是您的预览），没有导入任何内容，请重新上传Excel文件。"))
        return redirect("region_tree")
    try:
        plan = import_apply(
            user=request.user, rows=preview["r"], fingerprint=preview["v"], file_name=preview["n"],
            sha256=preview["h"], request=request,
        )
    except Refused as refusal:
        messages.error(request, str(refusal))
        return redirect("region_tree")
    counts = plan.summary()
    messages.success(request, _(
        "已导入“%(file)s”：新增%(added)d个，更名%(renamed)d个，迁移%(moved)d个，更正代码%(recoded)d个，"
        "更改社区或村%(settlement)d个。"
    ) % {"file": preview["n"], **counts})
    return redirect("region_tree")
