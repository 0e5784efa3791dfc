"""Cross-request caches of what every signed-in page computes: the programmes a user administers (behind the remits of
a programme admin, portal/selectors.py) and the user's unread notifications (the badge in the header).

Why: on a warm staff page these were most of the work that is not the page's own (guardian's permission queries,
the count of notifications), and they change rarely. Both come from the cache (Redis in production) in one round
trip, and stay on the user object for the rest of the request (request.user is loaded once per request).

Each stored value carries the version it was computed under (portal/versioned_cache.py) and is used only while that
version is current:

- the grants' version, one for every user, is bumped by any change of an object permission (guardian's rows), of
  a user's or a group's global permissions or of a user's groups (receivers in portal/signals.py); the user's active
  and superuser flags are part of the stored value, so a change of those needs no bump;
- each user's notifications version is bumped by a new notification, one marked read and one deleted.

A bump lost while Redis is unreachable leaves a stale copy at most GRANTS_SECONDS (grants) or UNREAD_SECONDS.
Within one process a bump also drops every request's copy (`_local_writes`), so a request, or a test, that writes
and then reads sees its own write.
"""

import itertools

from django.core.cache import cache

from portal import versioned_cache

GRANTS_KEY = "read-caches:grants"
GRANTS_SECONDS = 300
UNREAD_SECONDS = 3600
_MEMO = "_portal_read_caches"
_local_writes = itertools.count(1)
_writes_seen = [0]  # the last value taken from _local_writes (itertools.count has no peek)


def _notifications_key(user_id: int) -> str:
    return f"read-caches:{user_id}:notifications"


def _programmes_key(user_id: int) -> str:
    return f"read-caches:{user_id}:programmes"


def _unread_key(user_id: int) -> str:
    return f"read-caches:{user_id}:unread"


def _note_local_write() -> None:
    _writes_seen[0] = next(_local_writes)


def grants_changed() -> None:
    """Call after a change of anyone's permissions (guardian's rows, global permissions, groups)."""
    versioned_cache.bump_now_and_on_commit(GRANTS_KEY)
    _note_local_write()


def notifications_changed(user_id: int) -> None:
    """Call after a notification of the user was created, marked read or deleted."""
    versioned_cache.bump_now_and_on_commit(_notifications_key(user_id))
    _note_local_write()


def _found(user) -> dict:
    """This request's answer of the cache for the user (one round trip), unless a write in this process came since."""
    memo = getattr(user, _MEMO, None)
    if memo is not None and memo["writes"] == _writes_seen[0]:
        return memo["found"]
    keys = [GRANTS_KEY, _notifications_key(user.pk), _programmes_key(user.pk), _unread_key(user.pk)]
    found = cache.get_many(keys)
    setattr(user, _MEMO, {"writes": _writes_seen[0], "found": found})
    return found


def _cached(user, key: str, version_key: str, signature: tuple, compute, seconds: int):
    found = _found(user)
    version = found[version_key] = versioned_cache.current(found, version_key)
    stored = found.get(key)
    if stored is not None and stored[:-1] == (version, *signature):
        return stored[-1]
    value = compute()
    found[key] = (version, *signature, value)
    cache.set(key, found[key], seconds)
    return value


def programme_grants(user) -> tuple[bool, frozenset[int]]:
    """Whether the user holds `portal.manage_programme` globally, and the ids of the programmes it holds it on (its
    own object permissions and its groups'), as guardian answers them."""

    def compute():
        from guardian.shortcuts import get_objects_for_user

        from portal.models import Programme

        rows = get_objects_for_user(
            user, "portal.manage_programme", klass=Programme.objects.all(), accept_global_perms=False
        )
        return user.has_perm("portal.manage_programme"), frozenset(rows.values_list("pk", flat=True))

    signature = (user.is_active, user.is_superuser)
    return _cached(user, _programmes_key(user.pk), GRANTS_KEY, signature, compute, GRANTS_SECONDS)


def managed_programme_ids(user) -> frozenset[int] | None:
    """The ids of the programmes the user may administer by its grants; None when a global grant covers every one.

    What guardian's get_objects_for_user(accept_global_perms=True) answers; the superuser rule is the caller's.
    """
    held_globally, ids = programme_grants(user)
    return None if held_globally else ids


def unread_notifications(user) -> int:
    def compute():
        return user.notifications.filter(read_at__isnull=True).count()

    return _cached(user, _unread_key(user.pk), _notifications_key(user.pk), (), compute, UNREAD_SECONDS)
