"""Chat windows read from OCR lines → messages with time, sender, role and text.

Two layouts:

* **header** (千牛 PC, chat-record views): a "sender  2025-04-20 10:02:11" line, then the
  message text on the lines below it, until the next header. Role by the sender's name.
* **bubbles** (千牛 mobile, the Taobao app): bubbles on the left are the other party, on the
  right the screen's owner; centred lines are time separators ("昨天 10:02", "04-20 10:02",
  "10:15") that date the messages below them. Whose screen it is comes from the window's
  words (千牛 → the seller's) or from the title naming the other party (the case's nicknames).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from difflib import SequenceMatcher
from typing import Literal

from pydantic import Field

from disputekit.collect.parse.roles import role_of
from disputekit.collect.parse.tracking import warn
from disputekit.collect.screens.common import (
    Clock,
    ScreenContext,
    compact,
    day_offset,
    find_times,
    gap,
    height,
    is_only_time,
    load_vocabulary,
    min_confidence,
    normalize,
    reading_order,
    side,
)
from disputekit.models.facts import Frozen, Message, Role
from disputekit.models.screen import OcrLine, Source

Layout = Literal["header", "bubbles"]
OTHER = {Role.BUYER: Role.SELLER, Role.SELLER: Role.BUYER}


class ChatReading(Frozen):
    layout: Layout
    messages: list[Message]
    sources: dict[str, Source] = Field(
        default_factory=dict, description="'messages[i]' → first text line; 'messages[i].time'")
    warnings: list[str] = Field(default_factory=list)


def read_chat(lines: Sequence[OcrLine], ctx: ScreenContext) -> ChatReading | None:
    """The messages on the page, or None when it shows none."""
    keep = [i for i in reading_order(lines) if not _chrome(lines[i].text)]
    headers = {i: h for i in keep if (h := _header(lines[i].text, ctx)) is not None}
    if headers:
        return _header_layout(lines, keep, headers, ctx)
    return _bubble_layout(lines, keep, ctx)


def _chrome(text: str) -> bool:
    words = load_vocabulary().chat
    plain = compact(text)
    return plain in words.chrome or any(w in plain for w in words.system)


def _header(text: str, ctx: ScreenContext) -> tuple[str, Clock] | None:
    """(sender, time) of a '千牛' header line: a name and a dated time, nothing else — or a
    case nickname and a clock time (the live window dates them by separator lines)."""
    times = find_times(text)
    if not times or not times[0].has_clock:
        return None
    clock = times[0]
    before, after = text[: clock.start].strip(), text[clock.end :].strip()
    name = before or after
    if (before and after) or not name or len(name) > 40:
        return None
    if not clock.has_date and _role(name, ctx) is Role.UNKNOWN:
        return None
    return name, clock


# ------------------------------------------------------------------------------ header layout
def _header_layout(lines: Sequence[OcrLine], keep: list[int],
                   headers: dict[int, tuple[str, Clock]], ctx: ScreenContext) -> ChatReading | None:
    messages: list[Message] = []
    sources: dict[str, Source] = {}
    current: tuple[int, str, datetime | None] | None = None
    body: list[int] = []
    day: Clock | None = None

    def flush() -> None:
        if current is None or not body:
            return
        index, sender, when = current
        role = _role(sender, ctx)
        text = "".join(lines[i].text.strip() for i in body)
        messages.append(Message(index=len(messages) + 1, time=when, sender=sender, role=role, text=text))
        n = len(messages) - 1
        sources[f"messages[{n}]"] = Source(line=body[0], confidence=min_confidence([lines[i] for i in body]))
        sources[f"messages[{n}].time"] = Source(line=index, confidence=lines[index].confidence)

    for i in keep:
        if i in headers:
            flush()
            sender, clock = headers[i]
            current, body = (i, sender, _dated(clock, day, ctx)), []
        elif (only := _date_line(lines[i].text)) is not None:
            day = only
        elif current is not None:
            body.append(i)
    flush()
    if not messages:
        return None
    return ChatReading(layout="header", messages=messages, sources=sources,
                       warnings=_role_warnings(messages))


def _date_line(text: str) -> Clock | None:
    times = find_times(text)
    if len(times) == 1 and times[0].has_date and not times[0].has_clock and is_only_time(text, times[0]):
        return times[0]
    return None


def _dated(clock: Clock, day: Clock | None, ctx: ScreenContext) -> datetime | None:
    """A header's time; a clock time takes the last date line above it, else the capture day."""
    if clock.has_date:
        return ctx.complete(clock)
    if day is not None:
        return ctx.complete(replace(day, hour=clock.hour, minute=clock.minute, second=clock.second))
    return day_offset(clock, 0, ctx.captured_at) if ctx.captured_at else None


