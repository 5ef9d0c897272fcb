"""Two-pass story writing: pass 1 collects every string (to subset fonts), pass 2 renders.

Section builders call ``w.p(text, style)`` and friends. With a collecting writer they only
record text; with a rendering writer they return reportlab flowables. Builders stay pure.

Every string goes through the writer's ``mask`` (the profile's personal-data masking, see
``disputekit.privacy``) on its way to the page, so no section can print a phone number, ID
number or address by forgetting to mask it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from disputekit.assemble.pdf.chat_bubble import BubbleStyle, ChatBubble
from disputekit.assemble.pdf.fonts import FontSet

STYLE_SPECS: dict[str, dict[str, Any]] = {
    "title": {"fontSize": 20, "leading": 26, "spaceAfter": 6},
    "h1": {"fontSize": 15, "leading": 20, "spaceBefore": 6, "spaceAfter": 6},
    "h2": {"fontSize": 11.5, "leading": 16, "spaceBefore": 6, "spaceAfter": 3},
    "body": {"fontSize": 9.5, "leading": 14},
    "small": {"fontSize": 7.5, "leading": 10, "textColor": colors.HexColor("#444444")},
    "cell": {"fontSize": 8.5, "leading": 11.5},
    "big": {"fontSize": 12, "leading": 18},
    "verdict": {"fontSize": 13, "leading": 18},
    "draft": {"fontSize": 14, "leading": 18, "textColor": colors.HexColor("#B00020")},
}


class Writer:
    """Rendering writer: returns flowables using the document's embedded fonts."""

    collecting = False

    def __init__(self, fonts: FontSet, mask: Callable[[str], str] = str, word_wrap: str = "CJK") -> None:
        self.fonts = fonts
        self.mask = mask
        self.word_wrap = word_wrap
        self.styles = {name: fonts.paragraph_style(name, wordWrap=word_wrap, **spec)
                       for name, spec in STYLE_SPECS.items()}
        self._variants: dict[tuple[str, str], Any] = {}
        self._widths: dict[str, float] = {}

    def style(self, name: str, **overrides: Any) -> Any:
        """A named style, or a cached variant of it with ``overrides``."""
        if not overrides:
            return self.styles[name]
        key = (name, repr(sorted(overrides.items())))
        if key not in self._variants:
            self._variants[key] = self.fonts.paragraph_style(f"{name}-{len(self._variants)}",
                                                             parent=self.styles[name], **overrides)
        return self._variants[key]

    def p(self, text: str, style: str = "body", link: str | None = None, **overrides: Any) -> Flowable:
        markup = self.fonts.markup(self.mask(text))
        if link:
            markup = f'<a href="#{link}" color="#1a4fa0">{markup}</a>'
        return Paragraph(markup, self.style(style, **overrides))

    def rich(self, parts: list[tuple[str, str]], style: str = "body", **overrides: Any) -> Flowable:
        """One paragraph of several lines; each part is (text, <font> attributes)."""
        masked = [(self.mask(text), attrs) for text, attrs in parts]
        lines = [f"<font {attrs}>{self.fonts.markup(text)}</font>" if attrs else self.fonts.markup(text)
                 for text, attrs in masked]
        return Paragraph("<br/>".join(lines), self.style(style, **overrides))

    def char_width(self, ch: str) -> float:
        """Width of ``ch`` at size 1 in the font the fallback chain gives it (cached)."""
        width = self._widths.get(ch)
        if width is None:
            width = self._widths[ch] = self.fonts.string_width(ch, 1.0)
        return width

    def bubble(self, head: str, body: str, style: BubbleStyle) -> Flowable:
        """A chat message (:class:`ChatBubble`): no markup, lines broken once."""
        return ChatBubble(self.fonts, self.char_width, self.mask(head), self.mask(body), style)

    def table(self, rows: list[list[Any]], widths: list[float], style: list[tuple[Any, ...]],
              repeat: int = 0) -> Flowable:
        table = Table(rows, colWidths=widths, repeatRows=repeat)
        table.setStyle(TableStyle(style))
        return table

    def space(self, height_mm: float) -> Flowable:
        return Spacer(1, height_mm * mm)


class Collector(Writer):
    """Collecting writer: records every string; returns inert placeholders."""

    collecting = True

    def __init__(self, mask: Callable[[str], str] = str) -> None:  # no fonts yet: that is the point
        self.texts: list[str] = []
        self.mask = mask

    def p(self, text: str, style: str = "body", link: str | None = None, **overrides: Any) -> Flowable:
        self.texts.append(self.mask(text))
        return Spacer(0, 0)

    def table(self, rows: list[list[Any]], widths: list[float], style: list[tuple[Any, ...]],
              repeat: int = 0) -> Flowable:
        return Spacer(0, 0)

    def rich(self, parts: list[tuple[str, str]], style: str = "body", **overrides: Any) -> Flowable:
        self.texts.extend(self.mask(text) for text, _ in parts)
        return Spacer(0, 0)

    def bubble(self, head: str, body: str, style: BubbleStyle) -> Flowable:
        self.texts += [self.mask(head), self.mask(body)]
        return Spacer(0, 0)

    def note(self, *texts: str) -> None:
        self.texts.extend(self.mask(text) for text in texts)
