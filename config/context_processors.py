from django.conf import settings

from config.navigation import nav_items_for
from portal.enums import Role


def portal(request):
    user = request.user
    role_label = ""
    if user.is_authenticated:
        role_label = Role.SYSTEM_ADMIN.label if user.is_superuser and not user.role else user.get_role_display()
    unread = user.notifications.filter(read_at__isnull=True).count() if user.is_authenticated else 0
    return {
        "unread_notifications": unread,
        "portal_name": settings.PORTAL_NAME,
        "nav_items": nav_items_for(user, request.path),
        "user_role_label": role_label,
    }
