"""Public pages, no login: the rating page of a window's QR code, the thank-you page with the receipt code, the
status page reached by that code, and the published rankings. None shows a rater's comment or phone.

The rating page sets a signed device cookie (one rating per device per window per hour) and a CSRF cookie, so it is
never cached; the rankings are (portal.public_cache).
"""

import secrets

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from platforms.models import ServicePoint
from portal.clientip import client_ip
from portal.public_cache import public_cache
from portal.ratelimit import rate_limited
from portal.transitions import Refused
from satisfaction import services
from satisfaction.forms import CONSENT_TEXT, RatingForm, ReceiptForm
from satisfaction.models import PublishedRanking

DEVICE_COOKIE = "satisfaction_device"
DEVICE_SALT = "satisfaction.device"
THANKS_SALT = "satisfaction.thanks"
DEVICE_MAX_AGE = 365 * 24 * 3600


def _device(request) -> str | None:
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)


def _with_device(request, response):
    if _device(request) is None:
        response.set_signed_cookie(
            DEVICE_COOKIE, secrets.token_hex(16), salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE, httponly=True,
            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
        )  # fmt: skip
    return response


@never_cache
def rate(request, token: str):
    point = get_object_or_404(ServicePoint.objects.select_related("institution"), token=token[:64], is_active=True)
    form = RatingForm(request.POST or None, service_point=point)
    status = 200
    if request.method == "POST":
        device = _device(request)
        if rate_limited(request, "satisfaction-post", 120):
            form.add_error(None, _("提交过于频繁，请稍后再试。"))
            status = 429
        elif device is None:
            form.add_error(None, _("请允许浏览器保存Cookie后重新提交（用于防止重复评价）。"))
        elif form.is_valid():
            try:
                rating = services.rating_submit(
                    service_point=point, data=form.rating_data(), device=device, address=client_ip(request)
                )
            except Refused as refusal:
                return render(request, "satisfaction/public/refused.html", {"point": point, "message": str(refusal)}, status=429)
            return redirect("satisfaction:thanks", signed=signing.dumps(rating.receipt_code, salt=THANKS_SALT))
    context = {"point": point, "form": form, "consent_text": CONSENT_TEXT}
    return _with_device(request, render(request, "satisfaction/public/rate.html", context, status=status))


@never_cache
@require_safe
def thanks(request, signed: str):
    try:
        code = signing.loads(signed, salt=THANKS_SALT, max_age=3600)
    except signing.BadSignature:
        raise Http404 from None
    rating = services.rating_find(code)
    if rating is None:
        raise Http404
    response = render(request, "satisfaction/public/thanks.html", {"rating": rating})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def status(request):
    form = ReceiptForm(request.POST or None)
    rating = None
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "satisfaction-lookup", 30):
            form.add_error(None, _("查询过于频繁，请一小时后再试。"))
        else:
            rating = services.rating_find(form.cleaned_data["code"])
            if rating is None:
                form.add_error("code", _("查询码不正确。"))
    case = getattr(rating, "case", None) if rating is not None else None
    response = render(request, "satisfaction/public/status.html", {"form": form, "rating": rating, "case": case})
    response["X-Robots-Tag"] = "noindex"
    return response


@require_safe
@public_cache
def ranking_list(request):
    rankings = PublishedRanking.objects.select_related("region")
    return render(request, "satisfaction/public/ranking_list.html", {"rankings": rankings})


@require_safe
@public_cache
def ranking_public(request, pk: int):
    ranking = get_object_or_404(PublishedRanking.objects.select_related("region"), pk=pk)
    return render(request, "satisfaction/public/ranking.html", {"ranking": ranking})
