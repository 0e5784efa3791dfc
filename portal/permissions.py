"""Who may open what: the one object-access helper, the superuser rule, and the role check of views.

Every view and export that takes an id fetches its object with `get_object_for_user_or_404(user, Model, action,
**lookup)`, or, where the page comes from a cache keyed by the id, checks it with `check_object_for_user_or_404`
before reading the cache. What a user may do with the rows of a model is a *remit*: a function of the user that
answers with the queryset of those rows, registered by the app that owns the model (`@remit(Model, "view")` in its
selectors.py) and used by its list pages too. A user outside the remit gets a 404, never the object
(docs/security.md 6).

The superuser rule is `sees_everything`: a superuser, and the system administrator who runs the portal for every
jurisdiction, see every programme's records; nobody else sees beyond their remit.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from guardian.shortcuts import get_objects_for_user

from portal import read_caches
from portal.enums import Role

REMITS: dict[tuple[type[Model], str], Callable] = {}
ANSWERS_CACHED: set[tuple[type[Model], str]] = set()


def sees_everything(user) -> bool:
    """The superuser rule, in one place."""
    return user.is_authenticated and (user.is_superuser or user.role == Role.SYSTEM_ADMIN)


def effective_role(user) -> str:
    """The role a user's pages are built for: a superuser without a role of its own gets the system administrator's."""
    return Role.SYSTEM_ADMIN if user.is_superuser and user.role not in Role.values else user.role


def manages_programme(user, programme) -> bool:
    """Whether the user administers the programme (its rounds, review, publicity and results): a programme admin
    holding `portal.manage_programme` on it, as `user.has_perm(perm, programme)` answers (object grants only),
    read from the user's cached grants (portal/read_caches.py)."""
    if sees_everything(user):
        return True
    if not (user.is_authenticated and user.is_active and user.role == Role.PROGRAMME_ADMIN):
        return False
    _held_globally, programme_ids = read_caches.programme_grants(user)
    return programme.pk in programme_ids


def remit(model: type[Model], action: str = "view", *, answers_cached: bool = False):
    """Register the function answering which rows of `model` a user may `action` (a queryset).

    `answers_cached`: whether one object is in the remit depends only on the user's role and flags, the user's grants
    and the object's own row, so `check_object_for_user_or_404` may keep its answer under their versions
    (portal/read_caches.py; a save or delete of the row bumps its version).
    """

    def register(function: Callable) -> Callable:
        REMITS[(model, action)] = function
        if answers_cached:
            ANSWERS_CACHED.add((model, action))
            read_caches.track_rows(model)
        return function

    return register


def visible(user, model: type[Model], action: str = "view") -> QuerySet:
    """The rows of `model` the user may `action`; none for a visitor."""
    try:
        function = REMITS[(model, action)]
    except KeyError:
        raise ImproperlyConfigured(f"no remit registered for {model.__name__} / {action}") from None
    if not user.is_authenticated:
        return model._default_manager.none()
    return function(user)


def get_object_for_user_or_404(user, model: type[Model], action: str = "view", **lookup):
    """The one way a view or an export fetches an object by its id: within the user's remit, or a 404."""
    return get_object_or_404(visible(user, model, action), **lookup)


def check_object_for_user_or_404(user, model: type[Model], action: str = "view", *, pk: int) -> None:
    """The check of `get_object_for_user_or_404` without fetching the object, for a page served from a cache keyed
    by the object's id: the same remit decides, by an existence query, before the cache is read; for a remit
    registered with `answers_cached`, its answer is kept for the next request under the versions it depends on."""

    def in_remit() -> bool:
        return visible(user, model, action).filter(pk=pk).exists()

    cached = (model, action) in ANSWERS_CACHED and user.is_authenticated
    if not (read_caches.remit_answer(user, model, action, pk, in_remit) if cached else in_remit()):
        raise Http404(f"no {model._meta.object_name} matches the given query")


def objects_for_user(user, queryset, perm: str):
    """The rows of `queryset` on which `user` holds `perm` (object permission, or global for superusers)."""
    return get_objects_for_user(user, perm, klass=queryset, accept_global_perms=True)


def role_required(*roles):
    """Allow only signed-in users of the given roles (superusers always pass); others get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_superuser or user.role in roles):  # the superuser passes every role check
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
