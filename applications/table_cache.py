"""Cache of the rendered content of a round's applications page: its title, and its body (the round's heading, status
counts, filters, rows, pages).

A rendering is stored per round, query string, page size, language and permission scope, with the round's version
and the generation of every table it was rendered under, and read with them in one round trip. Any save or delete
of the round, or of an application or attachment of it, bumps the round's version (applications/signals.py), and of
an institution, region or programme (names, codes, kinds on every page) the generation (portal/versioned_cache.py);
a stale copy is then never used again and expires on its own.

The cache is read only after the permission check (`check_object_for_user_or_404(user, Round, "manage")`) and its
key names the round, so a cached page (institution names and USCCs) is only ever served to one who may see that
round's table. The content holds neither messages nor a CSRF token: those stay in the page around it.
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


def get(
    round_id: int, *, query: str, per_page: int, language: str, scope: str
) -> tuple[str, tuple, tuple[str, str] | None]:
    """(key, versions, the stored (title, body) or None): the versions and the rendering in one round trip to the cache;
    a rendering stored under other versions than the current ones is stale and not returned."""
    digest = hashlib.sha256(query.encode()).hexdigest()
    key = f"round-applications:{round_id}:{per_page}:{language}:{scope}:{digest}"
    found = cache.get_many([GENERATION_KEY, _version_key(round_id), key])
    versions = (versioned_cache.current(found, GENERATION_KEY), versioned_cache.current(found, _version_key(round_id)))
    stored = found.get(key)
    return key, versions, stored[1] if stored is not None and stored[0] == versions else None


def put(key: str, versions: tuple, page: tuple[str, str]) -> None:
    """Store a rendering under the versions `get` read before it was rendered (bumped meanwhile: never used)."""
    cache.set(key, (versions, page), TIMEOUT)
