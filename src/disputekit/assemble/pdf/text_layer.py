"""A screenshot's text on its exhibit page: invisible and selectable, decisive lines outlined.

As OCRmyPDF does it: every OCR line is written over the image in text render mode 3 (neither
filled nor stroked), positioned on its box and stretched to its width, so search and copy
work while the page looks like the image. The lines that decide the case — waybill, signing
status, signer and time, refund id, amount and countdown, marked messages — get a red outline.
Text is masked (``disputekit.privacy``) before it is written: the layer carries no phone
number or address the image itself hides.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from disputekit.assemble.pdf.fonts import FontSet
from disputekit.models.facts import PhotoFacts
from disputekit.models.screen import OcrLine
from disputekit.privacy.regions import mask_lines

DECISIVE = {
    "tracking": ("waybill", "signed_at", "signer", "final_status", "courier"),
    "refund": ("refund_id", "amount", "countdown", "state"),
    "chat": (),
}
OUTLINE = colors.HexColor("#d0021b")


@dataclass(frozen=True)
class TextLayer:
    """What to draw over one screenshot: its (masked) lines and the decisive ones' indices."""

    lines: list[OcrLine]
    decisive: frozenset[int]
    width: int  # of the upright image the boxes refer to
    height: int

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def text_layer(facts: PhotoFacts, marked_messages: list[int] | None = None) -> TextLayer | None:
    """The layer of a screenshot whose text was read, else None."""
    if facts.text is None or not facts.text.lines:
        return None
    reading = facts.tracking or facts.chat or facts.refund
    decisive: set[int] = set()
    if reading is not None and facts.reads_as is not None:
        keys = set(DECISIVE[facts.reads_as])
        keys |= {f"messages[{n - 1}]" for n in marked_messages or []}
        decisive = {source.line for key, source in reading.sources.items() if key in keys}
    width, height = (facts.height, facts.width) if facts.orientation in (5, 6, 7, 8) else (facts.width, facts.height)
    return TextLayer(mask_lines(facts.text.lines), frozenset(decisive), width, height)


def draw_text_layer(canvas: Canvas, fonts: FontSet, layer: TextLayer, width: float, height: float) -> None:
    """Draw ``layer`` over an image box of ``width`` × ``height`` points at the origin."""
    sx, sy = width / layer.width, height / layer.height
    canvas.saveState()
    for line in layer.lines:
        x0, y0, x1, y1 = line.box
        _invisible(canvas, fonts, line.text, x0 * sx, height - y1 * sy, (x1 - x0) * sx, (y1 - y0) * sy)
    canvas.setStrokeColor(OUTLINE)
    canvas.setLineWidth(1.2)
    for index in sorted(layer.decisive):
        x0, y0, x1, y1 = layer.lines[index].box
        canvas.rect(x0 * sx - 2, height - y1 * sy - 2, (x1 - x0) * sx + 4, (y1 - y0) * sy + 4,
                    stroke=1, fill=0)
    canvas.restoreState()


def _invisible(canvas: Canvas, fonts: FontSet, text: str, x: float, y: float, w: float, h: float) -> None:
    if not text.strip() or w <= 0 or h <= 0:
        return
    size = max(1.0, h * 0.8)
    runs = fonts.runs(text)
    natural = sum(pdfmetrics.stringWidth(run, name, size) for name, run in runs)
    text_object = canvas.beginText(x, y + h * 0.2)
    text_object.setTextRenderMode(3)
    if natural > 0:
        text_object.setHorizScale(100.0 * w / natural)
    for name, run in runs:
        text_object.setFont(name, size)
        text_object.textOut(run)
    canvas.drawText(text_object)
