"""Request middleware of the portal."""

import time

from django.conf import settings
from django.contrib import messages
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

# Paths a signed-in user who still owes the second factor can reach.
_SECOND_FACTOR_PREFIXES = ("/static/", "/i18n/", "/healthz/", "/accounts/logout/", "/accounts/second-factor/")


class SecondFactorRequiredMiddleware:
    """Send a signed-in user who must give a second factor (portal.second_factor.required_for) and has not in this
    session to enrol (no device yet) or to give a code; after OTPMiddleware, which marks verified sessions."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from portal import second_factor

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_SECOND_FACTOR_PREFIXES)
            and not user.is_verified()
            and second_factor.required_for(user)
        ):
            target = "second_factor_verify" if second_factor.has_device(user) else "second_factor_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


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


# The session key holding when the session was last saved (seconds since the epoch).
SESSION_SAVED_AT = "_saved_at"


class SessionIdleRefreshMiddleware:
    """Keep SESSION_COOKIE_AGE an idle timeout (docs/security.md 4) without writing the session on every request.

    Saving a session sets its expiry to SESSION_COOKIE_AGE from now. Rather than save it on every request
    (SESSION_SAVE_EVERY_REQUEST), a session is saved when more than SESSION_REFRESH_SECONDS passed since its last
    save, or when it changed anyway: a session then ends between SESSION_COOKIE_AGE − SESSION_REFRESH_SECONDS and
    SESSION_COOKIE_AGE after the last request. Only a request that brought a session cookie is considered (no
    session is started for a visitor), and only a live session (not an expired one, nor one flushed at logout).
    Placed right after SessionMiddleware, so that the mark is set before SessionMiddleware saves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        saved_at = session.get(SESSION_SAVED_AT, 0)  # loads the session if the request did not
        if session.session_key is None or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - saved_at > settings.SESSION_REFRESH_SECONDS:
            session[SESSION_SAVED_AT] = now
        return response


class NoStoreForSignedInMiddleware:
    """Every page answered to a signed-in user says `Cache-Control: no-store` (with private, no-cache, max-age=0):
    applications, scores and identities must not stay in a shared computer's browser cache or in a proxy.

    Visitors' public pages keep their own caching (portal.public_cache); downloads of a signed-in user are covered too
    (a view that already said no-store, as the file downloads do, keeps its own header).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response


# What is worth compressing: text. PDFs, spreadsheets (zip files), images and uploads are compressed already or binary,
# and their downloads keep their Content-Length.
_TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


class TextGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH mitigation: random bytes in the gzip header) for text responses only."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(_TEXT_TYPES):
            return response
        return super().process_response(request, response)
