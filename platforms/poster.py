"""A window's A4 poster (seed 003 三(五)2 「公开服务程序…公布举报电话…设立意见箱和投诉电话」): the window and its
institution, the QR code of its public rating page, the five levels of satisfaction, how to rate, the complaint phone."""

import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from platforms.models import ServicePoint
from platforms.services import profile_for
from portal.pdf import render_pdf

TEMPLATE = "platforms/pdf/poster.html"
LEVELS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")


def rating_url(window: ServicePoint) -> str:
    """The absolute URL of the window's public rating page (the satisfaction app serves it), as awards builds the
    plaque's verify URL: PORTAL_BASE_URL joined to the path."""
    return settings.PORTAL_BASE_URL + f"/satisfaction/r/{window.token}/"


def qr_svg(url: str) -> str:
    """The QR code as inline SVG (vector: sharp at any print size; no file for the PDF renderer to fetch)."""
    return segno.make(url, error="m").svg_inline(scale=8, border=0, dark="#1b1b1b", omitsize=True)


def poster_pdf(window: ServicePoint) -> bytes:
    """The poster as PDF bytes (one A4 page). No side effects."""
    url = rating_url(window)
    with translation.override(settings.LANGUAGE_CODE):  # a poster on a wall in China is Chinese
        context = {
            "window": window, "institution": window.institution, "url": url, "qr": qr_svg(url),
            "levels": [_(level) for level in LEVELS], "phone": profile_for(window.institution).complaint_phone,
        }
        return render_pdf(TEMPLATE, context)
