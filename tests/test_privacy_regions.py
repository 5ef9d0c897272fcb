"""Covering personal data in images (``disputekit.privacy.regions``).

Lines are drawn here with the bundled Noto Sans CJK font, so the true pixel extent of each
phone number is known from the font's advance widths; the box estimated from the OCR line's
text must contain it. One slow test runs the real OCR engine before and after covering.
"""

from __future__ import annotations

from pathlib import Path

import noto_cjk_sans_otc
import pytest
from PIL import Image, ImageDraw, ImageFont

from disputekit.models.screen import OcrLine
from disputekit.privacy.pii import find_pii
from disputekit.privacy.regions import char_units, cover, mask_lines, pii_boxes

FONT = Path(str(noto_cjk_sans_otc.FONT_PATH))
SIZE = 32


def _font(size: int = SIZE) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size=size, index=2)  # index 2: Simplified Chinese


def _render(texts: list[str], *, size: int = SIZE, width: int = 1000) -> tuple[Image.Image, list[OcrLine]]:
    """A white page with one line per text, and the OcrLines an ideal OCR would return."""
    font = _font(size)
    line_h = int(size * 1.6)
    image = Image.new("RGB", (width, 40 + line_h * len(texts)), "white")
    draw = ImageDraw.Draw(image)
    lines = []
    for i, text in enumerate(texts):
        x, y = 30, 20 + i * line_h
        draw.text((x, y), text, font=font, fill="black")
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        lines.append(OcrLine(text=text, box=(x0, y0, x1, y1), confidence=0.99))
    return image, lines


def _true_extent(line: OcrLine, start: int, end: int, size: int = SIZE) -> tuple[float, float]:
    font = _font(size)
    x0 = line.box[0]
    return x0 + font.getlength(line.text[:start]), x0 + font.getlength(line.text[:end])


PHONE_LINES = [
    "签收人：张三 13987654321",
    "快递员电话13957112345，请联系",
    "13912345678",
    "收件人：李四，139-1234-5678，文三路90号",
    "Tel: 186 1234 5678 (mobile)",
    "座机（0571）88881234 转人工",
    "【顺丰速运】您的快件已由本人签收，如有疑问请电联快递员【王师傅，电话：18967891234】",
]


@pytest.mark.parametrize("text", PHONE_LINES)
def test_box_contains_the_drawn_number(text: str) -> None:
    _, lines = _render([text], width=1600)
    (line,) = lines
    spans = find_pii(text)
    boxes = pii_boxes(lines)
    assert len(boxes) == len(spans) >= 1
    for span, (bx0, by0, bx1, by1) in zip(spans, boxes, strict=True):
        left, right = _true_extent(line, span.start, span.end)
        assert bx0 <= left and right <= bx1, (text, span, (left, right), (bx0, bx1))
        assert by0 <= line.box[1] and line.box[3] <= by1
        # generous, not wild: at most two characters' worth of slack on either side
        assert left - bx0 < 2 * SIZE and bx1 - right < 2 * SIZE


def test_no_boxes_for_ids_dates_amounts() -> None:
    _, lines = _render(
        [
            "订单号：3712345678901234567",
            "运单号 SF1427395068213 · 73518294603127",
            "2025-04-20 10:02 实付 ¥1,280.00",
            "收件人电话138****5678，地址文三路**号",
        ]
    )
    assert pii_boxes(lines) == []


def test_boxes_per_line_and_kinds_filter() -> None:
    _, lines = _render(["电话13912345678", "无个人信息", "地址：幸福里小区12幢3单元501"])
    boxes = pii_boxes(lines)
    assert len(boxes) == 2
    assert boxes[0][1] < lines[0].box[3] <= boxes[1][1] + 10  # first box on the first line
    assert boxes[1][1] >= lines[1].box[3] - 5  # second box on the third line
    assert len(pii_boxes(lines, kinds={"address"})) == 1


def test_char_units() -> None:
    assert [char_units(c) for c in "1a 张：１"] == [1, 1, 1, 2, 2, 2]


def test_cover_paints_opaque_boxes_on_a_copy() -> None:
    image, lines = _render(["签收人：张三 13987654321"])
    before = image.copy()
    boxes = pii_boxes(lines)
    covered = cover(image, boxes)
    assert image.tobytes() == before.tobytes()  # the original is untouched
    assert covered.mode == "RGB" and covered.size == image.size
    (x0, y0, x1, y1) = boxes[0]
    region = covered.crop((x0, y0, x1, y1))
    assert region.getcolors() == [(region.width * region.height, (0, 0, 0))]
    # the name before the number is still readable: untouched pixels left of the box
    left = (lines[0].box[0], lines[0].box[1], x0, lines[0].box[3])
    assert covered.crop(left).tobytes() == image.crop(left).tobytes()
    # the digits' true extent lies inside the painted area
    span = find_pii(lines[0].text)[0]
    l_px, r_px = _true_extent(lines[0], span.start, span.end)
    assert x0 <= l_px and r_px <= x1


def test_cover_modes_and_clipping() -> None:
    rgba = Image.new("RGBA", (50, 20), (255, 255, 255, 0))
    out = cover(rgba, [(-10, -10, 10, 10), (45, 15, 80, 80)])
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (0, 0, 0, 255) and out.getpixel((9, 9)) == (0, 0, 0, 255)
    assert out.getpixel((10, 10)) == (255, 255, 255, 0)  # end is exclusive
    assert out.getpixel((49, 19)) == (0, 0, 0, 255)
    grey = cover(Image.new("L", (20, 20), 255), [(0, 0, 5, 5)], fill=(255, 0, 0))
    assert grey.mode == "L" and grey.getpixel((2, 2)) == 76
    palette = Image.new("P", (20, 20))
    out_p = cover(palette, [(0, 0, 5, 5)], fill=(10, 20, 30))
    assert out_p.mode == "RGB" and out_p.getpixel((2, 2)) == (10, 20, 30)
    assert cover(Image.new("RGB", (5, 5), "white"), [(10, 10, 20, 20)]).getpixel((4, 4)) == (255, 255, 255)


def test_mask_lines_keeps_geometry() -> None:
    lines = [
        OcrLine(text="签收人：张三 13987654321", box=(10, 20, 300, 50), confidence=0.9),
        OcrLine(text="运单号 73518294603127", box=(10, 60, 300, 90), confidence=0.8),
    ]
    masked = mask_lines(lines)
    assert [m.text for m in masked] == ["签收人：张三 139****4321", "运单号 73518294603127"]
    assert [(m.box, m.confidence) for m in masked] == [(line.box, line.confidence) for line in lines]
    assert mask_lines(lines, kinds=set())[0].text == lines[0].text


@pytest.mark.slow
def test_ocr_cannot_read_a_covered_number() -> None:
    from disputekit.collect.ocr import ocr_image

    texts = ["签收人：张三 13987654321", "运单号 73518294603127", "派件员电话 139-5711-2345"]
    image, _ = _render(texts, size=36, width=900)
    read = ocr_image(image)
    assert any("13987654321" in line.text.replace(" ", "") for line in read.lines)
    covered = cover(image, pii_boxes(read.lines))
    again = " ".join(line.text for line in ocr_image(covered).lines)
    assert "73518294603127" in again  # the waybill stays readable
    assert not [s for s in find_pii(again) if s.kind == "mobile"], again
    for digits in ("9876", "4321", "5711", "2345"):
        assert digits not in again
