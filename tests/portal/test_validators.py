import django
from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="zh-hans")
    django.setup()

import datetime  # noqa: E402

import pytest  # noqa: E402
from django import forms  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.utils.functional import Promise  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import settings as hsettings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from stdnum.cn import ric, uscc  # noqa: E402

from portal.display import mask_id_number, mask_phone
from portal.passwords import ComplexityPasswordValidator
from portal.validators import (
    ID_MESSAGES,
    PHONE_MESSAGES,
    USCC_ALPHABET,
    USCC_MESSAGES,
    USCC_REGISTRATION_AUTHORITIES,
    normalize_id_number,
    normalize_phone,
    normalize_uscc,
    validate_id_number,
    validate_phone,
    validate_uscc,
)

FAST = hsettings(max_examples=200, deadline=None, database=None)


def error_of(validator, value):
    with pytest.raises(ValidationError) as excinfo:
        validator(value)
    return excinfo.value


def message_of(validator, value):
    return str(error_of(validator, value).messages[0])


def with_uscc_check(body17):
    return body17 + uscc.calc_check_digit(body17)


def with_ric_check(body17):
    # stdnum's ric.calc_check_digit expects the full number, check digit included.
    return body17 + ric.calc_check_digit(body17 + "0")


# ---------------------------------------------------------------------------
# 统一社会信用代码
# ---------------------------------------------------------------------------

VALID_USCC = {
    "9 工商/企业": "91370303MA3C000004",
    "9 public example": "91350100M000100Y43",
    "5 民政/社会团体": "51370000MJD600000C",
    "A 军委编办": "A1110000MB0000000J",
    "N 村级集体经济组织": "N2370322MF0000000W",
    "Y 其他": "Y1370000MC00000006",
}


def test_literal_examples_match_stdnum_check_digit():
    for code in VALID_USCC.values():
        assert code == with_uscc_check(code[:17])


@pytest.mark.parametrize("code", VALID_USCC.values(), ids=VALID_USCC.keys())
def test_valid_uscc(code):
    validate_uscc(code)


@pytest.mark.parametrize("authority", sorted(USCC_REGISTRATION_AUTHORITIES))
def test_every_registration_authority_is_accepted(authority):
    validate_uscc(with_uscc_check(f"{authority}1370322MA0000001"))


def test_registration_authorities_are_exactly_the_standard_ones():
    assert set(USCC_REGISTRATION_AUTHORITIES) == set("123456789ANY")


def test_normalize_uscc():
    assert normalize_uscc("91350100m000100y43") == "91350100M000100Y43"
    assert normalize_uscc(" 9135-0100 M000100Y43 ") == "91350100M000100Y43"
    # Full-width characters from a Chinese IME.
    assert normalize_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


@pytest.mark.parametrize("value", ["91350100m000100y43", "91350100-M000100Y43", " 91350100 M000100 Y43 "])
def test_validate_uscc_accepts_what_normalize_fixes(value):
    validate_uscc(value)


@pytest.mark.parametrize("length", [17, 19])
def test_uscc_wrong_length(length):
    value = ("91350100M000100Y43" + "1")[:length]
    error = error_of(validate_uscc, value)
    assert error.code == "uscc_invalid_length"
    assert str(error.messages[0]) == f"统一社会信用代码应为18位，当前为{length}位。"


def test_uscc_empty():
    assert message_of(validate_uscc, "") == "统一社会信用代码应为18位，当前为0位。"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_uscc_forbidden_letters(letter):
    value = "91350100M000100Y43"[:9] + letter + "91350100M000100Y43"[10:]
    error = error_of(validate_uscc, value)
    assert error.code == "uscc_invalid_character"
    assert str(error.messages[0]) == (
        f"统一社会信用代码第10位含有非法字符“{letter}”："
        "只能使用数字和大写英文字母，且不使用 I、O、Z、S、V。"
    )


def test_uscc_lowercase_forbidden_letter_is_named_in_uppercase():
    assert "“O”" in message_of(validate_uscc, "91350100o000100Y43")


def test_uscc_other_illegal_character():
    error = error_of(validate_uscc, "91350100M000100Y4!")
    assert error.code == "uscc_invalid_character"
    assert "第18位" in str(error.messages[0]) and "“!”" in str(error.messages[0])


def test_uscc_invisible_character_is_described():
    assert "U+0000" in message_of(validate_uscc, "91350100M000100Y4\x00")


