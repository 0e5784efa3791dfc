"""Counting requests per client address (or per account) in the cache, for the limits of public forms."""

from django.core.cache import cache
from django.utils import timezone

from portal.clientip import client_ip


def over_limit(scope: str, key: str, limit: int) -> bool:
    """Count one event for `key` in this hour of `scope`; True when the count is over `limit`.

    With the cache unreachable (Redis down: its calls answer None) nothing is counted and nothing is refused: the
    other guards (CAPTCHA, lockout) still apply, and a citizen is not turned away for an outage of ours.
    """
    hour = timezone.now().strftime("%Y%m%d%H")
    cache_key = f"rate:{scope}:{key}:{hour}"
    if cache.add(cache_key, 1, 3600):
        return limit < 1
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, 3600)
        return False
    return count is not None and count > limit


def rate_limited(request, scope: str, limit: int) -> bool:
    """over_limit() keyed by the client's address (through the trusted proxies)."""
    return over_limit(scope, client_ip(request) or "unknown", limit)
