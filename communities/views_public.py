"""The public's pages of the communities' titles: the list by programme and year, valid and removed, and a title
verified by its number, as a plaque is (awards: verify)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from portal.enums import ProgrammeKind
from portal.models import Title
from portal.pagination import paginate

KINDS = (ProgrammeKind.QUALITY_VILLAGE, ProgrammeKind.FULL_EMPLOYMENT)


def _titles():
    return Title.objects.filter(programme__kind__in=KINDS, region__isnull=False).select_related(
        "programme__region", "region__parent")


@require_safe
def title_list(request):
    titles = _titles().order_by("-awarded_on", "programme__name", "number")
    kind = request.GET.get("kind", "")
    if kind in KINDS:
        titles = titles.filter(programme__kind=kind)
    page, querystring = paginate(request, titles)
    return render(request, "communities/title_list.html", {"page": page, "querystring": querystring, "kind": kind,
                                                           "kinds": [(k, ProgrammeKind(k).label) for k in KINDS]})


@require_safe
def title_verify(request, number: str):
    title = get_object_or_404(_titles(), number=number)
    return render(request, "communities/title_verify.html", {"title": title})
