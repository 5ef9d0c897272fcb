"""Split text into runs that one font each can draw, and turn them into Paragraph markup.

reportlab draws a character its font lacks as nothing at all, so every character is given
to the first font in a fallback chain whose cmap covers it (Chinese font first, then emoji).
What no font covers becomes a visible placeholder (U+25A1 □) in the main font and is
reported; invisible format characters (ZWJ, variation selectors, BOM, …) that no font covers
are dropped. A character followed by U+FE0F (emoji presentation) prefers an emoji font.

Pure functions: no reportlab, no font files.
"""

from __future__ import annotations

import functools
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import escape

logger = logging.getLogger(__name__)

PLACEHOLDER = "\u25a1"  # □ WHITE SQUARE
_VS15, _VS16 = "\ufe0e", "\ufe0f"
_SELECTORS = (_VS15, _VS16)


@dataclass(frozen=True)
class FontCoverage:
    """A font in the fallback chain: its registered name and the code points it can draw."""

    name: str
    codepoints: frozenset[int]
    emoji: bool = False


class HasCoverage(Protocol):
    """Anything that exposes a fallback chain, such as ``disputekit.assemble.pdf.fonts.FontSet``."""

    @property
    def coverage(self) -> Sequence[FontCoverage]: ...


Fonts = Sequence[FontCoverage] | HasCoverage


def _chain(fonts: Fonts) -> Sequence[FontCoverage]:
    chain = fonts if isinstance(fonts, Sequence) else fonts.coverage
    if not chain:
        raise ValueError("the font fallback chain is empty")
    return chain


def _is_ignorable(ch: str) -> bool:
    """Invisible characters that may be dropped when no font has a glyph for them."""
    cp = ord(ch)
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


@functools.cache  # called for every character drawn; few distinct characters
def _is_attached(ch: str) -> bool:
    """Characters that belong with the one before them (selectors, joiners, modifiers)."""
    cp = ord(ch)
    return (
        _is_ignorable(ch)
        or 0x1F3FB <= cp <= 0x1F3FF  # skin-tone modifiers
        or unicodedata.category(ch) in ("Mn", "Me")
    )


def _pick(text: str, i: int, chain: Sequence[FontCoverage], previous: int | None) -> int | None:
    """Index in ``chain`` of the font for ``text[i]``, or None if no font covers it."""
    cp = ord(text[i])
    covering = [n for n, font in enumerate(chain) if cp in font.codepoints]
    if not covering:
        return None
    if _is_attached(text[i]) and previous in covering:
        return previous
    if text[i + 1 : i + 2] == _VS16:
        emoji = [n for n in covering if chain[n].emoji]
        if emoji:
            return emoji[0]
    if text[i + 1 : i + 2] == _VS15:
        text_fonts = [n for n in covering if not chain[n].emoji]
        if text_fonts:
            return text_fonts[0]
    return covering[0]


def split_runs(
    text: str, fonts: Fonts, *, missing: set[int] | None = None
) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font_name, run)`` pairs, each run drawable by its font.

    ``fonts`` is the fallback chain (``FontCoverage`` items, main font first) or an object with
    a ``coverage`` attribute. Uncovered whitespace becomes a space, uncovered invisible
    format characters are dropped, anything else uncovered becomes □ in the main font. The
    uncovered code points are added to ``missing`` when it is given, else logged here.
    """
    chain = _chain(fonts)
    main = chain[0]
    if text and _VS16 not in text and main.codepoints.issuperset(map(ord, text)):
        return [(main.name, text)]  # fast path: the main font draws all of it (most text)
    runs: list[tuple[str, str]] = []
    uncovered: list[int] = []
    previous: int | None = None
    for i, ch in enumerate(text):
        if ord(ch) in main.codepoints and not _is_attached(ch) and text[i + 1 : i + 2] not in _SELECTORS:
            index: int | None = 0  # what _pick decides for a plain character the main font has
        else:
            index = _pick(text, i, chain, previous)
        if index is None:
            substitute = _substitute(ch, main)
            if substitute is None:
                continue
            if substitute != " ":
                uncovered.append(ord(ch))
            ch, index = substitute, 0
        name = chain[index].name
        if runs and runs[-1][0] == name:
            runs[-1] = (name, runs[-1][1] + ch)
        else:
            runs.append((name, ch))
        previous = index
    _report(uncovered, missing)
    return runs


def _substitute(ch: str, main: FontCoverage) -> str | None:
    """What to draw, in the main font, for a character no font covers (None: nothing)."""
    if ch.isspace():
        return " "
    if _is_ignorable(ch):
        return None
    return PLACEHOLDER if ord(PLACEHOLDER) in main.codepoints else "?"


def _report(uncovered: list[int], missing: set[int] | None) -> None:
    if not uncovered:
        return
    if missing is not None:
        missing.update(uncovered)
        return
    logger.warning("no font has a glyph for %s", describe_codepoints(uncovered))


def describe_codepoints(codepoints: Sequence[int] | set[int]) -> str:
    """``U+1F9FF 🧿, U+E000`` style list, sorted and without repeats."""
    parts = []
    for cp in sorted(set(codepoints)):
        ch = chr(cp)
        printable = unicodedata.category(ch)[0] not in "CZ"
        parts.append(f"U+{cp:04X} {ch}" if printable else f"U+{cp:04X}")
    return ", ".join(parts)


def paragraph_markup(text: str, fonts: Fonts, *, missing: set[int] | None = None) -> str:
    """reportlab Paragraph markup for ``text``: one ``<font name="…">`` element per run.

    XML special characters are escaped and line breaks become ``<br/>``; use it with a
    ``ParagraphStyle(wordWrap='CJK')`` whose ``fontName`` is the main font.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(_line_markup(line, fonts, missing) for line in lines)


def _line_markup(line: str, fonts: Fonts, missing: set[int] | None) -> str:
    return "".join(
        f'<font name="{escape(name, {chr(34): "&quot;"})}">{escape(run)}</font>'
        for name, run in split_runs(line, fonts, missing=missing)
    )
