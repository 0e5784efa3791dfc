"""The header of every page (brand, language switch, the signed-in user's links, the navigation), rendered once per
distinct content in each process and reused.

Why: it was the costliest part of rendering a staff page (about half of base.html's template work) and it is the same
on every page a user opens at the same address. The fragment (templates/includes/site_header.html) sees only the
values `_values` passes, and those values, with the language, are the key: whatever changes them (a new unread
notification, another role, a renamed user, another page) is another key, so no write has to invalidate anything.
The CSRF token differs per request: the fragment holds a per-process placeholder, replaced by the request's token.
"""

import secrets
from functools import lru_cache

from django import template
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

# Unguessable and unique to the process, so no text of the page (a user's name, a path) can be taken for it.
_CSRF_PLACEHOLDER = secrets.token_hex(16)
# A fragment is about 3 KB: at most ~6 MB per process.
FRAGMENTS = 2048


def _values(context) -> tuple:
    """Everything the header shows, as hashable values."""
    request, user = context["request"], context["user"]
    signed_in = user.is_authenticated
    return (
        ("signed_in", signed_in),
        ("user_name", str(user) if signed_in else ""),
        ("user_role_label", str(context.get("user_role_label", ""))),
        ("unread_notifications", context.get("unread_notifications", 0)),
        ("admin_link", signed_in and (user.is_superuser or user.is_staff)),
        ("full_path", request.get_full_path()),
        ("portal_name", str(context.get("portal_name", ""))),
        ("portal_region", str(context.get("portal_region", ""))),
        ("nav_items", tuple((str(i["label"]), i["url"], i["active"]) for i in context.get("nav_items", ()))),
    )


@lru_cache(maxsize=FRAGMENTS)
def _rendered(language: str, values: tuple) -> str:
    fragment_context = dict(values)
    fragment_context["nav_items"] = [
        {"label": label, "url": url, "active": active} for label, url, active in fragment_context["nav_items"]
    ]
    return render_to_string("includes/site_header.html", {**fragment_context, "csrf_token": _CSRF_PLACEHOLDER})


@register.simple_tag(takes_context=True)
def site_header(context) -> str:
    html = _rendered(get_language(), _values(context))
    if _CSRF_PLACEHOLDER in html:  # only signed-in users' forms: a visitor's page gets no CSRF cookie
        html = html.replace(_CSRF_PLACEHOLDER, get_token(context["request"]))
    return mark_safe(html)  # rendered, and escaped, by the template engine
