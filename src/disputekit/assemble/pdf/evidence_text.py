"""The invisible text layer over evidence-PDF pages drawn as images: search and copy still work.

PDFium reads each page's text runs and their boxes (``evidence_child``, which masks them with
the spans it paints over on the image, ``evidence_pii``); here they are masked again per run
like every other string of the dossier, with the same switches of the profile
(``privacy.regions.mask_lines``: no phone number or address in the layer unless the shop's
profile says they may be shown) and written over the image in text render mode 3, stretched to each
box, as screenshots' OCR lines are (``text_layer``). The layer is a small PDF of our own made
with reportlab and the dossier's embedded CJK and emoji fonts, one page per evidence page,
laid over the dossier page as a form XObject: its only resources are those fonts.
Characters none of the fonts holds (Arabic, Devanagari…) are left out of the layer; the image
shows them. Pages turned by a quarter (/Rotate 90 or 270) run their text across the image's
height and get no layer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from disputekit.assemble.pdf import fontbuild
from disputekit.assemble.pdf.evidence_render import PageImage
from disputekit.assemble.pdf.fonts import FontSet
from disputekit.assemble.pdf.layout import PAGE_H, PAGE_W
from disputekit.assemble.pdf.text_layer import TextLayer, draw_text_layer
from disputekit.models.screen import OcrLine
from disputekit.privacy.pii import ALL_KINDS, PiiKind
from disputekit.privacy.regions import mask_lines


@dataclass(frozen=True)
class TextPlacement:
    """One drawn page's text and where its image sits on the dossier page (points)."""

    image: PageImage
    x: float
    y: float
    width: float
    height: float


def _drawable(text: str, codepoints: frozenset[int]) -> str:
    return "".join(c if ord(c) in codepoints or c == " " else " " for c in text).strip()


def layer_of(image: PageImage, codepoints: frozenset[int],
             kinds: frozenset[PiiKind] = ALL_KINDS) -> TextLayer | None:
    """The text layer of a drawn page, personal data of ``kinds`` masked, or None (no text,
    or a quarter-turned page)."""
    if not image.text or image.rotation % 180:
        return None
    lines = [OcrLine(text=text, box=(x0, y0, x1, y1), confidence=1.0)
             for text, x0, y0, x1, y1 in image.text if x1 > x0 and y1 > y0]
    masked = [line.model_copy(update={"text": _drawable(line.text, codepoints)})
              for line in mask_lines(lines, kinds=kinds)]
    kept = [line for line in masked if line.text]
    return TextLayer(kept, frozenset(), image.width, image.height) if kept else None


def write_text_layers(dest: Path, placements: list[TextPlacement],
                      kinds: frozenset[PiiKind] = ALL_KINDS) -> list[int] | None:
    """Write ``dest`` with one page per placement that has text (personal data of ``kinds``
    masked); return, for each such page, the index of its placement (None when no page has
    text)."""
    from reportlab.pdfgen.canvas import Canvas

    sources = (fontbuild.cjk_source(), fontbuild.emoji_source())
    codepoints = frozenset().union(*(s.codepoints for s in sources))
    layers = [(i, layer_of(p.image, codepoints, kinds)) for i, p in enumerate(placements)]
    kept = [(i, layer) for i, layer in layers if layer is not None]
    if not kept:
        return None
    fonts = FontSet(sources)
    fonts.prepare(text for _, layer in kept for text in layer.texts)
    with fonts.as_default():
        canvas = Canvas(str(dest), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
        for index, layer in kept:
            place = placements[index]
            canvas.saveState()
            canvas.translate(place.x, place.y)
            draw_text_layer(canvas, fonts, layer, place.width, place.height)
            canvas.restoreState()
            canvas.showPage()
        canvas.save()
    return [index for index, _ in kept]
