"""Request middleware of the portal."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

# Paths a user who must change the password can still reach.
_ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz/", "/accounts/logout/", "/accounts/password/change/")


class PasswordChangeRequiredMiddleware:
    """Send a user whose password is initial or older than PASSWORD_MAX_AGE_DAYS to the change form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and (user.must_change_password or user.password_expired())
            and not request.path.startswith(_ALLOWED_PREFIXES)
        ):
            if user.must_change_password:
                messages.warning(request, _("首次登录或密码已被重置，请先修改密码。"))
            else:
                messages.warning(request, _("密码已超过有效期，请修改密码。"))
            return redirect(reverse("password_change"))
        return self.get_response(request)