@pytest.mark.parametrize("authority", ["0", "B", "C", "M", "X"])
def test_uscc_unknown_registration_authority(authority):
    error = error_of(validate_uscc, with_uscc_check(f"{authority}1350100M000100Y4"))
    assert error.code == "uscc_invalid_authority"
    assert str(error.messages[0]) == (
        f"统一社会信用代码第1位（登记管理部门代码）“{authority}”不存在，应为 1–9、A、N 或 Y。"
    )


@pytest.mark.parametrize("category", ["0", "A", "N"])
def test_uscc_invalid_category(category):
    error = error_of(validate_uscc, with_uscc_check(f"9{category}350100M000100Y4"))
    assert error.code == "uscc_invalid_category"
    assert str(error.messages[0]) == (
        f"统一社会信用代码第2位（机构类别代码）应为数字 1–9，当前为“{category}”。"
    )


def test_uscc_region_must_be_digits():
    error = error_of(validate_uscc, with_uscc_check("9135A100M000100Y4"))
    assert error.code == "uscc_invalid_region"
    assert str(error.messages[0]) == "统一社会信用代码第3至8位（登记管理机关行政区划码）应为6位数字。"


def test_uscc_wrong_check_character():
    error = error_of(validate_uscc, "91350100M000100Y44")
    assert error.code == "uscc_invalid_checksum"
    assert str(error.messages[0]) == "统一社会信用代码校验位不正确，请核对后重新输入。"


def test_uscc_messages_are_lazy_chinese_msgids():
    for message in USCC_MESSAGES.values():
        assert isinstance(message, Promise)
        assert "统一社会信用代码" in str(message)


def test_uscc_usable_in_form_field_validators():
    field = forms.CharField(validators=[validate_uscc])
    assert field.clean("91350100M000100Y43") == "91350100M000100Y43"
    with pytest.raises(ValidationError) as excinfo:
        field.clean("91350100M000100Y44")
    assert excinfo.value.messages == ["统一社会信用代码校验位不正确，请核对后重新输入。"]


uscc_bodies = st.builds(
    lambda a, c, r, b: a + c + r + b,
    st.sampled_from(sorted(USCC_REGISTRATION_AUTHORITIES)),
    st.sampled_from("123456789"),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
)


@FAST
@given(uscc_bodies)
def test_generated_uscc_always_valid(body):
    validate_uscc(with_uscc_check(body))
    validate_uscc(with_uscc_check(body).lower())


