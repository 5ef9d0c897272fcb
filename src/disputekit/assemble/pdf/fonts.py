"""Embedded fonts for one PDF: Noto Sans CJK SC plus a monochrome emoji fallback.

Use one :class:`FontSet` per document::

    fonts = FontSet()
    fonts.prepare(all_strings_the_document_will_draw)
    with fonts.as_default():           # no unembedded Helvetica anywhere
        style = fonts.paragraph_style("body", fontSize=10, leading=15)
        story = [Paragraph(fonts.markup(line), style) for line in lines]
        ...
        fonts.draw_string(canvas, x, y, "第 1 页 😀", 9)

``prepare`` builds a subset of each face holding exactly the characters it was given (see
``fontbuild``) and registers it with reportlab under a name hashed from that character set.
The reportlab traps this module handles are listed in ``docs/fonts.md``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import string
from collections.abc import Iterable, Iterator, Sequence

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.tables import CellStyle

from disputekit.assemble.pdf import fontbuild
from disputekit.assemble.pdf.fontbuild import SourceFace
from disputekit.assemble.pdf.text_runs import (
    PLACEHOLDER,
    FontCoverage,
    describe_codepoints,
    paragraph_markup,
    split_runs,
)

logger = logging.getLogger(__name__)

#: Always put into the main font, so page furniture drawn without ``prepare`` still works.
BASE_TEXT = (
    string.digits
    + string.ascii_letters
    + string.punctuation
    + " "
    + PLACEHOLDER
    + "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·￥～　"
)
_BFCHAR_LIMIT = 100  # entries per beginbfchar block allowed by the PDF specification


def make_to_unicode_cmap(fontname: str, subset: Sequence[int]) -> str:
    """ToUnicode CMap for a reportlab font subset (byte code ``i`` shows ``subset[i]``).

    Same layout as ``reportlab.pdfbase.ttfonts.makeToUnicodeCMap``, but destinations are
    UTF-16BE, so characters beyond U+FFFF become surrogate pairs (reportlab writes five hex
    digits there, which readers decode as garbage), and blocks hold at most 100 entries.
    """
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        f"<< /Registry ({fontname})",
        f"/Ordering ({fontname})",
        "/Supplement 0",
        ">> def",
        f"/CMapName /{fontname} def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>",
        "endcodespacerange",
    ]
    entries = [f"<{code:02X}> <{_utf16be_hex(cp)}>" for code, cp in enumerate(subset)]
    for start in range(0, len(entries), _BFCHAR_LIMIT):
        block = entries[start : start + _BFCHAR_LIMIT]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines)


def _utf16be_hex(codepoint: int) -> str:
    return chr(codepoint).encode("utf-16-be", "surrogatepass").hex().upper()


class EmbeddedTTFont(TTFont):
    """A reportlab ``TTFont`` whose ToUnicode CMaps round-trip characters beyond the BMP.

    reportlab embeds a TrueType font as 256-glyph simple-font subsets, each with a ToUnicode
    stream built by the module function ``makeToUnicodeCMap``. We let ``addObjects`` build
    everything, then replace the content of those streams (found through each subset's
    ``/ToUnicode`` reference) with :func:`make_to_unicode_cmap`. Nothing global is patched.
    """

    def addObjects(self, doc) -> None:
        state = self._assignState(doc)
        subsets = [list(subset) for subset in state.subsets]
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        pdf_fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            pdf_font = pdf_fonts[name]
            stream = doc.idToObject[pdf_font.ToUnicode.name]
            stream.content = make_to_unicode_cmap(pdf_font.BaseFont, subset)


def register_subset(source: SourceFace, codepoints: Iterable[int]) -> str:
    """Build (once per process) and register the subset of ``source``; return its name."""
    wanted = {cp for cp in codepoints if cp in source.cmap}
    name = fontbuild.subset_name(source, wanted)
    if name not in pdfmetrics.getRegisteredFontNames():
        data = io.BytesIO(fontbuild.build_subset(source, wanted, name))
        data.name = name  # reportlab keys the embedded font file by "filename(basefont)"
        font = EmbeddedTTFont(name, data)
        font.shapable = False  # our subsets carry no layout tables; shaping adds nothing
        pdfmetrics.registerFont(font)
    return name


class FontsNotPreparedError(RuntimeError):
    """A :class:`FontSet` was used before :meth:`FontSet.prepare` (a programming error)."""


class FontSet:
    """The fonts of one document: a Chinese main font and an emoji fallback, both embedded.

    ``sources`` is the fallback chain of faces, main face first (default: Noto Sans CJK SC,
    then Noto Emoji). Call :meth:`prepare` with every string before drawing.
    """

    def __init__(self, sources: Sequence[SourceFace] | None = None) -> None:
        if sources is None:
            sources = (fontbuild.cjk_source(), fontbuild.emoji_source())
        if not sources:
            raise ValueError("a FontSet needs at least one source face")
        self._sources = tuple(sources)
        self._chars: dict[str, set[int]] = {s.key: set() for s in self._sources}
        self._chars[self._sources[0].key].update(map(ord, BASE_TEXT))
        self._coverage: tuple[FontCoverage, ...] = ()
        self._missing: set[int] = set()

    def prepare(self, texts: Iterable[str]) -> None:
        """Collect the characters of ``texts`` and (re)build the fonts that must hold them.

        Call it once with everything the document draws; calling it again with new characters
        rebuilds the affected fonts under new names.
        """
        chain = [FontCoverage(s.key, s.codepoints, emoji=s.emoji) for s in self._sources]
        missing: set[int] = set()
        for text in texts:
            for key, run in split_runs(text, chain, missing=missing):
                self._chars[key].update(map(ord, run))
        self._warn_missing(missing)
        coverage = []
        for index, source in enumerate(self._sources):
            chars = self._chars[source.key]
            if chars or index == 0:
                name = register_subset(source, chars)
                codepoints = frozenset(chars & source.codepoints)
                coverage.append(FontCoverage(name, codepoints, emoji=source.emoji))
        self._coverage = tuple(coverage)

    @property
    def coverage(self) -> tuple[FontCoverage, ...]:
        """The registered fonts with the characters each holds, main font first."""
        if not self._coverage:
            raise FontsNotPreparedError("call FontSet.prepare() before using its fonts")
        return self._coverage

    @property
    def base_font_name(self) -> str:
        """Registered name of the main (Chinese) font: use it for every style and canvas."""
        return self.coverage[0].name

    @property
    def emoji_font_name(self) -> str | None:
        """Registered name of the emoji font, or None if the document has no emoji."""
        return next((font.name for font in self.coverage if font.emoji), None)

    @property
    def font_names(self) -> tuple[str, ...]:
        return tuple(font.name for font in self.coverage)

    @property
    def missing(self) -> frozenset[int]:
        """Code points no font could draw; each was drawn as □ and logged once."""
        return frozenset(self._missing)

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``(font_name, run)`` pairs for ``text``; see ``text_runs.split_runs``."""
        missing: set[int] = set()
        runs = split_runs(text, self.coverage, missing=missing)
        self._warn_missing(missing)
        return runs

    def markup(self, text: str) -> str:
        """Escaped Paragraph markup for ``text`` with a ``<font name=…>`` element per run."""
        missing: set[int] = set()
        markup = paragraph_markup(text, self.coverage, missing=missing)
        self._warn_missing(missing)
        return markup

    def string_width(self, text: str, size: float) -> float:
        """Width in points of ``text`` drawn at ``size`` with the fallback fonts."""
        return sum(pdfmetrics.stringWidth(run, name, size) for name, run in self.runs(text))

    def draw_string(self, canvas, x: float, y: float, text: str, size: float, *,
                    measure: bool = True) -> float:
        """Draw one line like ``canvas.drawString``, switching fonts per run; return its width
        (0 when ``measure`` is false: the chat's thousands of lines need no width).

        All runs go into one text object, so text extraction sees a single line.
        """
        text_object = canvas.beginText(x, y)
        width = 0.0
        for name, run in self.runs(text):
            text_object.setFont(name, size)
            text_object.textOut(run)
            if measure:
                width += pdfmetrics.stringWidth(run, name, size)
        canvas.drawText(text_object)
        return width

    def paragraph_style(self, name: str, **attributes) -> ParagraphStyle:
        """A ``ParagraphStyle`` using the main font and CJK line breaking (trap 5)."""
        attributes.setdefault("fontName", self.base_font_name)
        attributes.setdefault("bulletFontName", self.base_font_name)
        attributes.setdefault("wordWrap", "CJK")
        return ParagraphStyle(name, **attributes)

    @contextlib.contextmanager
    def as_default(self) -> Iterator[None]:
        """Make the main font reportlab's default inside the block, then restore the old one."""
        saved = _current_defaults()
        self.install_as_default()
        try:
            yield
        finally:
            _set_defaults(saved)

    def install_as_default(self) -> None:
        """Make the main font reportlab's default font for canvases, drawings, styles, tables.

        Without this every canvas starts with Helvetica, which then sits unembedded in the PDF
        (trap 4). Sets ``rl_config.canvas_basefontname`` and ``defaultGraphicsFontName``,
        ``ParagraphStyle.defaults`` (``fontName``, ``bulletFontName``) and the default font of
        plain-string ``Table`` cells. Styles made earlier keep their font.
        """
        _set_defaults([self.base_font_name] * len(_DEFAULT_SLOTS))

    def _warn_missing(self, missing: set[int]) -> None:
        new = missing - self._missing
        if not new:
            return
        self._missing |= new
        unprepared = {cp for cp in new if any(cp in s.codepoints for s in self._sources)}
        if unprepared:
            logger.warning(
                "%s not passed to FontSet.prepare(); drawn as □", describe_codepoints(unprepared)
            )
        if new - unprepared:
            logger.warning(
                "no font has a glyph for %s; drawn as □", describe_codepoints(new - unprepared)
            )


# Where reportlab keeps a default font name: (object, attribute or key).
_DEFAULT_SLOTS = (
    (rl_config, "canvas_basefontname"),
    (rl_config, "defaultGraphicsFontName"),
    (ParagraphStyle.defaults, "fontName"),
    (ParagraphStyle.defaults, "bulletFontName"),
    (CellStyle, "fontname"),
)


def _current_defaults() -> list[str]:
    return [
        target[key] if isinstance(target, dict) else getattr(target, key)
        for target, key in _DEFAULT_SLOTS
    ]


def _set_defaults(values: Sequence[str]) -> None:
    for (target, key), value in zip(_DEFAULT_SLOTS, values, strict=True):
        if isinstance(target, dict):
            target[key] = value
        else:
            setattr(target, key, value)
