"""Whole-page cache of public pages for visitors without a session (issue 6: fast public pages).

A view opts in with `@public_cache`; `PublicPageCacheMiddleware`, placed right after SecurityMiddleware and
WhiteNoise, answers a visitor's GET of such a page from the cache before the rest of the middleware runs (sessions,
CSRF, authentication, messages, CSP …): the stored response carries the headers they added when it was rendered.
Why there: a cached notice then costs less than a bare view behind the whole middleware stack, which is what makes
the page as fast as the guide asks under load.

A page is cached per path, query and language, with the generation number that every publication bumps
(`public_pages_changed`), so a new notice, decision or revocation shows at once. A view can shorten the lifetime
(`response.cache_until`), e.g. to the moment a notice closes: the open/ended state is derived from the clock, so
the cache must not outlive it. Visitors with a session or pending messages are never served from the cache (they
may see personal content or a message), and only a 200 without cookies is stored.
"""

from datetime import datetime
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language_from_request

GENERATION_KEY = "public-pages:generation"
DEFAULT_SECONDS = 300


def public_pages_changed() -> None:
    """Call after any write that public pages show; cached copies are then unused and expire on their own."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def public_cache(view=None, *, params: tuple[str, ...] = ()):
    """Mark a view whose page is the same for every visitor without a session (the middleware caches it).

    `params` are the query parameters the page depends on (e.g. "state", "page"). A request with any other
    parameter, or a value longer than MAX_VALUE, is answered fresh and not stored: otherwise anyone could fill the
    cache with one copy of the page per made-up query string.
    """
    if view is None:
        return lambda view: public_cache(view, params=params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.public_cache_params = frozenset(params)
    return wrapper


MAX_VALUE = 20


@lru_cache(maxsize=1024)
def _cached_params(path_info: str, urlconf) -> frozenset[str] | None:
    """The query parameters of the page at `path_info` if its view is cached for visitors, else None. Resolved once
    per path in each process (the URLconf does not change while it runs): resolving walks the URL patterns, a
    good part of the work of answering a cached page. Bounded: the paths are the visitors' to choose."""
    try:
        match = resolve(path_info, urlconf)
    except Resolver404:
        return None
    return getattr(match.func, "public_cache_params", None)


def _page_key(request) -> str | None:
    """The cache key of this request's page, or None when the request may not be answered from the cache."""
    if (
        request.method != "GET"
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or "messages" in request.COOKIES
    ):
        return None
    params = _cached_params(request.path_info, get_urlconf() or settings.ROOT_URLCONF)
    if params is None:
        return None
    query = sorted(request.GET.lists())
    if any(name not in params or len(values) > 1 or len(values[0]) > MAX_VALUE for name, values in query):
        return None
    language = get_language_from_request(request)  # what LocaleMiddleware will activate
    return f"public-pages:{language}:{request.path}?{urlencode([(name, values[0]) for name, values in query])}"


def _generation(found: dict) -> int:
    generation = found.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _page_key(request)
        if key is None:
            return self.get_response(request)
        found = cache.get_many([GENERATION_KEY, key])  # one round trip to Redis
        generation = _generation(found)
        stored = found.get(key)
        if stored is not None and stored[0] == generation:
            _generation_, status, headers, content = stored
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            return response
        response = self.get_response(request)
        self._store(key, generation, response)
        return response

    def _store(self, key: str, generation: int, response) -> None:
        if response.status_code != 200 or response.streaming or response.cookies:
            return
        if "private" in response.get("Cache-Control", "") or "no-store" in response.get("Cache-Control", ""):
            return
        seconds = DEFAULT_SECONDS
        until: datetime | None = getattr(response, "cache_until", None)
        if until is not None:
            seconds = min(seconds, int((until - timezone.now()).total_seconds()))
        if seconds > 0:
            headers = list(response.headers.items())
            cache.set(key, (generation, response.status_code, headers, response.content), seconds)
