"""The password rule besides Django's own validators (settings.AUTH_PASSWORD_VALIDATORS): at least three of four
kinds of character (docs/security.md, passwords)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class ComplexityPasswordValidator:
    """Require at least ``min_classes`` of four character classes.

    Classes: lowercase letters, uppercase letters, digits and anything else
    (symbols, spaces, CJK characters…).  Letters and digits are recognised
    with ``str.islower``/``str.isupper``/``str.isdecimal``.

    Usage::

        AUTH_PASSWORD_VALIDATORS = [
            {"NAME": "portal.passwords.ComplexityPasswordValidator",
             "OPTIONS": {"min_classes": 3}},
        ]
    """

    code = "password_too_simple"
    message = _(
        "密码过于简单：需至少包含以下四类字符中的%(min_classes)d类：小写字母、大写字母、数字、其他符号。"
    )
    help_text = _("密码需至少包含小写字母、大写字母、数字、其他符号这四类字符中的%(min_classes)d类。")

    def __init__(self, min_classes: int = 3):
        if isinstance(min_classes, bool) or not isinstance(min_classes, int) or not 1 <= min_classes <= 4:
            raise ValueError("min_classes must be an integer between 1 and 4")
        self.min_classes = min_classes

    @staticmethod
    def character_classes(password: str) -> set[str]:
        classes = set()
        for char in password:
            if char.islower():
                classes.add("lower")
            elif char.isupper():
                classes.add("upper")
            elif char.isdecimal():
                classes.add("digit")
            else:
                classes.add("other")
        return classes

    def validate(self, password, user=None):
        if len(self.character_classes(str(password))) < self.min_classes:
            raise ValidationError(
                self.message, code=self.code, params={"min_classes": self.min_classes}
            )

    def get_help_text(self):
        return self.help_text % {"min_classes": self.min_classes}

    def __eq__(self, other):
        return isinstance(other, ComplexityPasswordValidator) and other.min_classes == self.min_classes

    def __hash__(self):
        return hash((type(self), self.min_classes))
