"""Pagination that keeps the list's filters in the URL."""

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None):
    """Return (page, querystring without `page`) for `includes/pagination.html`."""
    paginator = Paginator(queryset, per_page or settings.PAGINATE_BY)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
