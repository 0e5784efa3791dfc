"""Cache of the rendered table of a round's applications (the admin's list: status counts, filters, rows, pages).

A rendering is stored per round, query string, page size, language and permission scope, under the round's version
and a generation of every table. Any save or delete of an application or attachment of the round bumps the round's
version (applications/signals.py), and of an institution or region (names, codes, kinds on every table) the
generation; a stale copy is then never read again and expires on its own. Bumped at once and again on commit, so a
request that read the old rows during the writing transaction cannot store them under the new version.

The key is built only after the permission check (`get_object_for_user_or_404(user, Round, "manage")`) and names the round, so a cached table
(institution names and USCCs) is only ever served to one who may see that round's table. The fragment holds
neither messages nor a CSRF token: those stay in the page around it.
"""

import hashlib
import time

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 300
GENERATION_KEY = "round-applications:generation"


def _version_key(round_id: int) -> str:
    return f"round-applications:{round_id}:version"


def _read(key: str) -> int:
    # A clock value rather than 1: a version lost from the cache (evicted, restarted) never repeats an old one.
    return cache.get_or_set(key, time.time_ns, None)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not in the cache: a fresh clock value differs from every version used before
        cache.set(key, time.time_ns(), None)


def _bump_now_and_on_commit(key: str) -> None:
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def round_table_changed(round_id: int) -> None:
    """Call after a write to an application of the round or to its attachments."""
    _bump_now_and_on_commit(_version_key(round_id))


def all_tables_changed() -> None:
    """Call after a write that every round's table may show (an institution, a region)."""
    _bump_now_and_on_commit(GENERATION_KEY)


def table_key(round, *, query: str, per_page: int, language: str, scope: str) -> str:
    versions = cache.get_many([GENERATION_KEY, _version_key(round.pk)])
    generation = versions.get(GENERATION_KEY) or _read(GENERATION_KEY)
    version = versions.get(_version_key(round.pk)) or _read(_version_key(round.pk))
    digest = hashlib.sha256(query.encode()).hexdigest()
    return f"round-applications:{round.pk}:{version}:{generation}:{per_page}:{language}:{scope}:{digest}"


def get(key: str) -> str | None:
    return cache.get(key)


def put(key: str, html: str) -> None:
    cache.set(key, html, TIMEOUT)
