"""The public's pages of the showcase (标杆风采): the list by level and region, one institution's page, its photos.

Visitors' pages are cached (portal.public_cache) and set no cookie. A showcase is public while it has an approved
copy and its title is in force: a revoked title's page answers 410 Gone with a short notice and the link to the
revocation announcement (a bookmark or a search engine learns the page is gone for good, not that it never existed);
a showcase never approved is a 404.
"""

from django.db.models import Case, IntegerField, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from portal.enums import Level
from portal.pagination import paginate
from portal.public_cache import public_cache
from showcase.forms import PublicFilterForm
from showcase.models import Showcase
from showcase.selectors import public_photo, public_regions, public_showcases, published_cover, published_version

PER_PAGE = 12
# Provincial benchmarks first, then the city's, then the county's (「十百千」 from the top).
LEVEL_ORDER = Case(
    *(When(award__programme__level=level, then=order) for order, level in enumerate(reversed(Level.values))),
    output_field=IntegerField(),
)


@require_safe
@public_cache(params=("level", "region", "page"))
def showcase_list(request):
    regions = list(public_regions())
    form = PublicFilterForm(request.GET, regions=regions)
    form.is_valid()  # an unknown value is left out of cleaned_data: that filter is then not applied
    level, region = form.cleaned_data.get("level", ""), form.cleaned_data.get("region", "")
    showcases = public_showcases()
    if level:
        showcases = showcases.filter(award__programme__level=level)
    if region:
        showcases = showcases.filter(award__institution__region__code=region)
    showcases = showcases.annotate(level_order=LEVEL_ORDER).order_by(
        "level_order", "award__institution__region__code", "-award__awarded_on", "award__plaque_number"
    )
    page, querystring = paginate(request, showcases, PER_PAGE)
    rows = [(showcase, published_cover(showcase)) for showcase in page.object_list]
    context = {"page": page, "rows": rows, "querystring": querystring, "form": form, "filtered": bool(level or region)}
    return render(request, "showcase/list.html", context)


@require_safe
@public_cache
def showcase_detail(request, pk: int):
    showcase = get_object_or_404(
        Showcase.objects.filter(published_at__isnull=False).select_related(
            "award__programme__region", "award__institution__region__parent", "award__announcement",
            "award__revocation",
        ),
        pk=pk,
    )
    if not showcase.award.is_valid:
        return render(request, "showcase/revoked.html", {"showcase": showcase, "award": showcase.award}, status=410)
    context = {"showcase": showcase, "award": showcase.award, "version": published_version(showcase)}
    return render(request, "showcase/detail.html", context)


@require_safe
def photo(request, pk: int):
    """A photo of a public showcase's approved copy; anything else (a draft's photo, a revoked title's) is a 404."""
    found = public_photo(pk)
    if found is None:
        raise Http404
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=300"  # as long as a cached public page (a revocation hides it)
    return response
