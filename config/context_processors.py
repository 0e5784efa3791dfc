from django.conf import settings

from config.navigation import nav_items_for
from portal import read_caches
from portal.enums import Role
from portal.permissions import effective_role

# Built once: Role.values and Role(...) rebuild their lists on every call, and this runs on every page.
ROLE_LABELS = dict(Role.choices)


def portal(request):
    user = request.user
    signed_in = user.is_authenticated
    return {
        "unread_notifications": read_caches.unread_notifications(user) if signed_in else 0,
        "portal_name": settings.PORTAL_NAME,
        "portal_region": settings.PORTAL_REGION,
        "nav_items": nav_items_for(user, request.path),
        "user_role_label": ROLE_LABELS.get(effective_role(user), "") if signed_in else "",
    }
