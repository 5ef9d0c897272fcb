"""Shared helpers of the screenshot readers: vocabulary, times with OCR quirks, line geometry.

Times: ``find_times`` finds full datetimes ("2025-04-18 14:32:07", also "2025-04-1814:32:07" or
"2025年4月18日 14:32"), month-day times ("04-18 16:20", "04-1816:20") and clock times ("10:02").
A month-day time takes its year from the case's reference dates and is never later than the
capture (``ScreenContext.complete``). Geometry: boxes are (x0, y0, x1, y1) in image pixels.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import Field, field_validator

from disputekit.clock import CHINA_TZ
from disputekit.models.facts import Frozen
from disputekit.models.screen import OcrLine


# ------------------------------------------------------------------------------ vocabulary
class Markers(Frozen):
    titles: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


class TrackingWords(Frozen):
    phase_labels: tuple[str, ...]
    waybill_labels: tuple[str, ...]
    waybill_pattern: re.Pattern[str]
    skip_lines: tuple[str, ...]
    address_labels: tuple[str, ...]
    column_headers: tuple[str, ...]
    courier_names: dict[str, str] = Field(description="display name → courier code")


class ChatWords(Frozen):
    seller_app_markers: tuple[str, ...]
    buyer_app_markers: tuple[str, ...]
    read_labels: dict[str, Literal["read", "unread", "sending"]]
    chrome: tuple[str, ...]
    system: tuple[str, ...]
    relative_days: dict[str, int]


class RefundWords(Frozen):
    id_labels: tuple[str, ...]
    amount_labels: tuple[str, ...]
    state_labels: tuple[str, ...]
    requested_labels: tuple[str, ...]
    states: tuple[str, ...]
    countdown_patterns: tuple[re.Pattern[str], ...]

    @field_validator("countdown_patterns")
    @classmethod
    def _has_groups(cls, patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
        for pattern in patterns:
            if not {"d", "h", "m"} <= set(pattern.groupindex):
                raise ValueError(f"{pattern.pattern!r}: needs groups d, h and m")
        return patterns


class Vocabulary(Frozen):
    classify: dict[Literal["tracking", "chat", "refund"], Markers]
    tracking: TrackingWords
    chat: ChatWords
    refund: RefundWords


@cache
def load_vocabulary() -> Vocabulary:
    """The validated vocabulary shipped in disputekit/data/screens.toml."""
    text = resources.files("disputekit.data").joinpath("screens.toml").read_text("utf-8")
    return Vocabulary.model_validate(tomllib.loads(text))


# ------------------------------------------------------------------------------ context
class ScreenContext(Frozen):
    """What the case knows that helps read a screenshot. Every field may be missing."""

    ordered_at: datetime | None = None
    shipped_at: datetime | None = None
    requested_at: datetime | None = None
    captured_at: datetime | None = Field(default=None, description="when the shot was taken")
    width: int = Field(default=0, ge=0)
    height: int = Field(default=0, ge=0)
    buyer: str | None = None
    seller: str | None = None
    courier: str | None = None
    waybill: str | None = None

    def complete(self, when: Clock) -> datetime | None:
        """The datetime of a found time; None when a month-day time has no year to take."""
        if when.year is not None:
            return _make(when.year, when)
        anchor = self.ordered_at or self.shipped_at or self.requested_at or self.captured_at
        if anchor is None:
            return None
        anchor = anchor.astimezone(CHINA_TZ)
        options = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1) if (d := _make(y, when))]
        if self.captured_at is not None:
            options = [d for d in options if d <= self.captured_at] or options[:1]
        return min(options, key=lambda d: abs(d - anchor), default=None)


@dataclass(frozen=True)
class Clock:
    """A time found in a line: ``start``/``end`` is its span in the line's text."""

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    second: int = 0

    @property
    def has_date(self) -> bool:
        return self.month is not None

    @property
    def has_clock(self) -> bool:
        return self.hour is not None


def _make(year: int, when: Clock) -> datetime | None:
    try:
        return datetime(year, when.month or 0, when.day or 0, when.hour or 0, when.minute or 0,
                        when.second, tzinfo=CHINA_TZ)
    except ValueError:
        return None


# ------------------------------------------------------------------------------ times
_CLOCK = r"(?P<h>[01]?\d|2[0-3])\s*:\s*(?P<mi>[0-5]\d)(?:\s*:\s*(?P<s>[0-5]\d))?(?![\d:])"
_FULL = re.compile(
    r"(?P<y>20\d{2})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})(?!\d{3})\s*日?\s*"
    rf"(?:{_CLOCK})?"
)
_MONTH_DAY = re.compile(
    r"(?<![\d.:/-])(?P<mo>\d{1,2})\s*[-/月]\s*(?P<d>\d{1,2})\s*日?\s*" + rf"(?:{_CLOCK})?"
)
_CLOCK_ONLY = re.compile(r"(?<![\d:.])" + _CLOCK)


def normalize(text: str) -> str:
    """Full-width digits and punctuation as ASCII, one character for one (spans stay valid)."""
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        out.append(folded if len(folded) == 1 else char)
    return "".join(out)


