"""Identifiers, phone numbers and dates as pages and documents show them. Never raise: a value that does not parse
is shown masked or as it is."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils import timezone

from portal.validators import _nfkc, _parse_phone, normalize_id_number


def _mask_digits(text: str, keep_start: int, keep_end: int) -> str:
    """Mask the middle of *text*; short values keep at most their last 4."""
    if len(text) > keep_start + keep_end:
        return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[-keep_end:]
    if len(text) > 4:
        return "*" * (len(text) - 4) + text[-4:]
    return "*" * len(text)


def mask_phone(value: object) -> str:
    """Mask a phone number for display: ``"13800001234"`` → ``"138****1234"``.

    Accepts any of the formats :func:`validate_phone` accepts (including the
    stored E.164 ``"+8613800001234"``); mainland numbers are shown in
    national digits (landlines with the leading 0 of the area code).  Keeps
    the first 3 and last 4 digits.  Never raises; ``None``/empty gives "".
    """
    text = _nfkc(value).strip()
    if not text:
        return ""
    try:
        number = _parse_phone(text)
    except ValidationError:
        digits = re.sub(r"\D", "", text)
    else:
        national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        digits = re.sub(r"\D", "", national)
    return _mask_digits(digits, 3, 4)


def mask_id_number(value: object) -> str:
    """Mask an ID number for display, keeping the first 6 and last 4.

    ``"370322199001011234"`` → ``"370322********1234"``.  Never raises;
    ``None``/empty gives "".
    """
    return _mask_digits(normalize_id_number(value), 6, 4)


def format_phone(value: object) -> str:
    """Show a stored (E.164) number in China's national format; anything unparsable is shown as it is."""
    text = "" if value is None else str(value)
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        return text
    national = phonenumbers.national_significant_number(number)
    area = phonenumbers.length_of_geographical_area_code(number)
    if area:  # a landline, written 0533-6961000
        return f"0{national[:area]}-{national[area:]}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def cn_date(value) -> str:
    """A date as Chinese prose writes it: 2026年3月1日 (no leading zeros), the same as the templates' 「Y年n月j日」."""
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value) -> str:
    """A moment in Beijing time as prose writes it: 2026年12月18日17:30."""
    local = timezone.localtime(value)
    return f"{cn_date(local)}{local:%H:%M}"
