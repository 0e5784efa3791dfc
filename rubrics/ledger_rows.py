"""One row of a ledger (台账, rubrics/ledger.py): the vocabulary of a row (its `Outcome`, `LedgerRow`, the item's
`LedgerRules`), the keyed hash of its ID number, and the checks that count it or refuse it (`classify`), in the order
rubrics/ledger.py describes. rubrics/ledger.py reads the file and imports these names again for its callers.
"""

from __future__ import annotations

import datetime
import hmac
import re
import unicodedata
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from portal.display import cn_date, mask_id_number
from portal.validators import normalize_id_number, validate_id_number

_HASH_SALT = "rubrics.ledger.id_number"
_FOLD = re.compile(r"[\s\"'“”‘’「」『』]+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_FIRST_SERIAL, _LAST_SERIAL = 18_264, 2_958_465  # an Excel date serial from 1950-01-01 (a small number is no date)


class LedgerError(ValueError):
    """The file as a whole cannot be read as a ledger (not an .xlsx file, no header row, too many rows); the message
    is for the person who uploaded it."""


class Outcome(StrEnum):
    ACHIEVED = "achieved"  # in the numerator and the denominator
    COUNTED = "counted"  # in the denominator only
    EXCLUDED = "excluded"  # out of the denominator (剔除)
    REFUSED = "refused"  # not used: the row has a problem


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.ACHIEVED: _("计入分子和分母"),
        Outcome.COUNTED: _("只计入分母"),
        Outcome.EXCLUDED: _("剔除"),
        Outcome.REFUSED: _("不予采用"),
    }[outcome]


@dataclass(frozen=True, slots=True)
class LedgerRow:
    row: int  # the spreadsheet's row number (the header is row 1)
    name: str
    id_masked: str  # never the number in clear
    id_hash: str  # keyed hash of a valid number ("" when the number is invalid)
    registered: datetime.date | None
    status: str
    reason: str
    note: str
    outcome: Outcome
    why: str  # in Chinese: why the row counted as it did, or every problem that refused it


def fold(text: object) -> str:
    """A status or reason as compared: full-width folded, spaces and quotation marks removed."""
    return _FOLD.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text)))


@dataclass(frozen=True)
class LedgerRules:
    """An item's `ledger` key, checked: which statuses and reasons count how."""

    code: str
    achieved_statuses: tuple[str, ...]
    counted_statuses: tuple[str, ...]
    achieved_reasons: tuple[str, ...]
    excluded_reasons: tuple[str, ...]

    @classmethod
    def of(cls, item: Mapping) -> LedgerRules:
        spec = item.get("ledger")
        if not isinstance(spec, Mapping):
            raise LedgerError(_("评分项%(code)s没有台账规则，不能导入台账。") % {"code": item.get("code", "")})
        if item.get("kind") != "rate":
            raise LedgerError(_("评分项%(code)s不是按比例计分的项，不能导入台账。") % {"code": item.get("code", "")})
        lists = {
            key: tuple(str(value).strip() for value in spec.get(key, ()))
            for key in ("achieved_statuses", "counted_statuses", "achieved_reasons", "excluded_reasons")
        }
        statuses = [fold(value) for value in lists["achieved_statuses"] + lists["counted_statuses"]]
        reasons = [fold(value) for value in lists["achieved_reasons"] + lists["excluded_reasons"]]
        if not lists["achieved_statuses"] or not all(statuses + reasons):
            raise ValueError(f"{item.get('code')}: a ledger needs achieved_statuses, and no empty entry")
        if len(set(statuses)) != len(statuses) or len(set(reasons)) != len(reasons):
            raise ValueError(f"{item.get('code')}: a status or a reason is listed twice in the ledger")
        return cls(code=str(item.get("code", "")), **lists)

    @property
    def statuses(self) -> tuple[str, ...]:
        return self.achieved_statuses + self.counted_statuses

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.achieved_reasons + self.excluded_reasons



# --- the keyed hash ------------------------------------------------------------------------------------------------


def hash_key() -> bytes:
    return salted_hmac(_HASH_SALT, "ledger id numbers", algorithm="sha256").digest()


