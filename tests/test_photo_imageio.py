"""Safe opening and display decoding: limits, exact refusals, colour and alpha handling."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from disputekit.collect.parse.imageio import (
    TRUNCATED_NOTE,
    decode_reduced,
    draft_box,
    load_display_image,
    open_image,
    orient,
    to_8bit,
)
from disputekit.collect.parse.limits import MAX_PIXELS
from disputekit.collect.parse.photo import parse_image
from disputekit.errors import InputFileError


def gradient(width: int, height: int) -> Image.Image:
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // max(width - 1, 1), y * 255 // max(height - 1, 1), 0 * x + 90], -1)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny valid PNG whose IHDR claims ``width``×``height`` (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
    path.write_bytes(data + chunk(b"IEND", b""))
    return path


# --- refusals --------------------------------------------------------------------------------


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    path = png_claiming(tmp_path / "bomb.png", 20_000, 20_000)
    with pytest.raises(InputFileError) as caught:
        parse_image(path)
    assert caught.value.en.startswith("The image bomb.png is too large (")
    assert "exceeds the 100 MP pixel limit" in caught.value.en
    assert caught.value.zh.startswith("图片 bomb.png 太大（")
    assert caught.value.fix_en == (
        "If it is a real photo, export it at a lower resolution (or screenshot it) and add that."
    )


def test_just_over_the_budget_is_refused_by_our_own_check(tmp_path: Path) -> None:
    path = png_claiming(tmp_path / "big.png", 10_001, 10_000)
    assert MAX_PIXELS < 10_001 * 10_000
    with pytest.raises(InputFileError) as caught:
        load_display_image(path, 1600)
    assert "too large" in caught.value.en


def test_pdf_named_jpg_is_refused_naming_its_type(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
    with pytest.raises(InputFileError) as caught:
        parse_image(path)
    assert caught.value.zh == "photo.jpg 不是图片：按内容识别为PDF 文档。"
    assert caught.value.en == "photo.jpg is not an image: by its content it is a PDF document."


def test_damaged_jpeg_names_file_format_and_exception(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"\x13" * 200)
    with pytest.raises(InputFileError) as caught:
        parse_image(path)
    assert re.fullmatch(
        r"Cannot read the image x\.png \(its content is JPEG\): the file is damaged or uses an "
        r"unsupported variant \(\w+Error: .+\)\.",
        caught.value.en,
    )
    assert caught.value.zh.startswith("无法读取图片 x.png（内容为 JPEG 格式）")
    assert caught.value.fix_en.startswith("Export it again from the original device")


def test_truncated_jpeg_is_accepted_with_warning(tmp_path: Path) -> None:
    path = tmp_path / "t.jpg"
    gradient(800, 600).save(path, quality=90)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 3])
    facts = parse_image(path)
    assert facts.decode_warnings[0] == TRUNCATED_NOTE
    assert TRUNCATED_NOTE not in facts.warnings  # a decoder complaint, not a metadata note
    assert load_display_image(path, 400).size == (400, 300)


# --- decoding no more than needed ------------------------------------------------------------


def test_jpeg_is_draft_decoded(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    gradient(4000, 3000).save(path, quality=80)
    with open_image(path, "jpeg") as (image, _):
        decode_reduced(image, 512, "L")
        assert (image.size, image.mode) == ((1000, 750), "L")  # 1/4 DCT scale, luma only


def test_display_size_and_mode(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    gradient(4000, 3000).save(path, quality=80)
    image = load_display_image(path, 1600)
    assert (image.size, image.mode) == ((1600, 1200), "RGB")


def test_small_images_are_not_upscaled(tmp_path: Path) -> None:
    gradient(120, 80).save(tmp_path / "s.png")
    assert load_display_image(tmp_path / "s.png", 1600).size == (120, 80)


@given(st.integers(1, 20_000), st.integers(1, 20_000), st.integers(16, 4000))
def test_draft_box_keeps_aspect_and_bound(width: int, height: int, side: int) -> None:
    box = draft_box((width, height), side)
    assert max(box) <= max(side, max(width, height)) and min(box) >= 1
    if max(width, height) > side:
        scale = side / max(width, height)
        assert max(box) == side
        assert abs(box[0] - width * scale) <= 1 and abs(box[1] - height * scale) <= 1


# --- what a person sees ----------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_display_applies_orientation(tmp_path: Path, orientation: int) -> None:
    upright = gradient(300, 200)
    inverse = {6: 8, 8: 6}.get(orientation, orientation)  # all other ops are their own inverse
    stored = orient(upright, inverse)
    exif = Image.Exif()
    exif[0x0112] = orientation
    stored.save(tmp_path / "o.jpg", quality=95, exif=exif.tobytes())
    shown = np.asarray(load_display_image(tmp_path / "o.jpg", 1600), dtype=int)
    assert shown.shape == (200, 300, 3)
    assert np.abs(shown - np.asarray(upright, dtype=int)).mean() < 3


def test_orientation_zero_is_upright(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 0
    gradient(300, 200).save(tmp_path / "o.jpg", exif=exif.tobytes())
    assert load_display_image(tmp_path / "o.jpg", 1600).size == (300, 200)


def test_png_exif_orientation_is_honoured(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6
    gradient(300, 200).save(tmp_path / "o.png", exif=exif.tobytes())
    assert load_display_image(tmp_path / "o.png", 1600).size == (200, 300)


def test_palette_transparency_is_flattened_onto_white(tmp_path: Path) -> None:
    image = Image.new("P", (10, 10), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.save(tmp_path / "p.png", transparency=1)
    shown = load_display_image(tmp_path / "p.png", 100)
    assert (shown.mode, shown.getpixel((5, 5))) == ("RGB", (255, 255, 255))


def test_alpha_is_flattened_onto_white(tmp_path: Path) -> None:
    image = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 5, 10))
    image.save(tmp_path / "a.png")
    shown = load_display_image(tmp_path / "a.png", 100)
    assert shown.getpixel((2, 5)) == (0, 0, 255)
    assert shown.getpixel((7, 5)) == (255, 255, 255)


def test_sixteen_bit_is_scaled_not_clipped(tmp_path: Path) -> None:
    pixels = np.array([[0, 32896, 65535]], dtype=np.uint16).repeat(4, axis=0)
    Image.fromarray(pixels).save(tmp_path / "g16.png")
    shown = load_display_image(tmp_path / "g16.png", 100)
    assert [shown.getpixel((x, 1))[0] for x in range(3)] == [0, 128, 255]


def test_eight_bit_values_in_wide_mode_are_kept() -> None:
    image = Image.fromarray(np.array([[0, 100, 255]], dtype=np.uint16))
    assert list(np.asarray(to_8bit(image))[0]) == [0, 100, 255]


def test_cmyk_is_not_inverted(tmp_path: Path) -> None:
    Image.new("CMYK", (20, 20), (0, 255, 255, 0)).save(tmp_path / "c.jpg", quality=95)
    red, green, blue = load_display_image(tmp_path / "c.jpg", 100).getpixel((10, 10))
    assert red > 200 and green < 60 and blue < 60


def test_animated_gif_shows_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "lime", "blue")]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:], duration=100)
    red, green, blue = load_display_image(tmp_path / "a.gif", 100).getpixel((20, 15))
    assert red > 200 and green < 60 and blue < 60
