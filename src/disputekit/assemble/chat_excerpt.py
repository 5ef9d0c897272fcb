"""Which messages of a long chat the dossier shows, and what it leaves out (issue 13 §4).

A 60,000-message export laid out whole is 2,400 pages that nobody reads. A chat longer than
the profile's ``dossier.chat_whole_up_to`` is shown as an excerpt:

- the messages that matter, by priority: marked by the agent (``mark``), quoted by an
  established fact (``message N``), then what the chat rules look at — recalled messages,
  messages without a time, messages naming the order number or a waybill, the two messages
  either side of a silence spanning the refund request;
- ``chat_context`` messages either side of each of them;
- every message from ``chat_before_request_hours`` before the refund request to
  ``chat_after_request_hours`` after it (nearest first).

At most ``chat_max_shown`` messages are kept, in that priority order; everything else is listed
as omitted ranges (first and last message number, count, time span) so a reader can find it in
the whole transcript. Selection is pure: the same facts give the same excerpt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from disputekit.models.facts import ChatFacts, Message
from disputekit.profiles.model import DossierLayout

_MESSAGE_LOCATOR = re.compile(r"^message (\d+)$")
MIN_NEEDLE = 6
"""Shortest order number or waybill looked for in message text: real ones are 12-19 digits;
a short test value such as ``1`` would match every price and time."""


@dataclass(frozen=True)
class Omitted:
    """A run of consecutive messages left out: message numbers ``first``..``last``."""

    first: int
    last: int
    count: int
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True)
class Excerpt:
    """``shown`` in chat order; ``omitted`` between and around them; ``capped`` when the
    relevant messages alone were more than ``chat_max_shown`` (the rest are omitted too)."""

    shown: list[Message]
    omitted: list[Omitted]
    total: int
    capped: bool

    @property
    def whole(self) -> bool:
        return not self.omitted


@dataclass(frozen=True)
class Anchors:
    """Positions (0-based, in ``facts.messages``) the excerpt must show, by priority."""

    marked: list[int]
    quoted: list[int]
    cited: list[int]


def message_locators(locators: Iterable[tuple[str, str | None]], exhibit: str) -> set[int]:
    """Message numbers of ``exhibit`` named by established facts' ``(exhibit, locator)``."""
    out: set[int] = set()
    for ex, locator in locators:
        found = _MESSAGE_LOCATOR.match(locator or "") if ex == exhibit else None
        if found:
            out.add(int(found.group(1)))
    return out


def rule_cited(facts: ChatFacts, requested_at: datetime, needles: Sequence[str],
               gap_hours: float) -> list[int]:
    """Positions the chat rules look at (``validate/rules/chat_rules.py``): recalled and
    untimed messages, messages naming the order or a waybill, both ends of a silence longer
    than ``gap_hours`` that spans the refund request."""
    words = [n for n in needles if len(n) >= MIN_NEEDLE]
    out: list[int] = []
    timed: list[tuple[int, datetime]] = []
    for pos, m in enumerate(facts.messages):
        if m.recalled or m.time is None or any(n in m.text for n in words):
            out.append(pos)
        if m.time is not None:
            timed.append((pos, m.time))
    limit = timedelta(hours=gap_hours)
    for (pa, a), (pb, b) in pairwise(timed):
        if b - a > limit and a < requested_at < b:
            out += [pa, pb]
    return out


def _around_request(facts: ChatFacts, requested_at: datetime, before_h: float,
                    after_h: float) -> list[int]:
    lo, hi = requested_at - timedelta(hours=before_h), requested_at + timedelta(hours=after_h)
    inside = [(abs((m.time - requested_at).total_seconds()), pos)
              for pos, m in enumerate(facts.messages) if m.time is not None and lo <= m.time <= hi]
    return [pos for _, pos in sorted(inside)]


def select(facts: ChatFacts, anchors: Anchors, requested_at: datetime,
           layout: DossierLayout) -> Excerpt:
    """The excerpt of ``facts`` (the whole chat when it is short enough)."""
    messages = facts.messages
    total = len(messages)
    if total <= layout.chat_whole_up_to.value:
        return Excerpt(list(messages), [], total, capped=False)
    context, cap = layout.chat_context.value, layout.chat_max_shown.value
    keep: set[int] = set()
    capped = False

    def take(positions: Iterable[int], spread: int) -> None:
        nonlocal capped
        for pos in positions:
            for p in range(max(0, pos - spread), min(total, pos + spread + 1)):
                if p in keep:
                    continue
                if len(keep) >= cap:
                    capped = True
                    return
                keep.add(p)

    for group in (anchors.marked, anchors.quoted, anchors.cited):
        take(sorted(set(group)), context)
    take(_around_request(facts, requested_at, layout.chat_before_request_hours.value,
                         layout.chat_after_request_hours.value), 0)
    shown = sorted(keep)
    return Excerpt([messages[p] for p in shown], _gaps(messages, shown), total, capped)


def _gaps(messages: Sequence[Message], shown: list[int]) -> list[Omitted]:
    out: list[Omitted] = []
    edges = [-1, *shown, len(messages)]
    for a, b in pairwise(edges):
        if b - a > 1:
            run = messages[a + 1:b]
            times = [m.time for m in run if m.time is not None]
            out.append(Omitted(run[0].index, run[-1].index, len(run),
                               min(times) if times else None, max(times) if times else None))
    return out
