"""Values as agents type them: amounts (``¥12``, ``12元``, ``1,280.00``, ``9.9``) and times
(``2025/4/20 10:02``, ``2025年4月20日 10:02``, ``4月20日 10:02`` with the year from the case).

Pure functions. A value that cannot be read raises :class:`ValueProblem`, which carries the
field, the value and an example that works, in both languages, for the caller to show.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from disputekit.clock import CHINA_TZ, YEARS, parse_time

AMOUNT_EXAMPLE = "128.50"
CENT = Decimal("0.01")
TIME_EXAMPLE = "2025-04-20 10:02"
_CURRENCY = re.compile(r"^(?:¥|￥|RMB|CNY|人民币)\s*|\s*(?:元|块|RMB|CNY)$", re.I)
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_CN_DATE = re.compile(
    r"^(?:(?P<y>\d{4})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时点]\s*(?P<M>\d{1,2})\s*分?(?:\s*[:：]?\s*(?P<S>\d{1,2})\s*秒?)?)?$"
)
_MONTH_DAY = re.compile(r"^(?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?:\s+(?P<rest>\d{1,2}:\d{2}(?::\d{2})?))?$")


class ValueProblem(ValueError):
    """A typed value that cannot be read: names the field, the value and a working example."""

    def __init__(self, field: str, value: object, example: str, zh: str = "", en: str = "") -> None:
        self.field, self.value, self.example = field, value, example
        self.zh = f"{field} 的值“{value}”无法识别{('：' + zh) if zh else ''}。示例：{example}"
        self.en = f"{field}: cannot read {str(value)!r}{(' (' + en + ')') if en else ''}; e.g. {example}"
        super().__init__(self.en)


def parse_amount(value: object, field: str = "amount") -> Decimal:
    """CNY with at most 2 decimals from ``128.5``, ``"¥12"``, ``"12元"``, ``"1,280.00"``."""
    if isinstance(value, bool):
        raise ValueProblem(field, value, AMOUNT_EXAMPLE)
    if isinstance(value, (int, Decimal)):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(str(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        text = _CURRENCY.sub("", _CURRENCY.sub("", text)).strip().replace(" ", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueProblem(field, value, AMOUNT_EXAMPLE, "应为金额，可带 ¥、元或千位逗号",
                               "an amount; ¥, 元 and thousands commas are fine") from None
    if not amount.is_finite():
        raise ValueProblem(field, value, AMOUNT_EXAMPLE, "应为金额", "not an amount")
    if amount < 0:
        raise ValueProblem(field, value, AMOUNT_EXAMPLE, "金额不能为负", "must not be negative")
    if amount >= Decimal("1e10"):
        raise ValueProblem(field, value, AMOUNT_EXAMPLE, "金额过大", "too large")
    if amount != amount.quantize(CENT):
        raise ValueProblem(field, value, AMOUNT_EXAMPLE, "最多两位小数", "at most 2 decimals")
    return amount.quantize(CENT)


@dataclass(frozen=True)
class TypedTime:
    at: datetime
    year_assumed: int | None = None  # the year taken from the case when the text had none


def parse_typed_time(text: str, field: str, *, year: int | None = None,
                     tz: timezone = CHINA_TZ) -> TypedTime:
    """A time as typed: ISO 8601, ``2025/4/20 10:02``, ``2025年4月20日 10:02``, and with
    ``year`` given, ``4月20日 10:02`` or ``4-20 10:02`` (the result says the year was assumed).
    China time unless an offset is given."""
    raw = unicodedata.normalize("NFKC", text).strip()
    found = _CN_DATE.match(raw)
    assumed = None
    if found:
        parts = found.groupdict()
        if parts["y"] is None:
            if year is None:
                raise _no_year(field, text)
            assumed = year
        raw = (f"{parts['y'] or year}-{parts['m']}-{parts['d']} "
               f"{parts['H'] or 0}:{parts['M'] or 0}:{parts['S'] or 0}")
    elif (short := _MONTH_DAY.match(raw)) and year is not None:
        assumed = year
        raw = f"{year}-{short['m']}-{short['d']} {short['rest'] or '0:00'}"
    try:
        at = parse_time(raw, tz)
    except (ValueError, OverflowError):
        raise ValueProblem(field, text, TIME_EXAMPLE, "应为日期和时间（北京时间）",
                           "a date and time, China time") from None
    if at.year not in YEARS:
        raise ValueProblem(field, text, TIME_EXAMPLE, f"年份应在 {YEARS.start}–{YEARS.stop - 1}",
                           f"the year must be within {YEARS.start}–{YEARS.stop - 1}")
    return TypedTime(at, assumed)


def _no_year(field: str, text: str) -> ValueProblem:
    return ValueProblem(field, text, TIME_EXAMPLE, "没有年份，请写上年份", "no year; add the year")
