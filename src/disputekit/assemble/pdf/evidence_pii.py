"""Personal data on an evidence-PDF page: the boxes to paint over, and the text runs masked.

``evidence_child`` reads every character of a page from PDFium — the character, whether PDFium
inferred it (a space for a gap, a line break) and its box in pixels of the drawn image — and
hands them here. Lines are cut at PDFium's line breaks; on each line the one recogniser
(``privacy.pii.find_pii``) finds personal data of the kinds the profile masks, and each span
becomes the padded union of its characters' boxes (``privacy.regions.char_span_box``), painted
over on the image as screenshots' covers are (``privacy.regions.cover``). The same spans mask
the text runs of the invisible text layer, so the layer and the picture agree. A run is a
piece of a line between inferred characters.

Pure functions (no PDFium), so they are tested without a child process.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from disputekit.privacy.pii import ALL_KINDS, PiiKind, PiiSpan, find_pii
from disputekit.privacy.regions import Box, CharBox, char_span_box

Run = tuple[str, int, int, int, int]
"""A piece of a line for the text layer: ``(text, x0, y0, x1, y1)`` in pixels of the image."""


@dataclass(frozen=True)
class PageChar:
    """One character of a page as PDFium reads it: exactly one code point, whether PDFium
    inferred it, and its box in pixels of the drawn image (None when it has none)."""

    text: str
    box: CharBox | None
    generated: bool = False


@dataclass(frozen=True)
class PagePii:
    """What a page needs: ``covers`` to paint over the image, ``runs`` for the text layer
    (masked), and how many spans of personal data were found."""

    covers: list[Box]
    runs: list[Run]
    found: int


def lines_of(chars: Iterable[PageChar]) -> list[list[PageChar]]:
    """The page's characters cut at line breaks (the breaks themselves dropped)."""
    lines: list[list[PageChar]] = []
    line: list[PageChar] = []
    for char in chars:
        if char.text in ("\r", "\n"):
            if line:
                lines.append(line)
            line = []
        else:
            line.append(char)
    if line:
        lines.append(line)
    return lines


def _shown(char: str) -> str:
    return char if char.isprintable() else " "


def page_pii(chars: Iterable[PageChar], *, kinds: Iterable[PiiKind] = ALL_KINDS,
             max_runs: int = 3_000, max_chars: int = 20_000) -> PagePii:
    """Covers for every span of personal data of ``kinds`` on the page, and the page's text
    runs with those spans masked (at most ``max_runs`` runs and ``max_chars`` characters of
    text: the covers are found on every line regardless)."""
    wanted = frozenset(kinds)
    covers: list[Box] = []
    runs: list[Run] = []
    found, kept = 0, 0
    for line in lines_of(chars):
        text = "".join(_shown(c.text) for c in line)
        boxes = [c.box for c in line]
        spans = find_pii(text, kinds=wanted)
        found += len(spans)
        covers.extend(box for box in (char_span_box(boxes, s.start, s.end) for s in spans)
                      if box is not None)
        for start, end in _pieces(line, text):
            if len(runs) >= max_runs:
                break
            run = _run(text, boxes, spans, start, end)
            if run is None or kept + len(run[0]) > max_chars:
                continue
            kept += len(run[0])
            runs.append(run)
    return PagePii(covers, runs, found)


def _pieces(line: Sequence[PageChar], text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each piece of ``line`` between inferred characters, spaces trimmed."""
    pieces, start = [], 0
    for index in range(len(line) + 1):
        if index == len(line) or line[index].generated:
            a, b = start, index
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if b > a:
                pieces.append((a, b))
            start = index + 1
    return pieces


def _run(text: str, boxes: Sequence[CharBox | None], spans: Sequence[PiiSpan], start: int,
         end: int) -> Run | None:
    known = [b for b in boxes[start:end] if b is not None]
    if not known:
        return None
    return (masked_piece(text, spans, start, end), int(min(b[0] for b in known)),
            int(min(b[1] for b in known)), int(max(b[2] for b in known) + 0.999),
            int(max(b[3] for b in known) + 0.999))


def masked_piece(text: str, spans: Sequence[PiiSpan], start: int, end: int) -> str:
    """``text[start:end]`` with the spans masked: a span wholly inside by its replacement, the
    part of a span that crosses the piece's edge by one ``*`` a character."""
    out, pos = [], start
    for span in spans:
        if span.end <= start or span.start >= end:
            continue
        lo, hi = max(span.start, start), min(span.end, end)
        out.append(text[pos:lo])
        out.append(span.replacement if (lo, hi) == (span.start, span.end) else "*" * (hi - lo))
        pos = hi
    out.append(text[pos:end])
    return "".join(out)