def find_times(text: str) -> list[Clock]:
    """Every time in ``text``, left to right, most complete form first where they overlap."""
    plain = normalize(text)
    found: list[Clock] = []
    taken: list[range] = []
    for pattern in (_FULL, _MONTH_DAY, _CLOCK_ONLY):
        for match in pattern.finditer(plain):
            clock = _clock(match)
            if clock is None or any(clock.start in r or clock.end - 1 in r for r in taken):
                continue
            found.append(clock)
            taken.append(range(clock.start, clock.end))
    return sorted(found, key=lambda c: c.start)


def _clock(match: re.Match[str]) -> Clock | None:
    parts = match.groupdict()
    month = int(parts["mo"]) if parts.get("mo") else None
    day = int(parts["d"]) if parts.get("d") else None
    hour = int(parts["h"]) if parts.get("h") else None
    if month is not None and not (1 <= month <= 12 and day is not None and 1 <= day <= 31):
        return None
    if month is not None and parts.get("y") is None and hour is None:
        return None if re.search(r"[/.]", match.group(0)) else _date_only(match, month, day)
    return Clock(
        start=match.start(),
        end=match.end() if hour is not None else match.start("d") + len(parts["d"] or ""),
        year=int(parts["y"]) if parts.get("y") else None,
        month=month,
        day=day,
        hour=hour,
        minute=int(parts["mi"]) if parts.get("mi") else None,
        second=int(parts["s"]) if parts.get("s") else 0,
    )


def _date_only(match: re.Match[str], month: int, day: int | None) -> Clock:
    return Clock(match.start(), match.start("d") + len(str(match.group("d"))), None, month, day,
                 None, None)


def is_only_time(text: str, clock: Clock) -> bool:
    """True when the line holds nothing but the time (and punctuation)."""
    rest = normalize(text)[: clock.start] + normalize(text)[clock.end :]
    return not re.sub(r"[\s:：,，.。·|/\-]+", "", rest)


def day_offset(clock: Clock, days_back: int, reference: datetime) -> datetime:
    """A clock time ``days_back`` days before ``reference`` (the capture)."""
    day = (reference.astimezone(CHINA_TZ) - timedelta(days=days_back)).date()
    return datetime(day.year, day.month, day.day, clock.hour or 0, clock.minute or 0,
                    clock.second, tzinfo=CHINA_TZ)


# ------------------------------------------------------------------------------ geometry
def height(line: OcrLine) -> int:
    return max(1, line.box[3] - line.box[1])


def same_row(a: OcrLine, b: OcrLine) -> bool:
    """The two lines overlap vertically by at least half the smaller height."""
    overlap = min(a.box[3], b.box[3]) - max(a.box[1], b.box[1])
    return overlap >= 0.5 * min(height(a), height(b))


def gap(upper: OcrLine, lower: OcrLine) -> int:
    """Vertical space between ``upper``'s bottom and ``lower``'s top (negative: overlap)."""
    return lower.box[1] - upper.box[3]


def reading_order(lines: Sequence[OcrLine]) -> list[int]:
    """Indices top to bottom, then left to right within a row."""
    order = sorted(range(len(lines)), key=lambda i: (lines[i].box[1], lines[i].box[0]))
    rows: list[list[int]] = []
    for index in order:
        if rows and same_row(lines[rows[-1][0]], lines[index]):
            rows[-1].append(index)
        else:
            rows.append([index])
    return [i for row in rows for i in sorted(row, key=lambda j: lines[j].box[0])]


def side(line: OcrLine, width: int) -> Literal["left", "right", "center"]:
    """Which side of the image a line hugs; centred lines (time separators) are 'center'."""
    x0, _, x1, _ = line.box
    left, right = x0, width - x1
    if abs(left - right) <= 0.06 * width:
        return "center"
    return "left" if left < right else "right"


def min_confidence(lines: Sequence[OcrLine]) -> float:
    return min((line.confidence for line in lines), default=0.0)


def compact(text: str) -> str:
    """Text without spaces (OCR adds and drops them at will)."""
    return re.sub(r"\s+", "", text)


def union_box(lines: Sequence[OcrLine], indices: Sequence[int]) -> tuple[int, int, int, int]:
    """The box around the given lines."""
    boxes = [lines[i].box for i in indices]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def row_neighbours(lines: Sequence[OcrLine], picked: list[int], taken: set[int]) -> list[int]:
    """A text line OCR split in two boxes: add the boxes to the right on the same row."""
    out: list[int] = []
    for index in picked:
        row = [i for i, line in enumerate(lines) if i == index or (
            i not in taken and i not in picked and same_row(lines[index], line)
            and line.box[0] > lines[index].box[0])]
        out += sorted(row, key=lambda i: lines[i].box[0])
    return out


def join_text(parts: Sequence[str]) -> str:
    """Wrapped pieces of one text: CJK joined directly, a space between Latin words."""
    text = ""
    for part in (p.strip() for p in parts):
        glue = " " if text[-1:].isascii() and text[-1:].isalnum() and part[:1].isascii() and part[:1].isalnum() else ""
        text += glue + part if text else part
    return text.strip()
