"""The CAPTCHA's challenge (django-simple-captcha's CAPTCHA_CHALLENGE_FUNCT): letters nobody confuses on a small
screen, with none that reads as a digit or as another letter (no B 8, G 6, I 1, O Q 0, S 5, Z 2)."""

import secrets

from captcha.fields import CaptchaTextInput
from django.conf import settings

LETTERS = "ACDEFHJKLMNPRTUVWXY"


def unambiguous_challenge() -> tuple[str, str]:
    text = "".join(secrets.choice(LETTERS) for _ in range(settings.CAPTCHA_LENGTH))
    return text, text


class PortalCaptchaInput(CaptchaTextInput):
    """simple-captcha's widget for the public forms (objections, complaints): a larger image, a 换一张 button (wired by
    static/js/objection.js to simple-captcha's refresh view) and the audio link when flite is configured."""

    template_name = "includes/captcha_widget.html"
