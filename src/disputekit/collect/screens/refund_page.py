"""Refund detail pages (退款详情) read from OCR lines → refund id, amount, state, countdown.

Values are found next to their label: after it on the same line ("退款编号：2025…"), on the same
row to the right (phone key/value lists), or on the line below. The countdown ("还剩2天13时05分",
"还剩 1天 23小时 59分") becomes a deadline counted from the capture time the caller gives; the
caller says where that time came from (image metadata, file time, time added).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from pydantic import Field

from disputekit.collect.parse.tracking import warn
from disputekit.collect.screens.common import (
    ScreenContext,
    compact,
    find_times,
    gap,
    height,
    load_vocabulary,
    normalize,
    reading_order,
    same_row,
)
from disputekit.models.facts import Frozen
from disputekit.models.screen import OcrLine, Source

_AMOUNT = re.compile(r"[¥￥]?\s*(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d{1,9}(?:\.\d{1,2})?)(?!\d)")
_REFUND_ID = re.compile(r"(?<!\d)(\d{8,25})(?!\d)")


class RefundReading(Frozen):
    refund_id: str | None = None
    amount: Decimal | None = Field(default=None, description="in yuan, as shown")
    state: str | None = None
    requested_at: datetime | None = None
    countdown: timedelta | None = Field(default=None, description="time left as shown")
    deadline: datetime | None = Field(default=None, description="capture time + countdown")
    sources: dict[str, Source] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


def read_refund(lines: Sequence[OcrLine], ctx: ScreenContext) -> RefundReading | None:
    """The refund's facts on the page, or None when it shows none of them."""
    words = load_vocabulary().refund
    values: dict[str, object] = {}
    sources: dict[str, Source] = {}

    def put(key: str, value: object, index: int | None) -> None:
        if value is not None and index is not None:
            values[key] = value
            sources[key] = Source(line=index, confidence=lines[index].confidence)

    text, index = labelled(lines, words.id_labels)
    put("refund_id", _first(_REFUND_ID, text), index)
    text, index = labelled(lines, words.amount_labels)
    put("amount", _amount(text), index)
    put(*_state(lines))
    text, index = labelled(lines, words.requested_labels)
    times = find_times(text or "")
    put("requested_at", ctx.complete(times[0]) if times and times[0].has_date else None, index)
    countdown, index = _countdown(lines)
    put("countdown", countdown, index)
    if not values:
        return None
    warnings: list[str] = []
    if countdown is not None and index is not None:
        if ctx.captured_at is None:
            warnings.append(warn("截图时间未知，无法由倒计时推算处理期限。",
                                 "The capture time is unknown, so the countdown gives no deadline."))
        else:
            put("deadline", ctx.captured_at + countdown, index)
    return RefundReading.model_validate({**values, "sources": sources, "warnings": warnings})


def labelled(lines: Sequence[OcrLine], labels: Sequence[str]) -> tuple[str | None, int | None]:
    """The value shown with a label: after it, to its right on the row, or just below."""
    order = reading_order(lines)
    for pos, i in enumerate(order):
        plain = compact(normalize(lines[i].text))
        label = next((w for w in sorted(labels, key=len, reverse=True) if plain.startswith(w)), None)
        if label is None:
            continue
        after = plain[len(label):].lstrip(":：")
        if after:
            return after, i
        right = [j for j in order if j != i and same_row(lines[i], lines[j])
                 and lines[j].box[0] > lines[i].box[0]]
        if right:
            j = min(right, key=lambda k: lines[k].box[0])
            return compact(normalize(lines[j].text)), j
        if pos + 1 < len(order):
            j = order[pos + 1]
            if 0 <= gap(lines[i], lines[j]) < height(lines[i]):
                return compact(normalize(lines[j].text)), j
    return None, None


def _first(pattern: re.Pattern[str], text: str | None) -> str | None:
    match = pattern.search(text or "")
    return match.group(1) if match else None


def _amount(text: str | None) -> Decimal | None:
    raw = _first(_AMOUNT, text)
    if raw is None:
        return None
    try:
        return Decimal(raw.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def _state(lines: Sequence[OcrLine]) -> tuple[str, str | None, int | None]:
    words = load_vocabulary().refund
    known = sorted(words.states, key=len, reverse=True)
    for i in reading_order(lines):
        plain = compact(normalize(lines[i].text))
        found = next((s for s in known if s in plain), None)
        if found is not None:
            return "state", found, i
    text, index = labelled(lines, words.state_labels)
    return "state", text or None, index


def _countdown(lines: Sequence[OcrLine]) -> tuple[timedelta | None, int | None]:
    for i in reading_order(lines):
        plain = normalize(lines[i].text)
        for pattern in load_vocabulary().refund.countdown_patterns:
            for match in pattern.finditer(plain):
                parts = {k: int(v) for k, v in match.groupdict().items() if v}
                if not parts:
                    continue
                return timedelta(days=parts.get("d", 0), hours=parts.get("h", 0),
                                 minutes=parts.get("m", 0), seconds=parts.get("s", 0)), i
    return None, None
