"""What a screenshot shows: a tracking page, a chat window, a refund page, or none of these.

Each kind scores by its page markers (disputekit/data/screens.toml, ``[classify.*]``): a line
that is exactly a title scores 5, a line containing a keyword 1. Kinds are tried from the
highest score; the first reader that reads something wins. Nothing scored or read → None.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from pydantic import Field

from disputekit.collect.screens.chat_window import ChatReading, read_chat
from disputekit.collect.screens.common import ScreenContext, compact, load_vocabulary, normalize
from disputekit.collect.screens.refund_page import RefundReading, read_refund
from disputekit.collect.screens.tracking_page import TrackingReading, read_tracking
from disputekit.models.facts import Frozen
from disputekit.models.screen import OcrLine

Kind = Literal["tracking", "chat", "refund"]
TITLE_SCORE = 5


class ScreenReading(Frozen):
    """The object read from a screenshot, under the key named by ``reads_as``."""

    reads_as: Kind | None = None
    tracking: TrackingReading | None = None
    chat: ChatReading | None = None
    refund: RefundReading | None = None
    scores: dict[str, int] = Field(default_factory=dict, description="marker score per kind")

    @property
    def warnings(self) -> list[str]:
        found = self.tracking or self.chat or self.refund
        if found is None:
            return []
        return found.facts.warnings if isinstance(found, TrackingReading) else found.warnings


def scores(lines: Sequence[OcrLine]) -> dict[Kind, int]:
    """Marker score of each kind."""
    texts = [compact(normalize(line.text)) for line in lines]
    out: dict[Kind, int] = {}
    for kind, markers in load_vocabulary().classify.items():
        titles = {compact(t) for t in markers.titles}
        total = 0
        for text in texts:
            if text in titles:
                total += TITLE_SCORE
            elif any(k in text for k in markers.keywords):
                total += 1
        out[kind] = total
    return out


def read_screen(lines: Sequence[OcrLine], ctx: ScreenContext) -> ScreenReading:
    """Read the page with the reader its markers suggest; ``reads_as`` None if none reads it."""
    points = scores(lines)
    readers: dict[Kind, Callable[[Sequence[OcrLine], ScreenContext], object | None]] = {
        "tracking": read_tracking,
        "refund": read_refund,
        "chat": read_chat,
    }
    ranked = sorted((k for k in readers if points.get(k, 0) > 0), key=lambda k: -points[k])
    for kind in ranked:
        found = readers[kind](lines, ctx)
        if found is not None and _substantial(found):
            return ScreenReading.model_validate(
                {"reads_as": kind, kind: found, "scores": dict(points)})
    return ScreenReading(scores=dict(points))


def _substantial(found: object) -> bool:
    if isinstance(found, TrackingReading):
        return bool(found.facts.events or found.facts.waybill or found.waybills)
    if isinstance(found, ChatReading):
        return bool(found.messages)
    if isinstance(found, RefundReading):
        return any(v is not None for v in (found.refund_id, found.amount, found.countdown))
    return False
