"""The password rule besides Django's own validators (settings.AUTH_PASSWORD_VALIDATORS): at least three of four
kinds of character (docs/security.md, passwords)."""

from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
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


class SimilarityPasswordValidator(UserAttributeSimilarityValidator):
    """Django's check that a password is not too like the account's own details, saying which detail in the words the
    forms use (Django's Chinese message has stray spaces and names the model field: 「密码跟 电子邮件地址 太相似了」)."""

    DEFAULT_USER_ATTRIBUTES = ("username", "full_name", "email")
    LABELS = {"username": _("用户名"), "full_name": _("姓名"), "email": _("邮箱")}
    message = _("密码与%(detail)s过于相似，请换一个。")

    def validate(self, password, user=None):
        for attribute in self.user_attributes:
            single = UserAttributeSimilarityValidator(user_attributes=[attribute], max_similarity=self.max_similarity)
            try:
                single.validate(password, user)
            except ValidationError:
                detail = self.LABELS.get(attribute, attribute)
                raise ValidationError(self.message, code="password_too_similar", params={"detail": detail}) from None

    def get_help_text(self):
        return _("密码不能与用户名、姓名或邮箱过于相似。")
