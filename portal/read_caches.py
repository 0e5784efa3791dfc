"""Cross-request caches of what every signed-in page computes: the programmes a user administers (behind the remits of
a programme admin, portal/selectors.py), the user's unread notifications (the badge in the header), and whether one
object is in a user's remit, for remits registered with `answers_cached` (portal/permissions.py).

Why: on a warm staff page these were most of the work that is not the page's own (guardian's permission queries,
the count of notifications, the remit's query), and they change rarely. They come from the cache (Redis in
production) in one round trip, and stay on the user object for the rest of the request (request.user is loaded once
per request).

Each stored value carries the versions it was computed under (portal/versioned_cache.py) and is used only while
they are current:

- the grants' version, one for every user, is bumped by any change of an object permission (guardian's rows), of
  a user's or a group's global permissions or of a user's groups (receivers in portal/signals.py); the user's role,
  active and superuser flags are part of the stored values, so a change of those needs no bump;
- each user's notifications version is bumped by a new notification, one marked read and one deleted;
- a row's version, for the models of remits with cached answers, is bumped by the row's save and delete.

A bump lost while Redis is unreachable leaves a stale copy at most GRANTS_SECONDS (grants, remit answers) or
UNREAD_SECONDS. Within one process a bump also drops every request's copy (`_local_writes`), so a request, or a
test, that writes and then reads sees its own write.
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


def _found(user, extra: tuple[str, ...] = ()) -> dict:
    """This request's answer of the cache for the user and the `extra` keys, unless a write in this process came since:
    one round trip for whatever this request has not asked for yet."""
    memo = getattr(user, _MEMO, None)
    if memo is None or memo["writes"] != _writes_seen[0]:
        memo = {"writes": _writes_seen[0], "found": {}, "asked": set()}
        setattr(user, _MEMO, memo)
    wanted = [GRANTS_KEY, _notifications_key(user.pk), _programmes_key(user.pk), _unread_key(user.pk), *extra]
    missing = [key for key in wanted if key not in memo["asked"]]
    if missing:
        memo["found"].update(cache.get_many(missing))
        memo["asked"].update(missing)
    return memo["found"]


def _cached(user, key: str, version_key: str, signature: tuple, compute, seconds: int, extra: tuple[str, ...] = ()):
    found = _found(user, extra)
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


def _row_key(model, pk: int) -> str:
    return f"read-caches:rows:{model._meta.label_lower}:{pk}"


def row_changed(sender, instance, **kwargs) -> None:
    """A row whose remit answers are cached was saved or deleted (see `track_rows`)."""
    versioned_cache.bump_now_and_on_commit(_row_key(sender, instance.pk))
    _note_local_write()


def track_rows(model) -> None:
    """Bump a row's version on every save and delete of a row of `model` (called by portal.permissions.remit)."""
    from django.db.models.signals import post_delete, post_save

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(row_changed, sender=model, dispatch_uid=f"read-caches.rows.{model._meta.label_lower}.{name}")


def remit_answer(user, model, action: str, pk: int, compute) -> bool:
    """Whether the object is in the user's remit, as `compute()` (the remit's own query) answers it, kept under the
    grants' version, the user's role and flags and the row's version (fetched with the user's other read caches)."""
    row_key, key = _row_key(model, pk), f"read-caches:{user.pk}:remit:{model._meta.label_lower}:{action}:{pk}"
    found = _found(user, (row_key, key))
    row_version = found[row_key] = versioned_cache.current(found, row_key)
    signature = (row_version, user.role, user.is_active, user.is_superuser)
    return _cached(user, key, GRANTS_KEY, signature, compute, GRANTS_SECONDS, (row_key, key))
