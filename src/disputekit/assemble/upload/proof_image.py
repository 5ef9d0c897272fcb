"""The upload proof image: one composite JPEG card with the strongest evidence, under a byte cap.

Taobao accepts one refusal image of at most 130,000 bytes (profile ``proof_image_max_bytes``).
The card shows who and what the dispute is about (order and refund numbers, the ground), the
decisive tracking events (the signed line with time, signer, waybill and courier), the chat
messages the agent marked as key (buyer and seller told apart by colour and label) and, when
the ground is about the item itself, two photo thumbnails with exhibit id and capture time.

Three steps, each testable alone:

* :func:`proof_card` picks the content from the rule context (pure data, no pixels);
* :func:`render_card` draws it at a given width with Noto Sans CJK SC (emoji fallback);
* :func:`fit_proof` tries the steps of :data:`FIT_STEPS` (narrower, lower quality, smaller
  photos, and last less text) until the bytes fit, and raises :class:`ProofImageTooLarge`
  naming the smallest result when nothing does.

Output is deterministic: fixed fonts and layout engine, no EXIF, fixed encoder settings.
"""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field

from fontTools.ttLib import TTCollection
from PIL import Image, ImageDraw, ImageFont

from disputekit.assemble.pdf import fontbuild
from disputekit.assemble.pdf.text_runs import FontCoverage, split_runs
from disputekit.assemble.pdf.text_wrap import wrap
from disputekit.assemble.upload.proof_content import (  # noqa: F401 (re-exported API)
    COMPACT,
    FULL,
    MINIMAL,
    SHORT,
    Detail,
    ProofCard,
    ProofPhoto,
    ProofRow,
    ProofSection,
    RowStyle,
    key_events,
    proof_card,
)
from disputekit.errors import VerificationFailed

DESIGN_WIDTH = 1080
"""Width the sizes below are designed for; other widths scale them (never below the minimum)."""

MIN_FONT_PX = 24
"""Smallest font size drawn: Noto's CJK ink is ~0.88 em, so every glyph stays ≥ 21 px tall."""


@dataclass(frozen=True)
class FitStep:
    width: int
    photo_scale: float
    detail: Detail
    qualities: tuple[int, ...]


FIT_STEPS: tuple[FitStep, ...] = (
    FitStep(1080, 1.0, FULL, (85, 75, 65)),
    FitStep(960, 1.0, FULL, (75, 65)),
    FitStep(840, 1.0, FULL, (75, 65)),
    FitStep(720, 1.0, FULL, (75, 65, 55, 45)),
    FitStep(720, 0.75, FULL, (55, 45)),
    FitStep(720, 0.75, COMPACT, (55, 45)),
    FitStep(720, 0.75, SHORT, (55, 45)),
    FitStep(720, 0.5, MINIMAL, (55, 45, 40)),
)
"""Tried in order until the JPEG fits. Legibility first: a narrower card keeps strokes crisp
longer than quality below 65 does, so quality drops further only at 720 px; then the photo
thumbnails (the costliest pixels, e.g. grainy low-light shots) shrink; only then is text left
out — with a note on the card naming the exhibit that holds the rest (the dossier has it all)."""

# ---------------------------------------------------------------------------- fonts


