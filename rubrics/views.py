"""Rubrics in the portal: the shipped standards and the stored rubrics, read by every administrator; installed,
edited while not in use, put in use (frozen) and revised as a new version by their programme's admin."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.enums import Role
from portal.permissions import role_required
from portal.selectors import programmes_managed_by
from portal.transitions import Refused
from rubrics import services
from rubrics.forms import InstallForm, ItemForm, NewVersionForm
from rubrics.models import Item, Rubric
from rubrics.permissions import may_edit
from rubrics.standards import STANDARDS

ADMINS = (Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN)


def _editable_or_403(user, rubric: Rubric) -> None:
    if not may_edit(user, rubric):
        raise PermissionDenied


@role_required(*ADMINS)
def rubric_list(request):
    rubrics = Rubric.objects.select_related("programme", "previous").order_by("name", "-created_at")
    standards = [{"slug": slug, **{k: data.get(k, "") for k in ("name", "version", "document")}} for slug, data in STANDARDS.items()]
    form = InstallForm(programmes=programmes_managed_by(request.user))
    return render(request, "rubrics/list.html", {"rubrics": rubrics, "standards": standards, "form": form})


@role_required(*ADMINS)
@require_POST
def standard_install(request, slug: str):
    if slug not in STANDARDS:
        raise PermissionDenied
    form = InstallForm(request.POST, programmes=programmes_managed_by(request.user))
    if not form.is_valid():
        messages.error(request, _("请选择您管理的评定项目。"))
        return redirect("rubrics:list")
    programme = form.cleaned_data["programme"]
    if programme is None and request.user.role != Role.SYSTEM_ADMIN and not request.user.is_superuser:
        messages.error(request, _("请选择该评分标准用于哪个评定项目。"))
        return redirect("rubrics:list")
    rubric = services.rubric_install(STANDARDS[slug], standard=slug, programme=programme, actor=request.user)
    messages.success(request, _("已添加评分标准“%(name)s”。") % {"name": rubric})
    return redirect("rubrics:detail", pk=rubric.pk)


@role_required(*ADMINS)
def rubric_detail(request, pk: int):
    rubric = get_object_or_404(Rubric.objects.select_related("programme", "previous"), pk=pk)
    context = {
        "rubric": rubric,
        "indicators": rubric.indicators.prefetch_related("items"),
        "loose_items": rubric.items.filter(indicator__isnull=True, is_bonus=False),
        "bonus_items": rubric.items.filter(is_bonus=True),
        "editable": may_edit(request.user, rubric),
        "version_form": NewVersionForm(),
        "next_versions": rubric.next_versions.all(),
    }
    return render(request, "rubrics/detail.html", context)


@role_required(*ADMINS)
@require_POST
def rubric_freeze(request, pk: int):
    rubric = get_object_or_404(Rubric, pk=pk)
    _editable_or_403(request.user, rubric)
    services.rubric_freeze(rubric, actor=request.user)
    messages.success(request, _("评分标准已启用，此后不能修改；修订时请另存为新版本。"))
    return redirect("rubrics:detail", pk=pk)


@role_required(*ADMINS)
@require_POST
def rubric_new_version(request, pk: int):
    rubric = get_object_or_404(Rubric, pk=pk)
    _editable_or_403(request.user, rubric)
    form = NewVersionForm(request.POST)
    try:
        copy = services.rubric_new_version(rubric, version=form.data.get("version", ""), actor=request.user)
    except Refused as error:
        messages.error(request, str(error))
        return redirect("rubrics:detail", pk=pk)
    messages.success(request, _("已另存为新版本“%(version)s”，可以修改。") % {"version": copy.version})
    return redirect("rubrics:detail", pk=copy.pk)


@role_required(*ADMINS)
def item_edit(request, pk: int, item_pk: int):
    item = get_object_or_404(Item.objects.select_related("rubric"), pk=item_pk, rubric_id=pk)
    _editable_or_403(request.user, item.rubric)
    if item.rubric.is_frozen:
        messages.error(request, _("该评分标准已启用，不能修改；请另存为新版本后修改。"))
        return redirect("rubrics:detail", pk=pk)
    form = ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(item, actor=request.user, **{name: form.cleaned_data[name] for name in form.changed_data})
        except Refused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("评分项 %(code)s 已保存。") % {"code": item.code})
        return redirect("rubrics:detail", pk=pk)
    return render(request, "rubrics/item_form.html", {"item": item, "form": form}, status=400 if form.errors else 200)