def id_hash(number: str, key: bytes | None = None) -> str:
    """A valid ID number's keyed hash (32 hex digits), the same for the same number under the same SECRET_KEY."""
    return hmac.digest(key or hash_key(), normalize_id_number(number).encode(), "sha256").hex()[:32]

# --- one row ---------------------------------------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()[:10]
    return str(value).strip()


def _date(value, epoch) -> datetime.date | None:
    """A registration date from a date cell, an Excel date serial (a date cell in a format openpyxl does not know as
    a date, e.g. the Chinese 「2024年3月1日」 built-ins) or text such as 2024-03-01, 2024/3/1, 2024年3月1日, 20240301.
    None when it is no date; ValueError for an impossible one (2024-02-30)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value == int(value) and 19_000_101 <= value <= 99_991_231:
            value = str(int(value))  # 20240301 typed as a number
        elif _FIRST_SERIAL <= value <= _LAST_SERIAL:
            return from_excel(value, epoch=epoch).date()
        else:
            return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = _DATE.fullmatch(text.split(" ")[0]) or _COMPACT_DATE.fullmatch(text)
    if match is None:
        return None
    return datetime.date(*(int(part) for part in match.groups()))


@dataclass
class RowContext:
    """What every row is checked against: the item's rules, the hash key, the latest date allowed, the numbers seen."""

    rules: LedgerRules
    key: bytes
    epoch: datetime.datetime
    latest: datetime.date  # no registration after this (today, or the period's end)
    latest_reason: str
    elsewhere: Mapping[str, str] | Container[str]
    achieved_statuses: frozenset[str] = frozenset()
    counted_statuses: frozenset[str] = frozenset()
    achieved_reasons: frozenset[str] = frozenset()
    excluded_reasons: frozenset[str] = frozenset()
    seen: dict[str, int] = field(default_factory=dict)  # id hash → its first row

    def __post_init__(self):
        for name in ("achieved_statuses", "counted_statuses", "achieved_reasons", "excluded_reasons"):
            setattr(self, name, frozenset(fold(value) for value in getattr(self.rules, name)))


def classify(number: int, values: dict, context: RowContext) -> LedgerRow:
    """One data row (spreadsheet row `number`, its values by canonical header) counted, or refused with every problem."""
    problems: list[str] = []
    name = _text(values["姓名"])
    if not name:
        problems.append(_("未填写姓名"))
    id_masked, digest = _check_id(number, values["身份证号码"], context, problems)
    registered = _check_date(values["登记日期"], context, problems)
    status, reason, note = _text(values["状态/去向"]), _text(values["注销原因"]), _text(values["备注"])
    status_key, reason_key = fold(status), fold(reason)
    _check_status(status, reason, status_key, reason_key, context, problems)
    outcome, why = _outcome(problems, status, reason, status_key, reason_key, context)
    return LedgerRow(
        row=number, name=name, id_masked=id_masked, id_hash=digest, registered=registered, status=status,
        reason=reason, note=note, outcome=outcome, why=why,
    )


def _check_id(number: int, raw_id, context: RowContext, problems: list[str]) -> tuple[str, str]:
    """The row's masked ID number and keyed hash ("" unless valid), its problems (missing, invalid, seen before) noted."""
    number_cell = isinstance(raw_id, int | float) and not isinstance(raw_id, bool)
    id_masked = "" if number_cell else mask_id_number(raw_id)
    digest = ""
    if raw_id is None or _text(raw_id) == "":
        problems.append(_("未填写身份证号码"))
    elif number_cell:  # a number in Excel keeps 15 significant digits: the last ones are lost
        problems.append(_("身份证号码被存成了数字，末几位已丢失：请把该列设为“文本”后重新填写"))
    else:
        try:
            validate_id_number(raw_id)
        except ValidationError as error:
            problems.append(str(error.messages[0]).rstrip("。"))
        else:
            digest = id_hash(raw_id, context.key)
            _check_duplicate(number, digest, context, problems)
    return id_masked, digest


