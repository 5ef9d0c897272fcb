"""Personal data in images: the pixel boxes to cover, read from OCR lines, and the covering.

``pii_boxes(lines)`` runs the recogniser of ``disputekit.privacy.pii`` on every OCR line and
turns each character span into a sub-box of the line's box. OCR gives one box per line, not per
character, so the position is estimated from the text: a CJK or full-width character counts as
two units of width, anything else (digits, ASCII, spaces) as one — close to how Chinese UI fonts
set digits at about half an em. The box is padded generously (a character unit plus a few
pixels on each side, a little above and below), because an uncovered digit is worse than a
covered neighbour. ``cover(image, boxes)`` paints opaque boxes on a copy; ``mask_lines(lines)``
masks the text of OCR lines for text layers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PIL import Image, ImageDraw

from disputekit.models.screen import OcrLine, OcrText
from disputekit.privacy.pii import ALL_KINDS, PiiKind, find_pii, mask_text, privacy_kinds
from disputekit.profiles.model import Privacy

Box = tuple[int, int, int, int]

PAD_PX = 3  # on top of one character unit, left and right
PAD_Y_RATIO = 0.15  # of the line height, above and below
COVER_RGB = (0, 0, 0)


def char_units(ch: str) -> int:
    """Estimated width of ``ch`` in units of a digit: 2 for CJK/full-width, else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def span_box(line: OcrLine, start: int, end: int) -> Box:
    """The padded pixel box of ``line.text[start:end]`` within ``line.box``."""
    x0, y0, x1, y1 = line.box
    units = [char_units(c) for c in line.text]
    total = sum(units) or 1
    unit_px = (x1 - x0) / total
    left = x0 + unit_px * sum(units[:start])
    right = x0 + unit_px * sum(units[:end])
    pad_x = unit_px + PAD_PX
    pad_y = max(2.0, (y1 - y0) * PAD_Y_RATIO)
    return (
        max(0, int(left - pad_x)),
        max(0, int(y0 - pad_y)),
        int(right + pad_x + 0.999),
        int(y1 + pad_y + 0.999),
    )


def pii_boxes(lines: Sequence[OcrLine], *, kinds: Iterable[PiiKind] = ALL_KINDS) -> list[Box]:
    """Boxes to cover, one per personal-data span found in the lines' texts."""
    wanted = frozenset(kinds)
    boxes: list[Box] = []
    for line in lines:
        for span in find_pii(line.text, kinds=wanted):
            boxes.append(span_box(line, span.start, span.end))
    return boxes


def cover(image: Image.Image, boxes: Iterable[Box], *, fill: tuple[int, int, int] = COVER_RGB) -> Image.Image:
    """A copy of ``image`` with each box painted opaque (clipped to the image).

    RGB, RGBA (alpha set to 255 in the box) and L images keep their mode; other modes (P, 1,
    CMYK…) come back as RGB so that the fill is exactly ``fill``.
    """
    out = image.copy() if image.mode in ("RGB", "RGBA", "L") else image.convert("RGB")
    colour: int | tuple[int, ...]
    if out.mode == "RGBA":
        colour = (*fill, 255)
    elif out.mode == "L":
        colour = round(0.299 * fill[0] + 0.587 * fill[1] + 0.114 * fill[2])
    else:
        colour = fill
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for x0, y0, x1, y1 in boxes:
        a, b, c, d = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if c > a and d > b:
            draw.rectangle((a, b, c - 1, d - 1), fill=colour)
    return out


def mask_lines(lines: Iterable[OcrLine], *, kinds: Iterable[PiiKind] = ALL_KINDS) -> list[OcrLine]:
    """The lines with their text masked (box and confidence unchanged), for text layers."""
    wanted = frozenset(kinds)
    return [line.model_copy(update={"text": mask_text(line.text, kinds=wanted)}) for line in lines]


# ---------------------------------------------------------------------------- exhibits


def exhibit_lines(facts: Mapping[str, Any]) -> list[OcrLine]:
    """The OCR lines stored on an exhibit's facts (a screenshot's ``text``: an ``OcrText``), or
    none. This is the one hook every image leaving the case goes through (dossier pages,
    upload images, proof card): covering follows whatever the collect stage read."""
    text = facts.get("text")
    if not isinstance(text, Mapping):
        return []
    return OcrText.model_validate(text).lines


def upright_size(facts: Mapping[str, Any]) -> tuple[int, int]:
    """The exhibit's size after EXIF orientation (the frame OCR boxes are measured in)."""
    width, height = int(facts.get("width") or 0), int(facts.get("height") or 0)
    return (height, width) if int(facts.get("orientation") or 0) in (5, 6, 7, 8) else (width, height)


def exhibit_boxes(facts: Mapping[str, Any], privacy: Privacy) -> list[Box]:
    """Boxes (in upright original pixels) of the personal data the exhibit's OCR lines show."""
    return pii_boxes(exhibit_lines(facts), kinds=privacy_kinds(privacy))


def cover_scaled(image: Image.Image, boxes: Sequence[Box], original: tuple[int, int]) -> Image.Image:
    """Cover ``boxes`` (measured on an image of size ``original``) on a resized ``image``."""
    if not boxes:
        return image
    sx = image.width / original[0] if original[0] else 1.0
    sy = image.height / original[1] if original[1] else 1.0
    scaled = [(int(x0 * sx), int(y0 * sy), int(x1 * sx + 0.999), int(y1 * sy + 0.999))
              for x0, y0, x1, y1 in boxes]
    return cover(image, scaled)


# ---------------------------------------------------------------------------- known characters

CharBox = tuple[float, float, float, float]
"""A character's box in pixels (x0, y0, x1, y1), as a PDF's text gives it (no estimate)."""

CHAR_PAD_RATIO = 0.15  # of the span's thinner side (the line's height), on every side


def char_span_box(boxes: Sequence[CharBox | None], start: int, end: int) -> Box | None:
    """The padded pixel box around the characters ``start``..``end`` whose boxes are known
    (``None``: a character without a box, such as an inferred space), or None if none is."""
    known = [b for b in boxes[start:end] if b is not None]
    if not known:
        return None
    x0, y0 = min(b[0] for b in known), min(b[1] for b in known)
    x1, y1 = max(b[2] for b in known), max(b[3] for b in known)
    # the thinner side is the line's height whichever way the text runs (a page turned a
    # quarter runs its lines down the image)
    pad = PAD_PX + CHAR_PAD_RATIO * min(x1 - x0, y1 - y0)
    return (max(0, int(x0 - pad)), max(0, int(y0 - pad)), int(x1 + pad + 0.999),
            int(y1 + pad + 0.999))