def _similar(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    x, y = compact(normalize(a)), compact(normalize(b))
    return x == y or SequenceMatcher(None, x, y).ratio() >= 0.8


def _role(sender: str, ctx: ScreenContext) -> Role:
    role = role_of(sender, ctx.buyer, ctx.seller)
    if role is not Role.UNKNOWN:
        return role
    if _similar(sender, ctx.buyer):
        return Role.BUYER
    if ctx.seller and (_similar(sender, ctx.seller) or _similar(sender.split(":")[0], ctx.seller.split(":")[0])):
        return Role.SELLER
    return Role.UNKNOWN


# ------------------------------------------------------------------------------ bubbles
def _bubble_layout(lines: Sequence[OcrLine], keep: list[int], ctx: ScreenContext) -> ChatReading | None:
    width = ctx.width or max((line.box[2] for line in lines), default=1)
    title = next((i for i in keep if side(lines[i], width) == "center"
                  and not find_times(lines[i].text)), None)
    separators = {i: t for i in keep if i != title and (t := _separator(lines[i], width, ctx)) is not None}
    words = load_vocabulary().chat
    read_marks = {i for i in keep if compact(lines[i].text) in words.read_labels}
    body = [i for i in keep if i != title and i not in separators and i not in read_marks
            and (title is None or lines[i].box[1] > lines[title].box[3])]
    blocks = _blocks(lines, body)
    if not blocks:
        return None
    self_role = _self_role(lines, title, ctx)
    left_margin = min(lines[b[0]].box[0] for b in blocks)
    right_margin = max(max(lines[i].box[2] for i in b) for b in blocks)
    messages: list[Message] = []
    sources: dict[str, Source] = {}
    warnings: list[str] = []
    for block in blocks:
        top = lines[block[0]].box[1]
        above = [i for i in separators if lines[i].box[3] <= top]
        stamp = max(above, key=lambda i: lines[i].box[1], default=None)
        when = separators[stamp][1] if stamp is not None else None
        bubble = _bubble_side(lines, block, width, left_margin, right_margin)
        role = self_role if bubble == "right" else OTHER.get(self_role, Role.UNKNOWN)
        sender = _sender(role, bubble, lines[title].text if title is not None else None, ctx)
        n = len(messages)
        messages.append(Message(index=n + 1, time=when, sender=sender, role=role,
                                text="".join(lines[i].text.strip() for i in block),
                                read_status=_read_status(lines, block, read_marks)))
        sources[f"messages[{n}]"] = Source(line=block[0], confidence=min_confidence([lines[i] for i in block]))
        if stamp is not None:
            sources[f"messages[{n}].time"] = Source(line=stamp, confidence=lines[stamp].confidence)
    if any(separators[i][1] is None for i in separators):
        warnings.append(warn("部分时间分隔缺少日期（无截图时间），消息时间未知。",
                             "Some time separators lack a date (no capture time); those messages have no time."))
    return ChatReading(layout="bubbles", messages=messages, sources=sources,
                       warnings=warnings + _role_warnings(messages))


def _separator(line: OcrLine, width: int, ctx: ScreenContext) -> tuple[Clock, datetime | None] | None:
    """A centred time line: (time, its datetime if it can be dated)."""
    if side(line, width) != "center":
        return None
    text = normalize(line.text)
    times = find_times(text)
    if not times or not times[0].has_clock:
        return None
    clock = times[0]
    prefix = compact(text[: clock.start])
    days = load_vocabulary().chat.relative_days
    if prefix and prefix not in days:
        return None
    if not prefix and not is_only_time(text, clock):
        return None
    if clock.has_date:
        return clock, ctx.complete(clock)
    if ctx.captured_at is None:
        return clock, None
    return clock, day_offset(clock, days.get(prefix, 0), ctx.captured_at)


def _blocks(lines: Sequence[OcrLine], body: list[int]) -> list[list[int]]:
    """Lines of one bubble: stacked with a small gap and overlapping horizontally."""
    blocks: list[list[int]] = []
    for i in sorted(body, key=lambda j: (lines[j].box[1], lines[j].box[0])):
        if blocks:
            last = lines[blocks[-1][-1]]
            close = gap(last, lines[i]) < 0.6 * height(last)
            overlap = min(last.box[2], lines[i].box[2]) > max(last.box[0], lines[i].box[0])
            if close and overlap:
                blocks[-1].append(i)
                continue
        blocks.append([i])
    return blocks


def _bubble_side(lines: Sequence[OcrLine], block: list[int], width: int,
                 left_margin: int, right_margin: int) -> Literal["left", "right"]:
    x0 = min(lines[i].box[0] for i in block)
    x1 = max(lines[i].box[2] for i in block)
    if x0 > 0.25 * width:
        return "right"
    if x1 < 0.75 * width:
        return "left"
    return "left" if x0 - left_margin <= right_margin - x1 else "right"


def _self_role(lines: Sequence[OcrLine], title: int | None, ctx: ScreenContext) -> Role:
    words = load_vocabulary().chat
    text = "".join(compact(line.text) for line in lines)
    if any(w in text for w in words.seller_app_markers):
        return Role.SELLER
    if title is not None:
        if _role(lines[title].text, ctx) is Role.SELLER:
            return Role.BUYER
        if _role(lines[title].text, ctx) is Role.BUYER:
            return Role.SELLER
    if any(w in text for w in words.buyer_app_markers):
        return Role.BUYER
    return Role.UNKNOWN


def _sender(role: Role, bubble: str, title: str | None, ctx: ScreenContext) -> str:
    if role is Role.BUYER and ctx.buyer:
        return ctx.buyer
    if role is Role.SELLER and ctx.seller:
        return ctx.seller
    if bubble == "left" and title:
        return title.strip()
    return "我" if bubble == "right" else "对方"


def _read_status(lines: Sequence[OcrLine], block: list[int], marks: set[int]) -> Literal["read", "unread", "sending"] | None:
    labels = load_vocabulary().chat.read_labels
    last = lines[block[-1]]
    for i in marks:
        if abs(lines[i].box[3] - last.box[3]) <= 2 * height(last):
            return labels[compact(lines[i].text)]
    return None


def _role_warnings(messages: list[Message]) -> list[str]:
    if messages and all(m.role is Role.UNKNOWN for m in messages):
        return [warn("无法判断消息的发送方是买家还是卖家（案件中的昵称未出现在截图中）。",
                     "Could not tell buyer from seller (the case's nicknames are not on the screenshot).")]
    return []