@FAST
@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
def test_uscc_single_substitution_in_alphabet_refused(body, index, char):
    code = with_uscc_check(body)
    if code[index] == char:
        return
    changed = code[:index] + char + code[index + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


@FAST
@given(uscc_bodies, st.integers(min_value=0, max_value=17), st.characters())
def test_uscc_single_change_to_any_character_refused(body, index, char):
    code = with_uscc_check(body)
    # A change that normalises back to the same code (e.g. "m" for "M",
    # full-width digits) is not a change.
    if normalize_uscc(char) == code[index]:
        return
    changed = code[:index] + char + code[index + 1 :]
    with pytest.raises(ValidationError):
        validate_uscc(changed)


# ---------------------------------------------------------------------------
# 居民身份证号码
# ---------------------------------------------------------------------------

VALID_ID = with_ric_check("37032219900101123")


def test_valid_id_number():
    assert VALID_ID == "370322199001011238"
    validate_id_number(VALID_ID)


def test_valid_id_number_with_x_check_digit():
    # Find a sequence number whose check digit is X; accept lowercase x too.
    number = next(
        n for n in (with_ric_check(f"11010119800101{i:03d}") for i in range(1000)) if n.endswith("X")
    )
    validate_id_number(number)
    validate_id_number(number.lower())
    assert normalize_id_number(f" {number.lower()} ") == number


def test_id_wrong_check_digit():
    wrong = VALID_ID[:17] + ("9" if VALID_ID[17] != "9" else "8")
    error = error_of(validate_id_number, wrong)
    assert error.code == "id_invalid_checksum"
    assert str(error.messages[0]) == "居民身份证号码校验位不正确，请核对后重新输入。"


@pytest.mark.parametrize("date", ["20230230", "19901301", "19900100", "18000101"])
def test_id_impossible_birth_date(date):
    number = with_ric_check(f"370322{date}123")
    error = error_of(validate_id_number, number)
    assert error.code == "id_invalid_birth_date"
    assert str(error.messages[0]) == (
        f"居民身份证号码中的出生日期（{date[:4]}-{date[4:6]}-{date[6:]}）无效，请核对后重新输入。"
    )


def test_id_future_birth_date():
    future = datetime.date.today() + datetime.timedelta(days=400)
    number = with_ric_check(f"370322{future:%Y%m%d}123")
    assert error_of(validate_id_number, number).code == "id_invalid_birth_date"


@pytest.mark.parametrize("value", ["37032219900101123", "3703221990010112388", "1234"])
def test_id_wrong_length(value):
    error = error_of(validate_id_number, value)
    assert error.code == "id_invalid_length"
    assert str(error.messages[0]) == f"居民身份证号码应为18位，当前为{len(value)}位。"


def test_id_legacy_15_digits():
    error = error_of(validate_id_number, "370322900101123")
    assert error.code == "id_legacy_15"
    assert str(error.messages[0]) == "15位的第一代身份证号码已停止使用，请输入18位居民身份证号码。"


@pytest.mark.parametrize("value", ["37032219900101123A", "3703221990010112X8", "37032219900101١٢٣8"])
def test_id_bad_format(value):
    error = error_of(validate_id_number, value)
    assert error.code == "id_invalid_format"
    assert str(error.messages[0]) == "居民身份证号码格式不正确：前17位应为数字，最后一位为数字或字母X。"


def test_id_messages_are_lazy():
    assert all(isinstance(m, Promise) for m in ID_MESSAGES.values())


@FAST
@given(
    st.integers(min_value=0, max_value=999999),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date.today()),
    st.integers(min_value=0, max_value=999),
)
def test_generated_id_numbers_valid(area, birth, seq):
    validate_id_number(with_ric_check(f"{area:06d}{birth:%Y%m%d}{seq:03d}"))


# ---------------------------------------------------------------------------
# 电话号码
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "e164"),
    [
        ("13800138000", "+8613800138000"),
        ("+86 138 0013 8000", "+8613800138000"),
        ("+8613800138000", "+8613800138000"),
        ("0086 138-0013-8000", "+8613800138000"),
        ("１３８００１３８０００", "+8613800138000"),
        ("0533-6961359", "+865336961359"),
        ("05336961359", "+865336961359"),
        ("(0533)6961359", "+865336961359"),
        ("（0533）6961359", "+865336961359"),
        ("0533 6961359", "+865336961359"),
        ("+86 533 6961359", "+865336961359"),
        ("010-12345678", "+861012345678"),
        ("400-810-8888", "+864008108888"),
    ],
)
def test_valid_phones_normalised_to_e164(value, e164):
    validate_phone(value)
    assert normalize_phone(value) == e164


def test_zero_after_area_code_is_not_a_valid_landline():
    # "0533 0696 1359": a subscriber number cannot start with 0.
    assert error_of(validate_phone, "053306961359").code == "phone_invalid"


@pytest.mark.parametrize("value", ["6961359", "69613590", "696-1359"])
def test_landline_without_area_code(value):
    error = error_of(validate_phone, value)
    assert error.code == "phone_missing_area_code"
    assert str(error.messages[0]) == "固定电话号码缺少区号，请在号码前加上区号，例如 0533-6961359。"


@pytest.mark.parametrize(
    "value", ["12345", "1380013800", "138001380001", "95588", "abc", "1380013800A", "0533-696135", "+"]
)
def test_invalid_phones(value):
    error = error_of(validate_phone, value)
    assert error.code == "phone_invalid"
    assert str(error.messages[0]) == (
        "请输入有效的手机号码或带区号的固定电话号码，例如 13800138000 或 0533-6961359。"
    )


@pytest.mark.parametrize("value", ["+1 650 253 0000", "+852 6123 4567", "+886 912 345 678"])
def test_non_mainland_phones(value):
    error = error_of(validate_phone, value)
    assert error.code == "phone_not_mainland"
    assert str(error.messages[0]) == "仅支持中国大陆的电话号码（+86）。"


@pytest.mark.parametrize("value", ["0533-6961359 转 8001", "0533-6961359 ext. 8001", "0533-6961359#8001"])
def test_phone_extension_refused(value):
    error = error_of(validate_phone, value)
    assert error.code == "phone_extension"
    assert str(error.messages[0]) == "请不要填写分机号，只填写总机号码即可。"


