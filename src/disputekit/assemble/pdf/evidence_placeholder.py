"""The notice drawn in place of an evidence-PDF page that could not be drawn.

Never a silent blank: the slot shows, in Chinese and English, which exhibit and page it is,
why it is missing and where the original is. It is an image (greyscale PNG data) like the
drawn pages, made with the CJK font the dossier embeds, so it needs no font resources in the
page and is PDF/A-safe.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from disputekit.assemble.pdf import fontbuild

NOTICE_DPI = 100
"""Resolution of the notice: large text only, so 100 dpi is sharp and ~15 KB."""

HEADLINE_PT, BODY_PT = 16, 11
"""Type sizes of the notice, in points on the dossier page."""


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    from fontTools.ttLib import TTCollection

    path = fontbuild.cjk_font_path()
    collection = TTCollection(str(path), lazy=True)
    index = next((i for i, font in enumerate(collection.fonts)
                  if font["name"].getDebugName(6) == fontbuild.CJK_SC_PS_NAME), 0)
    return ImageFont.truetype(str(path), size, index=index, layout_engine=ImageFont.Layout.BASIC)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Break between words (English) or anywhere (Chinese) to fit ``width`` pixels."""
    lines, current = [], ""
    for token in text.split(" ") if text.isascii() else list(text):
        joined = f"{current} {token}" if current and text.isascii() else current + token
        if current and draw.textlength(joined, font=font) > width:
            lines.append(current)
            current = token
        else:
            current = joined
    return [*lines, current] if current else lines


def notice_lines(exhibit: str, n: int, reason: tuple[str, str], lang: str = "zh") -> list[tuple[str, bool]]:
    """The notice's lines in the dossier's language: ``(text, headline)``."""
    if lang == "en":
        return [
            (f"{exhibit} · original page {n} could not be drawn", True),
            (f"Reason: {reason[1]}.", False),
            ("The original is unchanged and kept in the case (SHA-256 in the evidence index); "
             "open it in a PDF reader.", False),
        ]
    return [
        (f"{exhibit} · 原文件第 {n} 页无法绘制", True),
        (f"原因：{reason[0]}。", False),
        ("原件未作任何改动，保存在案件中（SHA-256 见证据索引），可用 PDF 阅读器查看。", False),
    ]


def draw_notice(dest: Path, box: tuple[float, float], lines: list[tuple[str, bool]]) -> tuple[int, int]:
    """Write the notice as a greyscale PNG filling a ``box`` (points); return its pixel size."""
    scale = NOTICE_DPI / 72
    width, height = round(box[0] * scale), round(box[1] * scale)
    image = Image.new("L", (width, height), 244)
    draw = ImageDraw.Draw(image)
    border = max(2, round(2 * scale))
    draw.rectangle((0, 0, width - 1, height - 1), outline=120, width=border)
    pad = round(24 * scale)
    y = pad
    for text, headline in lines:
        font = _font(round((HEADLINE_PT if headline else BODY_PT) * scale))
        for line in _wrap(draw, text, font, width - 2 * pad):
            draw.text((pad, y), line, fill=0 if headline else 40, font=font)
            y += round(font.size * 1.45)
        y += round(font.size * (0.6 if headline else 0.4))
    data = io.BytesIO()
    image.save(data, "PNG", compress_level=9)
    part = dest.with_name(dest.name + ".part")
    part.write_bytes(data.getvalue())
    part.replace(dest)
    return width, height
