"""Object-access helpers: every view that takes an id fetches its object through these.

A user who holds no permission on an object gets a 404, never the object (docs/security.md 6).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from guardian.shortcuts import get_objects_for_user


def objects_for_user(user, queryset, perm: str):
    """The rows of `queryset` on which `user` holds `perm` (object permission, or global for superusers)."""
    return get_objects_for_user(user, perm, klass=queryset, accept_global_perms=True)


def get_object_for_user_or_404(user, queryset, perm: str, **lookup):
    """Fetch one object the user may act on; anything else, including another county's object, is a 404."""
    return get_object_or_404(objects_for_user(user, queryset, perm), **lookup)


def role_required(*roles):
    """Allow only signed-in users of the given roles (superusers always pass); others get a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not (user.is_superuser or user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
