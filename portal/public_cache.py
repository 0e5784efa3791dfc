"""Whole-page cache of public pages for visitors without a session (issue 6: fast public pages).

A page is cached per path, query and language, under a generation number that every publication bumps, so a new
notice, decision or revocation shows at once. A view can shorten the lifetime (`response.cache_until`), e.g. to
the moment a notice closes: the open/ended state is derived from the clock, so the cache must not outlive it.
Visitors with a session or pending messages get a fresh page (they may see personal content or a message).
"""

from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

GENERATION_KEY = "public-pages:generation"
DEFAULT_SECONDS = 300


def public_pages_changed() -> None:
    """Call after any write that public pages show; cached copies are then unused and expire on their own."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def public_cache(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        generation = cache.get_or_set(GENERATION_KEY, 1, None)
        key = f"public-pages:{generation}:{get_language()}:{request.get_full_path()}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            seconds = DEFAULT_SECONDS
            until: datetime | None = getattr(response, "cache_until", None)
            if until is not None:
                seconds = min(seconds, int((until - timezone.now()).total_seconds()))
            if seconds > 0:
                cache.set(key, (response.content, response["Content-Type"]), seconds)
        return response

    return wrapper
