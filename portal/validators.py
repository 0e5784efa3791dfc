"""Server-side validators for Chinese identifiers and phone numbers (their display forms: portal.display; the
password rule: portal.passwords).

Every user-facing message goes through ``gettext_lazy`` with a Chinese msgid
and every :class:`~django.core.exceptions.ValidationError` carries a ``code``
(see the ``*_CODE`` names below) so that callers and tests can branch on it.

The ``validate_*`` functions are plain module-level callables, so they can be
used directly in ``validators=[...]`` on model and form fields (and they are
serialisable by migrations).

Normalisation and validation
----------------------------
The validators accept what the matching ``normalize_*`` function turns into a
valid value (e.g. ``validate_uscc`` accepts ``"91350100m000100y43"`` or
full-width characters typed through a Chinese IME).  They never *change* the
value, so store the normalised form by cleaning the field with ``normalize_*``
(``clean_<field>`` in a form, or ``Model.clean``/``save``) — otherwise unique
constraints could be bypassed by spelling variants.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric as _stdnum_ric
from stdnum.cn import uscc as _stdnum_uscc

__all__ = [
    "USCC_ALPHABET",
    "USCC_REGISTRATION_AUTHORITIES",
    "USCC_ORGANISATION_CATEGORIES",
    "normalize_uscc",
    "validate_uscc",
    "normalize_id_number",
    "validate_id_number",
    "normalize_phone",
    "validate_phone",
]


def _nfkc(value: object) -> str:
    """Text form of *value* with full-width characters folded to ASCII.

    Chinese input methods often produce full-width digits, letters, hyphens,
    parentheses and the ideographic space; NFKC maps them to ASCII.
    """
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value))


def _describe_char(char: str) -> str:
    """Printable description of one character for an error message."""
    if char.isprintable() and not char.isspace():
        return char
    return f"U+{ord(char):04X}"


# ---------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015 and its amendments)
# ---------------------------------------------------------------------------

#: The 31 characters a USCC may contain: digits and uppercase letters except
#: I, O, Z, S, V (the same alphabet stdnum uses for the check character).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

#: Position 1, 登记管理部门代码, as defined by GB 32100-2015 and amendments.
USCC_REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业（农业农村）",
    "Y": "其他",
}

#: Position 2, 机构类别代码, per registration authority (informational; the
#: validator only requires a digit 1-9 so that new categories do not break).
USCC_ORGANISATION_CATEGORIES = {
    "1": {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"},
    "2": {"1": "外国常驻新闻机构", "9": "其他"},
    "3": {
        "1": "律师执业机构",
        "2": "公证处",
        "3": "基层法律服务所",
        "4": "司法鉴定机构",
        "5": "仲裁委员会",
        "9": "其他",
    },
    "4": {"1": "外国在华文化中心", "9": "其他"},
    "5": {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"},
    "6": {
        "1": "外国旅游部门常驻代表机构",
        "2": "港澳台地区旅游部门常驻内地（大陆）代表机构",
        "9": "其他",
    },
    "7": {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"},
    "8": {"1": "基层工会", "9": "其他"},
    "9": {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"},
    "A": {"1": "军队事业单位", "9": "其他"},
    "N": {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"},
    "Y": {"1": "其他"},
}

USCC_LENGTH = 18

USCC_INVALID_LENGTH_CODE = "uscc_invalid_length"
USCC_INVALID_CHARACTER_CODE = "uscc_invalid_character"
USCC_INVALID_AUTHORITY_CODE = "uscc_invalid_authority"
USCC_INVALID_CATEGORY_CODE = "uscc_invalid_category"
USCC_INVALID_REGION_CODE = "uscc_invalid_region"
USCC_INVALID_CHECKSUM_CODE = "uscc_invalid_checksum"

USCC_MESSAGES = {
    USCC_INVALID_LENGTH_CODE: _("统一社会信用代码应为18位，当前为%(length)d位。"),
    USCC_INVALID_CHARACTER_CODE: _(
        "统一社会信用代码第%(position)d位含有非法字符“%(char)s”："
        "只能使用数字和大写英文字母，且不使用 I、O、Z、S、V。"
    ),
    USCC_INVALID_AUTHORITY_CODE: _(
        "统一社会信用代码第1位（登记管理部门代码）“%(char)s”不存在，"
        "应为 1–9、A、N 或 Y。"
    ),
    USCC_INVALID_CATEGORY_CODE: _(
        "统一社会信用代码第2位（机构类别代码）应为数字 1–9，当前为“%(char)s”。"
    ),
    USCC_INVALID_REGION_CODE: _(
        "统一社会信用代码第3至8位（登记管理机关行政区划码）应为6位数字。"
    ),
    USCC_INVALID_CHECKSUM_CODE: _("统一社会信用代码校验位不正确，请核对后重新输入。"),
}

_USCC_SEPARATORS = re.compile(r"[\s\-]+")


def normalize_uscc(value: object) -> str:
    """Return *value* as a compact uppercase USCC candidate.

    Folds full-width characters (NFKC), removes all whitespace and hyphens and
    uppercases.  Does not validate; use it to clean form input.
    """
    return _USCC_SEPARATORS.sub("", _nfkc(value)).upper()


def validate_uscc(value: object) -> None:
    """Validate a 统一社会信用代码 (Unified Social Credit Code).

    Checks, in this order, each with its own message and code:

    * length 18 (after :func:`normalize_uscc`);
    * character set: digits and uppercase letters except I, O, Z, S, V;
    * position 1 is one of the registration-authority codes in
      :data:`USCC_REGISTRATION_AUTHORITIES` (1-9, A, N, Y);
    * position 2 (organisation category) is a digit 1-9 — deliberately loose:
      the per-authority tables are not enforced;
    * positions 3-8 (administrative division code) are digits;
    * the check character (GB/T 17710 / ISO 7064 MOD 31-3), computed with
      :func:`stdnum.cn.uscc.calc_check_digit`.

    ``stdnum.cn.uscc.validate`` is not used: it requires the first 8
    characters to be digits and therefore refuses valid A…, N… and Y… codes.
    """
    code = normalize_uscc(value)
    if len(code) != USCC_LENGTH:
        raise _uscc_error(USCC_INVALID_LENGTH_CODE, length=len(code))
    for position, char in enumerate(code, start=1):
        if char not in USCC_ALPHABET:
            raise _uscc_error(USCC_INVALID_CHARACTER_CODE, position=position, char=_describe_char(char))
    if code[0] not in USCC_REGISTRATION_AUTHORITIES:
        raise _uscc_error(USCC_INVALID_AUTHORITY_CODE, char=code[0])
    if code[1] not in "123456789":
        raise _uscc_error(USCC_INVALID_CATEGORY_CODE, char=code[1])
    if not all(c in "0123456789" for c in code[2:8]):
        raise _uscc_error(USCC_INVALID_REGION_CODE)
    # Safe: every character is in the alphabet, so .index() cannot fail.
    if code[17] != _stdnum_uscc.calc_check_digit(code[:17]):
        raise _uscc_error(USCC_INVALID_CHECKSUM_CODE)


def _uscc_error(code: str, **params) -> ValidationError:
    return ValidationError(USCC_MESSAGES[code], code=code, params=params or None)


# ---------------------------------------------------------------------------
# 居民身份证号码 (GB 11643-1999)
# ---------------------------------------------------------------------------

ID_NUMBER_LENGTH = 18
#: Earliest birth date accepted; anything older is treated as a typo.
ID_NUMBER_MIN_BIRTH_DATE = datetime.date(1850, 1, 1)

ID_INVALID_LENGTH_CODE = "id_invalid_length"
ID_LEGACY_15_CODE = "id_legacy_15"
ID_INVALID_FORMAT_CODE = "id_invalid_format"
ID_INVALID_BIRTH_DATE_CODE = "id_invalid_birth_date"
ID_INVALID_CHECKSUM_CODE = "id_invalid_checksum"

ID_MESSAGES = {
    ID_INVALID_LENGTH_CODE: _("居民身份证号码应为18位，当前为%(length)d位。"),
    ID_LEGACY_15_CODE: _("15位的第一代身份证号码已停止使用，请输入18位居民身份证号码。"),
    ID_INVALID_FORMAT_CODE: _(
        "居民身份证号码格式不正确：前17位应为数字，最后一位为数字或字母X。"
    ),
    ID_INVALID_BIRTH_DATE_CODE: _(
        "居民身份证号码中的出生日期（%(date)s）无效，请核对后重新输入。"
    ),
    ID_INVALID_CHECKSUM_CODE: _("居民身份证号码校验位不正确，请核对后重新输入。"),
}

_ID_SEPARATORS = re.compile(r"\s+")


def normalize_id_number(value: object) -> str:
    """Fold full-width characters, remove whitespace, uppercase a final ``x``."""
    return _ID_SEPARATORS.sub("", _nfkc(value)).upper()


def validate_id_number(value: object) -> None:
    """Validate an 18-character 居民身份证号码 (GB 11643).

    Checks length, format (17 digits + digit or X), that the birth date
    exists and is neither in the future nor before 1850, and the check digit
    (via :func:`stdnum.cn.ric.calc_check_digit`).  The address code is not
    looked up: ``stdnum.cn.ric.validate`` does that against its bundled
    division table, which would refuse people from renamed/merged counties
    missing from it, so it is not used.
    """
    number = normalize_id_number(value)

    if len(number) != ID_NUMBER_LENGTH:
        if len(number) == 15 and number.isascii() and number.isdigit():
            raise ValidationError(ID_MESSAGES[ID_LEGACY_15_CODE], code=ID_LEGACY_15_CODE)
        raise ValidationError(
            ID_MESSAGES[ID_INVALID_LENGTH_CODE],
            code=ID_INVALID_LENGTH_CODE,
            params={"length": len(number)},
        )

    body, check = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise ValidationError(ID_MESSAGES[ID_INVALID_FORMAT_CODE], code=ID_INVALID_FORMAT_CODE)

    raw_date = body[6:14]
    try:
        birth_date = datetime.date(int(raw_date[:4]), int(raw_date[4:6]), int(raw_date[6:8]))
    except ValueError:
        birth_date = None
    if (
        birth_date is None
        or birth_date < ID_NUMBER_MIN_BIRTH_DATE
        or birth_date > datetime.date.today()
    ):
        raise ValidationError(
            ID_MESSAGES[ID_INVALID_BIRTH_DATE_CODE],
            code=ID_INVALID_BIRTH_DATE_CODE,
            params={"date": f"{raw_date[:4]}-{raw_date[4:6]}-{raw_date[6:8]}"},
        )

    # stdnum's calc_check_digit expects the full number (check digit included).
    if check != _stdnum_ric.calc_check_digit(number):
        raise ValidationError(ID_MESSAGES[ID_INVALID_CHECKSUM_CODE], code=ID_INVALID_CHECKSUM_CODE)


# ---------------------------------------------------------------------------
# 电话号码 (mainland China)
# ---------------------------------------------------------------------------

PHONE_REGION = "CN"

PHONE_INVALID_CODE = "phone_invalid"
PHONE_MISSING_AREA_CODE_CODE = "phone_missing_area_code"
PHONE_NOT_MAINLAND_CODE = "phone_not_mainland"
PHONE_EXTENSION_CODE = "phone_extension"

PHONE_MESSAGES = {
    PHONE_INVALID_CODE: _(
        "请输入有效的手机号码或带区号的固定电话号码，例如 13800138000 或 0533-6961359。"
    ),
    PHONE_MISSING_AREA_CODE_CODE: _(
        "固定电话号码缺少区号，请在号码前加上区号，例如 0533-6961359。"
    ),
    PHONE_NOT_MAINLAND_CODE: _("仅支持中国大陆的电话号码（+86）。"),
    PHONE_EXTENSION_CODE: _("请不要填写分机号，只填写总机号码即可。"),
}

#: Number types accepted: mobiles, landlines, and the 400/800 business
#: numbers (shared cost / toll free) companies commonly give as contact.
PHONE_ACCEPTED_TYPES = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.TOLL_FREE,
        phonenumbers.PhoneNumberType.SHARED_COST,
    }
)

# Only digits, "+", spaces and the usual punctuation.  Letters are refused on
# purpose: phonenumbers would read them as keypad letters ("1380013800A").
_PHONE_ALLOWED = re.compile(r"[0-9+()\-.\s]+")
_PHONE_EXTENSION = re.compile(r"(转|分机|ext|#|\d\s*[x*]\s*\d)", re.IGNORECASE)


def _phone_error(code: str) -> ValidationError:
    return ValidationError(PHONE_MESSAGES[code], code=code)


def _parse_phone(value: object) -> phonenumbers.PhoneNumber:
    """Parse and validate; return the number or raise ValidationError."""
    text = _nfkc(value).strip()
    if not _PHONE_ALLOWED.fullmatch(text):
        if _PHONE_EXTENSION.search(text):
            raise _phone_error(PHONE_EXTENSION_CODE)
        raise _phone_error(PHONE_INVALID_CODE)

    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise _phone_error(PHONE_INVALID_CODE) from None

    if not phonenumbers.is_valid_number(number):
        digits = re.sub(r"\D", "", text)
        international = text.startswith("+") or digits.startswith("00")
        if not international and len(digits) in (7, 8) and digits[0] in "23456789":
            raise _phone_error(PHONE_MISSING_AREA_CODE_CODE)
        raise _phone_error(PHONE_INVALID_CODE)

    if phonenumbers.region_code_for_number(number) != PHONE_REGION:
        raise _phone_error(PHONE_NOT_MAINLAND_CODE)

    if phonenumbers.number_type(number) not in PHONE_ACCEPTED_TYPES:
        raise _phone_error(PHONE_INVALID_CODE)

    return number


def validate_phone(value: object) -> None:
    """Validate a mainland China mobile or landline (with area code) number.

    Accepts e.g. ``13800138000``, ``+86 138 0013 8000``, ``0533-6961359``,
    ``05336961359``, ``(0533)6961359`` and 400/800 numbers.  A 7-8 digit
    landline without area code gets a message asking for the 区号.
    Extensions and non-mainland numbers (including +852/+853/+886) are
    refused.
    """
    _parse_phone(value)


def normalize_phone(value: object) -> str:
    """Return the number in E.164 form (``"+8613800138000"``).

    Validates first and raises the same :class:`ValidationError` as
    :func:`validate_phone` for invalid input, so it can be returned directly
    from a form's ``clean_<field>``.
    """
    number = _parse_phone(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
