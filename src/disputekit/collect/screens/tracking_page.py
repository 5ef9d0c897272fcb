"""Tracking pages (物流详情) read from OCR lines → the same TrackingFacts a tracking export gives.

Layouts: phone lists with the time on its own line below or above the event text (Taobao/Tmall
app, 千牛, courier apps), phones with date and clock stacked left of the text (菜鸟), and
desktop tables or lists with the time left of the text on the same row (courier sites, 千牛 PC).
Event times form one column; a time elsewhere (a summary card's "签收人：本人 04-18 14:05") is
not an event. An event whose text wraps onto several lines is joined.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import Field

from disputekit.collect.parse.tracking import (
    classify_events,
    courier_facts,
    extract_signer,
    final_status,
    plausibility,
    signing,
    warn,
)
from disputekit.collect.parse.tracking_formats import RawEvent
from disputekit.collect.parse.waybill import load_couriers, normalize_waybill
from disputekit.collect.screens.common import (
    Clock,
    ScreenContext,
    compact,
    find_times,
    gap,
    height,
    is_only_time,
    join_text,
    load_vocabulary,
    min_confidence,
    normalize,
    reading_order,
    row_neighbours,
    same_row,
    union_box,
)
from disputekit.models.facts import Frozen, TrackingFacts
from disputekit.models.screen import OcrLine, Source

FORMAT = "screenshot"


class TrackingReading(Frozen):
    facts: TrackingFacts
    sources: dict[str, Source] = Field(default_factory=dict)
    waybills: list[str] = Field(default_factory=list, description="every waybill on the page")


@dataclass
class Stamp:
    """An event time: the lines it was read from, their union box, the time found."""

    lines: list[int]
    box: tuple[int, int, int, int]
    clock: Clock
    inline: str = ""
    text_lines: list[int] = field(default_factory=list)


def read_tracking(lines: Sequence[OcrLine], ctx: ScreenContext) -> TrackingReading | None:
    """The tracking record on the page, or None when it shows neither events nor a waybill."""
    width = ctx.width or max((line.box[2] for line in lines), default=1)
    skip = _furniture(lines)
    stamps = _event_column(_stamps(lines, skip), width)
    used = {i for s in stamps for i in s.lines}
    for stamp in stamps:
        _attach_text(stamp, lines, skip | used, stamps, width)
    events = used | {i for s in stamps for i in s.text_lines}  # event text never names these
    courier, courier_line = _courier(lines, events)
    waybills = _waybills(lines, events)
    if not stamps and not waybills:
        return None
    return _reading(lines, ctx, stamps, (courier, courier_line), waybills)


# ------------------------------------------------------------------------------ page parts
def _furniture(lines: Sequence[OcrLine]) -> set[int]:
    """Headings, column headers, buttons and the address block: never event text."""
    words = load_vocabulary().tracking
    out = set()
    for index, line in enumerate(lines):
        text = compact(line.text)
        furniture = text in words.phase_labels or text in words.column_headers
        if furniture or any(text.startswith(w) for w in words.skip_lines):
            out.add(index)
        elif any(text.startswith(w) for w in words.address_labels):
            out.update(_block_below(lines, index))
    return out


def _block_below(lines: Sequence[OcrLine], first: int) -> list[int]:
    """A line and the untimed lines wrapped tightly below it (an address, the name under it)."""
    block = [first]
    x0, y0 = lines[first].box[0], lines[first].box[1]
    column = [i for i, line in enumerate(lines)
              if line.box[1] > y0 and abs(line.box[0] - x0) <= 2 * height(lines[first])]
    phases = load_vocabulary().tracking.phase_labels
    for index in sorted(column, key=lambda i: lines[i].box[1]):
        last, line = lines[block[-1]], lines[index]
        if find_times(line.text) or compact(line.text) in phases or gap(last, line) >= 0.5 * height(last):
            break
        block.append(index)
    return block


def _courier_names() -> list[tuple[str, str]]:
    names = dict(load_vocabulary().tracking.courier_names)
    for courier in load_couriers().courier:
        for alias in (courier.name_zh, *courier.aliases):
            if not alias.isascii() or len(alias) >= 4:
                names.setdefault(compact(alias), courier.code)
    return sorted(names.items(), key=lambda item: -len(item[0]))


def _courier(lines: Sequence[OcrLine], events: set[int]) -> tuple[str | None, int | None]:
    names = _courier_names()
    for index in (i for i in reading_order(lines) if i not in events):
        text = compact(normalize(lines[index].text))
        for name, code in names:
            if name in text if not name.isascii() else re.search(rf"\b{re.escape(name)}\b", text, re.I):
                return code, index
    return None, None


def _waybills(lines: Sequence[OcrLine], events: set[int]) -> list[tuple[str, int]]:
    words = load_vocabulary().tracking
    names = [n for n, _ in _courier_names()]
    found: dict[str, int] = {}
    order = [i for i in reading_order(lines) if i not in events]
    for pos, index in enumerate(order):
        text = compact(normalize(lines[index].text))
        label = next((w for w in words.waybill_labels if w in text), None)
        if label is not None:
            after = text.split(label, 1)[1].lstrip(":：")
            if not after and pos + 1 < len(order):
                index, after = order[pos + 1], compact(normalize(lines[order[pos + 1]].text))
        elif any(name in text for name in names):
            after = text
        else:
            continue
        match = words.waybill_pattern.search(after.upper())
        if match:
            found.setdefault(normalize_waybill(match.group(1)), index)
    return list(found.items())


# ------------------------------------------------------------------------------ events
def _stamps(lines: Sequence[OcrLine], skip: set[int]) -> list[Stamp]:
    """Event times: a dated clock time at the start of a line, or a date line + clock line."""
    stamps: list[Stamp] = []
    dates: dict[int, Clock] = {}
    clocks: dict[int, Clock] = {}
    for index, line in enumerate(lines):
        if index in skip:
            continue
        times = find_times(line.text)
        first = times[0] if times else None
        if first is None or compact(normalize(line.text)[: first.start]):
            continue
        if first.has_date and first.has_clock:
            rest = line.text[first.end :].strip(" :：|·-")
            stamps.append(Stamp([index], line.box, first, inline=rest))
        elif is_only_time(line.text, first):
            (dates if first.has_date else clocks)[index] = first
    for d_index, date in dates.items():
        partner = _clock_partner(lines, d_index, clocks)
        if partner is not None:
            clock = clocks.pop(partner)
            merged = Clock(0, 0, date.year, date.month, date.day, clock.hour, clock.minute,
                           clock.second)
            stamps.append(Stamp([d_index, partner], union_box(lines, [d_index, partner]), merged))
    return sorted(stamps, key=lambda s: (s.box[1], s.box[0]))


def _clock_partner(lines: Sequence[OcrLine], d_index: int, clocks: dict[int, Clock]) -> int | None:
    date = lines[d_index]
    for c_index in clocks:
        line = lines[c_index]
        below = (-0.4 * height(date) <= gap(date, line) < height(date)
                 and abs(line.box[0] - date.box[0]) < 2 * height(date))
        beside = same_row(date, line) and 0 <= line.box[0] - date.box[2] < 2 * height(date)
        if below or beside:
            return c_index
    return None


def _event_column(stamps: list[Stamp], width: int) -> list[Stamp]:
    """Keep the times in the most populated column (ties: the leftmost)."""
    if len(stamps) < 2:
        return stamps
    tolerance = max(0.03 * width, 12)
    columns: list[list[Stamp]] = []
    for stamp in sorted(stamps, key=lambda s: s.box[0]):
        if columns and stamp.box[0] - columns[-1][0].box[0] <= tolerance:
            columns[-1].append(stamp)
        else:
            columns.append([stamp])
    best = max(columns, key=len)
    return sorted(best, key=lambda s: s.box[1])


def _attach_text(
    stamp: Stamp, lines: Sequence[OcrLine], taken: set[int], stamps: list[Stamp], width: int
) -> None:
    anchor = lines[stamp.lines[0]]
    beside = [i for i, line in enumerate(lines)
              if i not in taken and same_row(anchor, line) and line.box[0] >= stamp.box[2] - 4]
    stamp.text_lines = sorted(beside, key=lambda i: lines[i].box[0])
    if stamp.inline or beside:
        start = stamp.box[2] if beside else stamp.box[0] + height(anchor)
        stamp.text_lines += _continuation(lines, stamp, taken | set(beside), stamps, start)
    else:
        stamp.text_lines = _stacked(lines, stamp, taken, stamps, width)
    taken.update(stamp.text_lines)


def _next_top(stamp: Stamp, stamps: list[Stamp]) -> int:
    later = [s.box[1] for s in stamps if s.box[1] > stamp.box[1]]
    return min(later, default=10**9)


def _continuation(lines: Sequence[OcrLine], stamp: Stamp, taken: set[int],
                  stamps: list[Stamp], text_x: int) -> list[int]:
    out: list[int] = []
    last = stamp.lines[0]
    limit = _next_top(stamp, stamps)
    for index in reading_order(lines):
        line = lines[index]
        if index in taken or line.box[1] <= lines[last].box[1] or line.box[1] >= limit:
            continue
        if line.box[0] >= text_x - 8 and gap(lines[last], line) < 0.9 * height(lines[last]):
            out.append(index)
            last = index
    return out


def _stacked(lines: Sequence[OcrLine], stamp: Stamp, taken: set[int],
             stamps: list[Stamp], width: int) -> list[int]:
    """Text of a time on its own line: the lines just above it, or just below (layout vote)."""
    column = [i for i, line in enumerate(lines)
              if i not in taken and abs(line.box[0] - stamp.box[0]) <= max(0.05 * width, 24)]
    above = _walk(lines, stamp, column, up=True, stop=stamps)
    below = _walk(lines, stamp, column, up=False, stop=stamps)
    if above and below:
        gap_above = gap(lines[above[-1]], lines[stamp.lines[0]])
        gap_below = gap(lines[stamp.lines[-1]], lines[below[0]])
        picked = above if gap_above <= gap_below else below
    else:
        picked = above or below
    return row_neighbours(lines, picked, taken)


def _walk(lines: Sequence[OcrLine], stamp: Stamp, column: list[int], *, up: bool,
          stop: list[Stamp]) -> list[int]:
    stop_tops = {s.box[1] for s in stop}
    current = lines[stamp.lines[0] if up else stamp.lines[-1]]
    picked: list[int] = []
    ordered = sorted(column, key=lambda i: lines[i].box[1], reverse=up)
    for index in ordered:
        line = lines[index]
        space = gap(line, current) if up else gap(current, line)
        if space < -0.5 * height(line):
            continue
        if space > 0.9 * height(current) or line.box[1] in stop_tops:
            break
        picked.append(index)
        current = line
    return sorted(picked, key=lambda i: lines[i].box[1])


# ------------------------------------------------------------------------------ facts
def _reading(lines: Sequence[OcrLine], ctx: ScreenContext, stamps: list[Stamp],
             courier: tuple[str | None, int | None], waybills: list[tuple[str, int]]) -> TrackingReading:
    warnings: list[str] = []
    raw: list[tuple[RawEvent, Source]] = []
    for stamp in stamps:
        when: datetime | None = ctx.complete(stamp.clock)
        text = join_text([stamp.inline] + [lines[i].text for i in stamp.text_lines])
        if when is None or not text:
            continue
        used = [lines[i] for i in stamp.lines + stamp.text_lines]
        raw.append((RawEvent(time=when, text=text), Source(line=stamp.lines[0], confidence=min_confidence(used))))
    if len(raw) < len(stamps):
        warnings.append(warn(f"有 {len(stamps) - len(raw)} 条轨迹缺少年份或文字，未读取。",
                             f"{len(stamps) - len(raw)} event(s) lacked a year or text and were not read."))
    if len(raw) > 1 and raw[0][0].time > raw[-1][0].time:
        raw.reverse()
    raw.sort(key=lambda pair: pair[0].time)
    events = classify_events([event for event, _ in raw])
    sources = {f"events[{i}]": source for i, (_, source) in enumerate(raw)}
    code, courier_name, _ = courier_facts(courier[0], None)
    if courier[1] is not None:
        sources["courier"] = Source(line=courier[1], confidence=lines[courier[1]].confidence)
    waybill = None
    if len(waybills) == 1:
        waybill, index = waybills[0]
        sources["waybill"] = Source(line=index, confidence=lines[index].confidence)
    elif len(waybills) > 1:
        numbers = "、".join(w for w, _ in waybills)
        warnings.append(warn(f"截图中有多个运单号（{numbers}），未选定任何一个。",
                             f"The page shows several waybill numbers ({', '.join(w for w, _ in waybills)}); none was chosen."))
    plausible, plausible_warnings = plausibility(code, waybill)
    final, final_warnings = final_status(events, None)
    signed, signed_warnings = signing(events, final)
    if signed is not None:
        position = events.index(signed)
        sources["signed_at"] = sources[f"events[{position}]"]
        if extract_signer(signed.text):
            sources["signer"] = sources["signed_at"]
    if events:
        sources["final_status"] = sources[f"events[{len(events) - 1}]"]
    facts = TrackingFacts(
        format=FORMAT, courier=code, courier_name=courier_name, waybill=waybill,
        waybill_plausible=plausible, signed_at=signed.time if signed else None,
        signer=extract_signer(signed.text) if signed else None, final_status=final,
        events=events, warnings=warnings + plausible_warnings + final_warnings + signed_warnings,
    )
    return TrackingReading(facts=facts, sources=sources, waybills=[w for w, _ in waybills])
