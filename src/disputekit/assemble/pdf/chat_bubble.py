"""One chat message as a flowable: a grey header line and the text, on the sender's colour.

reportlab's Paragraph parses markup through ``html.parser`` and breaks CJK text by making a
fragment per character (234,000 fragments for a 2,000-message chat: ~80 % of a build's main
process). A message needs none of that: two sizes, one colour each, plain text. This draws
lines itself — measured once per character (``Writer.char_width``), broken by
``text_wrap.wrap_fast`` (CJK anywhere, Latin words whole, kinsoku), drawn with the font
fallback chain (``FontSet.draw_string``) so emoji and rare characters still show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.platypus import Flowable

from disputekit.assemble.pdf.fonts import FontSet
from disputekit.assemble.pdf.text_wrap import wrap_fast

HEAD_SIZE, BODY_SIZE, LEADING = 7.5, 8.5, 11.5  # the "cell" paragraph style's numbers
HEAD_COLOUR = colors.HexColor("#555555")
PAD_V, PAD_H = 3.0, 4.0
MAX_WHOLE = 230.0
"""A bubble up to this height (a third of a page) moves to the next page whole rather than
being split by a page break (which would put the running header inside the quote)."""


@dataclass(frozen=True)
class BubbleStyle:
    background: colors.Color
    border: colors.Color | None
    left: float  # indent from the frame's left edge
    right: float


class ChatBubble(Flowable):
    """``head`` (small, grey) over ``body`` lines; splits by lines when it is long."""

    def __init__(self, fonts: FontSet, char_width: Callable[[str], float], head: str | None,
                 body: str, style: BubbleStyle, *, lines: list[tuple[str, float]] | None = None) -> None:
        super().__init__()
        self.fonts, self.char_width, self.head, self.body, self.bstyle = fonts, char_width, head, body, style
        self._lines = lines  # (text, size) once wrapped
        self._wrapped_at: float | None = None
        self.spaceBefore, self.spaceAfter = 3, 4

    def _wrap_lines(self, avail_w: float) -> list[tuple[str, float]]:
        if self._lines is not None and (self._wrapped_at in (None, avail_w)):
            return self._lines
        text_w = avail_w - self.bstyle.left - self.bstyle.right
        out: list[tuple[str, float]] = []
        if self.head is not None:
            out += [(line, HEAD_SIZE) for line in wrap_fast(self.head, self._scaled(HEAD_SIZE), text_w)]
        for raw in self.body.splitlines() or [""]:
            out += [(line, BODY_SIZE) for line in wrap_fast(raw, self._scaled(BODY_SIZE), text_w) or [""]]
        self._lines, self._wrapped_at = out, avail_w
        return out

    def _scaled(self, size: float) -> Callable[[str], float]:
        width = self.char_width
        return lambda ch: width(ch) * size

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        self.width = avail_w
        self.height = len(self._wrap_lines(avail_w)) * LEADING + 2 * PAD_V
        return self.width, self.height

    def split(self, avail_w: float, avail_h: float) -> list[Flowable]:
        lines = self._wrap_lines(avail_w)
        height = len(lines) * LEADING + 2 * PAD_V
        fit = int((avail_h - 2 * PAD_V) // LEADING)
        if height <= MAX_WHOLE or fit < 2 or fit >= len(lines):
            return []
        first = ChatBubble(self.fonts, self.char_width, self.head, self.body, self.bstyle, lines=lines[:fit])
        rest = ChatBubble(self.fonts, self.char_width, None, self.body, self.bstyle, lines=lines[fit:])
        first._wrapped_at = rest._wrapped_at = avail_w
        first.spaceAfter, rest.spaceBefore = 0, 0
        return [first, rest]

    def draw(self) -> None:
        canvas, s = self.canv, self.bstyle
        x0, x1 = s.left - PAD_H, self.width - s.right + PAD_H
        canvas.saveState()
        canvas.setFillColor(s.background)
        if s.border is not None:
            canvas.setStrokeColor(s.border)
            canvas.setLineWidth(1)
        canvas.rect(x0, 0, x1 - x0, self.height, fill=1, stroke=1 if s.border is not None else 0)
        y = self.height - PAD_V
        for text, size in self._lines or []:
            y -= LEADING
            canvas.setFillColor(HEAD_COLOUR if size == HEAD_SIZE else colors.black)
            if text:
                self.fonts.draw_string(canvas, s.left, y + (LEADING - size) * 0.45, text, size,
                                       measure=False)
        canvas.restoreState()