def test_normalize_phone_raises_validation_error():
    with pytest.raises(ValidationError) as excinfo:
        normalize_phone("6961359")
    assert excinfo.value.code == "phone_missing_area_code"


def test_phone_messages_are_lazy():
    assert all(isinstance(m, Promise) for m in PHONE_MESSAGES.values())


# ---------------------------------------------------------------------------
# Random input never raises anything but ValidationError
# ---------------------------------------------------------------------------


@FAST
@given(st.one_of(st.text(), st.text(alphabet="0123456789+-() xX转#ABCDEFGHJKLMNPQRTUWXY", max_size=25)))
@pytest.mark.parametrize(
    "validator",
    [validate_uscc, validate_id_number, validate_phone, normalize_phone],
    ids=["uscc", "id_number", "phone", "normalize_phone"],
)
def test_random_strings_only_raise_validation_error(validator, value):
    try:
        validator(value)
    except ValidationError as error:
        assert error.messages and all(isinstance(m, str) for m in error.messages)


@FAST
@given(st.text())
def test_random_passwords_only_raise_validation_error(value):
    try:
        ComplexityPasswordValidator().validate(value)
    except ValidationError as error:
        assert error.code == "password_too_simple"


@FAST
@given(st.one_of(st.none(), st.text()))
def test_mask_helpers_never_raise(value):
    assert isinstance(mask_phone(value), str)
    assert isinstance(mask_id_number(value), str)
    assert isinstance(normalize_uscc(value), str)


# ---------------------------------------------------------------------------
# 密码复杂度
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["abcDEF123", "abcdef12#", "ABCDEF12#", "abcDEF#$%", "aB3#"])
def test_complex_passwords_accepted(password):
    ComplexityPasswordValidator().validate(password)


@pytest.mark.parametrize("password", ["abcdefgh", "abcdef123", "ABCDEF123", "abc#$%", "12345678", ""])
def test_simple_passwords_refused(password):
    error = error_of(ComplexityPasswordValidator().validate, password)
    assert error.code == "password_too_simple"
    assert str(error.messages[0]) == (
        "密码过于简单：需至少包含以下四类字符中的3类：小写字母、大写字母、数字、其他符号。"
    )


def test_min_classes_option():
    validator = ComplexityPasswordValidator(min_classes=4)
    validator.validate("abcDEF12#")
    error = error_of(validator.validate, "abcDEF123")
    assert "中的4类" in str(error.messages[0])
    ComplexityPasswordValidator(min_classes=2).validate("abcdef123")


def test_non_ascii_characters_count_as_other():
    # CJK characters count as "other symbols".
    ComplexityPasswordValidator().validate("abc123标杆")


@pytest.mark.parametrize("bad", [0, 5, "3", True])
def test_min_classes_out_of_range(bad):
    with pytest.raises(ValueError):
        ComplexityPasswordValidator(min_classes=bad)


def test_password_help_text():
    assert ComplexityPasswordValidator().get_help_text() == (
        "密码需至少包含小写字母、大写字母、数字、其他符号这四类字符中的3类。"
    )


def test_password_validator_through_django_api():
    from django.contrib.auth.password_validation import get_password_validators, validate_password

    validators = get_password_validators(
        [{"NAME": "portal.passwords.ComplexityPasswordValidator", "OPTIONS": {"min_classes": 3}}]
    )
    validate_password("Abc12345", password_validators=validators)
    with pytest.raises(ValidationError) as excinfo:
        validate_password("abc12345", password_validators=validators)
    assert excinfo.value.error_list[0].code == "password_too_simple"


# ---------------------------------------------------------------------------
# 脱敏显示
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13800001234", "138****1234"),
        ("+8613800001234", "138****1234"),
        ("+86 138 0000 1234", "138****1234"),
        ("0533-6961359", "053****1359"),
        ("", ""),
        (None, ""),
        ("1234", "****"),
        ("123456", "**3456"),
    ],
)
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("370322199001011234", "370322********1234"),
        ("37032219900101123x", "370322********123X"),
        ("370322900101123", "370322*****1123"),
        ("", ""),
        (None, ""),
        ("12345", "*2345"),
    ],
)
def test_mask_id_number(value, masked):
    assert mask_id_number(value) == masked
