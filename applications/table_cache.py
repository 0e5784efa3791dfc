"""Cache of the rendered table of a round's applications (the admin's list: status counts, filters, rows, pages).

A rendering is stored per round, query string, page size, language and permission scope, under the round's version
and a generation of every table. Any save or delete of an application or attachment of the round bumps the round's
version (applications/signals.py), and of an institution or region (names, codes, kinds on every table) the
generation (portal/versioned_cache.py); a stale copy is then never read again and expires on its own.

The key is built only after the permission check (`get_object_for_user_or_404(user, Round, "manage")`) and names the round, so a cached table
(institution names and USCCs) is only ever served to one who may see that round's table. The fragment holds
neither messages nor a CSRF token: those stay in the page around it.
"""

import hashlib

from django.core.cache import cache

from portal import versioned_cache

TIMEOUT = 300
GENERATION_KEY = "round-applications:generation"


def _version_key(round_id: int) -> str:
    return f"round-applications:{round_id}:version"


def round_table_changed(round_id: int) -> None:
    """Call after a write to an application of the round or to its attachments."""
    versioned_cache.bump_now_and_on_commit(_version_key(round_id))


def all_tables_changed() -> None:
    """Call after a write that every round's table may show (an institution, a region)."""
    versioned_cache.bump_now_and_on_commit(GENERATION_KEY)


def table_key(round, *, query: str, per_page: int, language: str, scope: str) -> str:
    versions = cache.get_many([GENERATION_KEY, _version_key(round.pk)])
    generation = versioned_cache.current(versions, GENERATION_KEY)
    version = versioned_cache.current(versions, _version_key(round.pk))
    digest = hashlib.sha256(query.encode()).hexdigest()
    return f"round-applications:{round.pk}:{version}:{generation}:{per_page}:{language}:{scope}:{digest}"


def get(key: str) -> str | None:
    return cache.get(key)


def put(key: str, html: str) -> None:
    cache.set(key, html, TIMEOUT)