@functools.cache
def _cjk_index() -> int:
    """Index of the Simplified Chinese face in the Noto CJK collection, found by its name."""
    collection = TTCollection(str(fontbuild.cjk_font_path()), lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(6) == fontbuild.CJK_SC_PS_NAME:
            return index
    raise fontbuild.FontSourceError(f"{fontbuild.CJK_SC_PS_NAME} in {fontbuild.cjk_font_path()}")


@functools.cache
def _chain() -> tuple[FontCoverage, FontCoverage]:
    return (
        FontCoverage("cjk", fontbuild.cjk_source().codepoints),
        FontCoverage("emoji", fontbuild.emoji_source().codepoints, emoji=True),
    )


@functools.cache
def _pil_font(key: str, size: int) -> ImageFont.FreeTypeFont:
    basic = ImageFont.Layout.BASIC  # the same glyph placement with or without libraqm
    if key == "emoji":
        return ImageFont.truetype(str(fontbuild.emoji_font_path()), size, layout_engine=basic)
    path = str(fontbuild.cjk_font_path())
    return ImageFont.truetype(path, size, index=_cjk_index(), layout_engine=basic)


def ink_height(size: int) -> int:
    """Pixel height of the ink of 国 at ``size`` (how tall the text really is)."""
    box = _pil_font("cjk", size).getbbox("国")
    return round(box[3] - box[1])


@dataclass(frozen=True)
class _Face:
    size: int
    color: str
    bold: bool = False

    def runs(self, text: str) -> list[tuple[ImageFont.FreeTypeFont, str]]:
        return [(_pil_font(name, self.size), run) for name, run in split_runs(text, _chain())]

    def width(self, text: str) -> float:
        return sum(font.getlength(run) for font, run in self.runs(text))

    @property
    def line_height(self) -> int:
        return round(self.size * 1.42)


# ---------------------------------------------------------------------------- drawing

_INK, _GREY, _BAND, _WHITE = "#1a1a1a", "#5f6368", "#243b55", "#ffffff"
_DRAFT_BAND = "#b00020"  # a draft's header: red, and its title says 草稿/DRAFT
_ROW_COLOURS: dict[str, tuple[str, str]] = {  # style → (accent bar, tint)
    "key": ("#2e7d32", "#e8f5e9"),
    "event": ("#9e9e9e", "#ffffff"),
    "buyer": ("#e65100", "#fff3e0"),
    "seller": ("#1565c0", "#e3f2fd"),
    "other": ("#9e9e9e", "#f5f5f5"),
}


@dataclass
class _Painter:
    """Lays the card out top to bottom; with no ``draw`` it only measures the height."""

    width: int
    draw: ImageDraw.ImageDraw | None = None
    canvas: Image.Image | None = None
    y: int = 0
    photo_scale: float = 1.0
    detail: Detail = FULL
    scale: float = field(init=False)

    def __post_init__(self) -> None:
        self.scale = self.width / DESIGN_WIDTH

    def px(self, design: float) -> int:
        return round(design * self.scale)

    def face(self, design_size: int, color: str = _INK, bold: bool = False) -> _Face:
        return _Face(max(MIN_FONT_PX, self.px(design_size)), color, bold)

    @property
    def margin(self) -> int:
        return self.px(40)

    def text_line(self, x: int, text: str, face: _Face) -> None:
        if self.draw is not None:
            baseline = self.y + round(face.size * 1.1)
            for font, run in face.runs(text):
                self.draw.text((x, baseline), run, font=font, fill=face.color, anchor="ls",
                               stroke_width=1 if face.bold else 0, stroke_fill=face.color)
                x += round(font.getlength(run))
        self.y += face.line_height

    def paragraph(self, x: int, width: int, text: str, face: _Face, max_lines: int) -> None:
        for line in wrap(text, face.width, width, max_lines):
            self.text_line(x, line, face)

    def rect(self, box: tuple[int, int, int, int], fill: str) -> None:
        if self.draw is not None:
            self.draw.rectangle(box, fill=fill)


def _draw_header(p: _Painter, card: ProofCard) -> None:
    top = p.y
    p.y += p.px(28)
    inner = p.width - 2 * p.margin
    band_end = top + p.px(28) + p.face(46).line_height + p.face(30).line_height + p.px(24)
    p.rect((0, top, p.width, band_end), _DRAFT_BAND if card.draft else _BAND)
    p.text_line(p.margin, card.title, p.face(46, _WHITE, bold=True))
    p.paragraph(p.margin, inner, card.ids, p.face(30, _WHITE), 1)
    p.y = band_end + p.px(20)
    for line in card.lines:
        p.paragraph(p.margin, inner, line, p.face(30, _GREY), 2)


def _draw_section(p: _Painter, section: ProofSection) -> None:
    rows, note = section.visible(p.detail)
    p.y += p.px(26)
    heading = p.face(34, bold=True)
    p.rect((p.margin, p.y + p.px(6), p.margin + p.px(8), p.y + heading.line_height - p.px(6)),
           _BAND)
    p.paragraph(p.margin + p.px(22), p.width - 2 * p.margin - p.px(22), section.heading,
                heading, 2)
    for row in rows:
        _draw_row(p, row)
    if note:
        p.y += p.px(8)
        p.paragraph(p.margin, p.width - 2 * p.margin, note, p.face(28, _GREY), 2)


def _draw_row(p: _Painter, row: ProofRow) -> None:
    accent, tint = _ROW_COLOURS[row.style]
    p.y += p.px(12)
    top, pad = p.y, p.px(18)
    x, width = p.margin + p.px(10) + pad, p.width - 2 * p.margin - p.px(10) - 2 * pad
    head, body = p.face(28, accent if row.style != "event" else _GREY), p.face(34)
    lines = wrap(row.text, body.width, width, p.detail.text_lines)
    height = 2 * p.px(10) + head.line_height + body.line_height * len(lines)
    p.rect((p.margin, top, p.width - p.margin, top + height), tint)
    p.rect((p.margin, top, p.margin + p.px(10), top + height), accent)
    p.y += p.px(10)
    p.paragraph(x, width, row.head, head, 1)
    for line in lines:
        p.text_line(x, line, body)
    p.y = top + height


def _photo_columns(p: _Painter) -> tuple[int, int]:
    """(column width, gap): two photo columns side by side across the card."""
    gap = p.px(24)
    return (p.width - 2 * p.margin - gap) // 2, gap


def _photo_box(p: _Painter) -> tuple[int, int]:
    box_w = round(_photo_columns(p)[0] * p.photo_scale)
    return box_w, box_w * 4 // 3


def _draw_photos(p: _Painter, photos: tuple[ProofPhoto, ...], thumbs: list[Image.Image]) -> None:
    if not photos:
        return
    p.y += p.px(26)
    column, gap = _photo_columns(p)
    box_w, box_h = _photo_box(p)
    fitted = [_fit_box(thumb, box_w, box_h) for thumb in thumbs]
    top, row_h = p.y, max(img.height for img in fitted)
    bottom = top
    for n, (photo, img) in enumerate(zip(photos, fitted, strict=True)):
        x = p.margin + n * (column + gap)
        if p.canvas is not None:
            p.canvas.paste(img, (x + (column - img.width) // 2, top + row_h - img.height))
        p.y = top + row_h + p.px(10)
        for n_line, line in enumerate(photo.caption):
            face = p.face(30, bold=True) if n_line == 0 else p.face(28, _GREY)
            p.paragraph(x, column, line, face, 2)
        bottom = max(bottom, p.y)
    p.y = bottom


def _fit_box(image: Image.Image, box_w: int, box_h: int) -> Image.Image:
    scale = min(box_w / image.width, box_h / image.height, 1.0)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image if size == image.size else image.resize(size, Image.Resampling.LANCZOS)


def _layout(p: _Painter, card: ProofCard, thumbs: list[Image.Image]) -> None:
    _draw_header(p, card)
    if card.photos_first:
        _draw_photos(p, card.photos, thumbs)
    for section in card.sections:
        _draw_section(p, section)
    if not card.photos_first:
        _draw_photos(p, card.photos, thumbs)
    p.y += p.px(30)
    p.text_line(p.margin, card.footer, p.face(26, _GREY))
    p.y += p.px(16)


def render_card(
    card: ProofCard,
    width: int,
    thumbs: list[Image.Image],
    photo_scale: float = 1.0,
    detail: Detail = FULL,
) -> Image.Image:
    """The card as an RGB image ``width`` px wide; ``thumbs`` are the card's photos, upright,
    drawn in boxes ``photo_scale`` times a half-width column; text as ``detail`` allows."""
    measure = _Painter(width, photo_scale=photo_scale, detail=detail)
    _layout(measure, card, thumbs)
    canvas = Image.new("RGB", (width, measure.y), _WHITE)
    painter = _Painter(width, ImageDraw.Draw(canvas), canvas, photo_scale=photo_scale,
                       detail=detail)
    _layout(painter, card, thumbs)
    return canvas


def thumb_side() -> int:
    """Longest side to decode photos at: the largest photo box of any fit step."""
    return max(_photo_box(_Painter(s.width, photo_scale=s.photo_scale))[1] for s in FIT_STEPS)


def min_text_px(width: int) -> int:
    """Ink height of the smallest text on a card ``width`` px wide."""
    return ink_height(_Painter(width).face(26).size)


# ---------------------------------------------------------------------------- fitting


class ProofImageTooLarge(VerificationFailed):
    """No width/quality in :data:`FIT_STEPS` brings the proof image under the byte limit."""


@dataclass(frozen=True)
class ProofFit:
    data: bytes
    width: int
    height: int
    quality: int
    photo_scale: float
    detail: str
    attempts: tuple[tuple[int, float, str, int, int], ...]
    """(width, photo scale, detail, quality, bytes) of every encoding tried, in order."""

    @property
    def size(self) -> int:
        return len(self.data)


def encode_jpeg(image: Image.Image, quality: int) -> bytes:
    """Baseline JPEG (any decoder reads it), optimised Huffman tables, 4:2:0, no EXIF or ICC:
    the same pixels and quality always give the same bytes."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True, subsampling="4:2:0")
    return out.getvalue()


def fit_proof(
    card: ProofCard,
    max_bytes: int,
    thumbs: list[Image.Image],
    steps: tuple[FitStep, ...] = FIT_STEPS,
) -> ProofFit:
    """The first step of ``steps`` (and quality) whose JPEG is ≤ ``max_bytes``."""
    attempts: list[tuple[int, float, str, int, int]] = []
    for step in steps:
        image = render_card(card, step.width, thumbs, step.photo_scale, step.detail)
        for quality in step.qualities:
            data = encode_jpeg(image, quality)
            attempts.append((step.width, step.photo_scale, step.detail.name, quality, len(data)))
            if len(data) <= max_bytes:
                return ProofFit(data, step.width, image.height, quality, step.photo_scale,
                                step.detail.name, tuple(attempts))
    raise _too_large(attempts, max_bytes)


def _too_large(
    attempts: list[tuple[int, float, str, int, int]], max_bytes: int
) -> ProofImageTooLarge:
    width, _scale, _detail, quality, size = min(attempts, key=lambda a: a[4])
    return ProofImageTooLarge(
        f"凭证图片无法压缩到 {max_bytes:,} 字节以内：最小为 {size:,} 字节"
        f"(宽 {width} 像素，质量 {quality})。",
        f"The proof image cannot be made to fit {max_bytes:,} bytes: the smallest was "
        f"{size:,} bytes ({width} px wide, quality {quality}).",
        fix_zh="请减少标记的聊天消息，或换用细节较少的照片。",
        fix_en="Mark fewer chat messages, or tag photos with less detail.",
    )
