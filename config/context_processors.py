from django.conf import settings

from config.navigation import nav_items_for
from portal import read_caches
from portal.enums import Role
from portal.permissions import effective_role


def portal(request):
    user = request.user
    role_label = ""
    if user.is_authenticated:
        role_label = Role(effective_role(user)).label if effective_role(user) in Role.values else ""
    unread = read_caches.unread_notifications(user) if user.is_authenticated else 0
    return {
        "unread_notifications": unread,
        "portal_name": settings.PORTAL_NAME,
        "nav_items": nav_items_for(user, request.path),
        "user_role_label": role_label,
    }