def _check_duplicate(number: int, digest: str, context: RowContext, problems: list[str]) -> None:
    """A valid number already in an earlier row, or in another ledger, refuses the row; else it is remembered."""
    first = context.seen.get(digest)
    if first is not None:
        problems.append(_("身份证号码与第%(row)s行重复") % {"row": first})
        return
    context.seen[digest] = number
    where = _elsewhere(context.elsewhere, digest)
    if where is not None:
        problems.append(
            _("该身份证号码已在%(where)s的台账中") % {"where": where} if where else _("该身份证号码已在其他台账中")
        )


def _check_date(raw_date, context: RowContext, problems: list[str]) -> datetime.date | None:
    """The registration date (None when missing or no date), its problems (missing, invalid, too late) noted."""
    if raw_date is None or _text(raw_date) == "":
        problems.append(_("未填写登记日期"))
        return None
    try:
        registered = _date(raw_date, context.epoch)
    except ValueError:
        problems.append(_("登记日期“%(value)s”不是有效日期") % {"value": _text(raw_date)})
        return None
    if registered is None:
        problems.append(_("登记日期“%(value)s”不是日期，应写作如2024-03-01") % {"value": _text(raw_date)})
    elif registered > context.latest:
        problems.append(context.latest_reason % {"date": cn_date(registered), "end": cn_date(context.latest)})
    return registered


def _check_status(
    status: str, reason: str, status_key: str, reason_key: str, context: RowContext, problems: list[str]
) -> None:
    """Notes a status or reason the item does not list, a status contradicting the reason, or neither given."""
    rules = context.rules
    if status_key and status_key not in context.achieved_statuses | context.counted_statuses:
        problems.append(
            _("状态/去向“%(status)s”不是本项可填的状态（可填：%(allowed)s）")
            % {"status": status, "allowed": "、".join(rules.statuses)}
        )
    if reason_key and reason_key not in context.achieved_reasons | context.excluded_reasons:
        problems.append(
            _("注销原因“%(reason)s”不是本项列出的原因（可填：%(allowed)s；因就业注销的，状态填“%(achieved)s”、注销原因留空）")
            % {"reason": reason, "allowed": "、".join(rules.reasons), "achieved": rules.achieved_statuses[0]}
        )
    elif reason_key in context.excluded_reasons and status_key in context.achieved_statuses:
        problems.append(
            _("状态为“%(status)s”，注销原因却是非就业情形“%(reason)s”，两者矛盾") % {"status": status, "reason": reason}
        )
    elif reason_key in context.achieved_reasons and status_key in context.counted_statuses:
        problems.append(
            _("状态为“%(status)s”，注销原因却是计为就业的“%(reason)s”，两者矛盾") % {"status": status, "reason": reason}
        )
    elif not reason_key and not status_key:
        problems.append(_("未填写状态/去向"))


def _outcome(
    problems: list[str], status: str, reason: str, status_key: str, reason_key: str, context: RowContext
) -> tuple[Outcome, str]:
    """How the row counts and why, in Chinese: refused on any problem, else by its reason, else by its status."""
    if problems:
        return Outcome.REFUSED, "；".join(problems) + "。"
    if reason_key in context.excluded_reasons:
        return Outcome.EXCLUDED, _("注销原因“%(reason)s”属非就业情形：从分母中剔除。") % {"reason": reason}
    if reason_key in context.achieved_reasons:
        return Outcome.ACHIEVED, _("注销原因“%(reason)s”计为实现就业：计入分子和分母。") % {"reason": reason}
    if status_key in context.achieved_statuses:
        return Outcome.ACHIEVED, _("状态/去向为“%(status)s”：计入分子和分母。") % {"status": status}
    return Outcome.COUNTED, _("状态/去向为“%(status)s”：只计入分母。") % {"status": status}


def _elsewhere(elsewhere, digest: str) -> str | None:
    """Where else the number is ("" when the caller did not say), None when nowhere."""
    if isinstance(elsewhere, Mapping):
        return str(elsewhere[digest]) if digest in elsewhere else None
    return "" if digest in elsewhere else None

