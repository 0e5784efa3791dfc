"""Version numbers in the cache, the invalidation of every cross-request cache of the portal.

A cached value is valid only under the version it was computed with; a write that changes it bumps the version
(`bump_now_and_on_commit`), so the stale copy is never read again and expires on its own. Bumped at once and again
on commit: a request that read the old rows while the writing transaction was open cannot store them under the
version that holds after the commit.
"""

import time

from django.core.cache import cache
from django.db import transaction


def read(key: str) -> int:
    """The current version under `key`, starting one if there is none."""
    # A clock value rather than 1: a version lost from the cache (evicted, restarted) never repeats an old one.
    return cache.get_or_set(key, time.time_ns, None)


def current(found: dict, key: str) -> int:
    """The version under `key` from a `cache.get_many` answer, or read (and started) when it was not there."""
    return found.get(key) or read(key)


def bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache: a fresh clock value differs from every version used before
        cache.set(key, time.time_ns(), None)


def bump_now_and_on_commit(key: str) -> None:
    bump(key)
    transaction.on_commit(lambda: bump(key))
