"""Decoder complaints become the exhibit's ``decode_warnings``; nothing reaches the terminal.

Synthetic files only (the shared corpus's damaged files: test_corpus_damage.py).
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from disputekit.collect.parse import stderr_capture
from disputekit.collect.parse.image_damage import rle_problem
from disputekit.collect.parse.imageio import with_image
from disputekit.collect.parse.photo import parse_image
from disputekit.errors import InputFileError


def bmp8(path: Path, pixels: np.ndarray, colours: int, *, planes: int = 1,
         ppm: int = 2835, rle: bytes | None = None) -> Path:
    """An 8-bit palette BMP, bottom-up, with a ``colours``-entry grey palette."""
    height, width = pixels.shape
    stride = (width + 3) & ~3
    if rle is None:
        rows = [bytes(pixels[y]) + b"\0" * (stride - width) for y in range(height - 1, -1, -1)]
        data, compression = b"".join(rows), 0
    else:
        data, compression = rle, 1
    palette = b"".join(bytes((v, v, v, 0)) for v in np.linspace(0, 255, colours, dtype=np.uint8))
    offset = 14 + 40 + len(palette)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, planes, 8, compression, len(data),
                       ppm, ppm, colours, 0)
    head = b"BM" + struct.pack("<IHHI", offset + len(data), 0, 0, offset)
    path.write_bytes(head + info + palette + data)
    return path


def pattern(width: int = 16, height: int = 8, top: int = 3) -> np.ndarray:
    return (np.indices((height, width)).sum(0) % (top + 1)).astype(np.uint8)


# --- fd 2 ------------------------------------------------------------------------------------


def test_what_c_code_writes_to_fd_2_is_captured(capfd: pytest.CaptureFixture[str]) -> None:
    with stderr_capture.captured() as lines:
        os.write(2, b"TIFFReadDirectory: bad thing\nTIFFReadDirectory: bad thing\nsecond\n")
    assert lines == ["TIFFReadDirectory: bad thing", "second"]
    assert capfd.readouterr().err == ""


def test_fd_2_is_restored_after_an_exception(capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(RuntimeError), stderr_capture.captured():
        raise RuntimeError("boom")
    os.write(2, b"after\n")
    assert capfd.readouterr().err == "after\n"


def test_decoder_output_becomes_a_decode_warning(tmp_path: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    Image.new("RGB", (40, 30), "white").save(tmp_path / "p.png")

    def noisy(image: Image.Image) -> tuple[int, int]:
        image.load()
        os.write(2, b"Fax4Decode: Bad code word at line 27 of strip 0 (x 0).\n")
        return image.size

    decoded = with_image(tmp_path / "p.png", noisy)
    assert decoded.value == (40, 30)
    assert decoded.notes == [
        "压缩的图像数据已损坏，部分画面可能显示错误（解码器原文：Fax4Decode: Bad code word at line 27 of "
        "strip 0 (x 0).） / The compressed image data is damaged; part of the picture may show "
        "wrongly (decoder: Fax4Decode: Bad code word at line 27 of strip 0 (x 0).)"]
    assert capfd.readouterr().err == ""


def test_unknown_private_tags_are_not_complaints(tmp_path: Path) -> None:
    Image.new("RGB", (40, 30), "white").save(tmp_path / "p.png")

    def noisy(image: Image.Image) -> None:
        os.write(2, b"TIFFReadDirectory: Warning, Unknown field with tag 50838 (0xc696)\n")

    assert with_image(tmp_path / "p.png", noisy).notes == []


def test_a_refusal_quotes_what_the_decoder_printed(tmp_path: Path,
                                                   capfd: pytest.CaptureFixture[str]) -> None:
    Image.new("RGB", (40, 30), "white").save(tmp_path / "p.png")

    def failing(image: Image.Image) -> None:
        os.write(2, b"TIFFFillStrip: Read error on strip 0\n")
        raise OSError("decoder error -2")

    with pytest.raises(InputFileError) as caught:
        with_image(tmp_path / "p.png", failing)
    assert caught.value.en.endswith("The decoder said: TIFFFillStrip: Read error on strip 0")
    assert "解码器原文：TIFFFillStrip: Read error on strip 0" in caught.value.zh
    assert capfd.readouterr().err == ""


# --- damage Pillow decodes silently ----------------------------------------------------------


def test_healthy_bmp_has_no_decode_warnings(tmp_path: Path) -> None:
    Image.fromarray(pattern(64, 48, 200)).convert("RGB").save(tmp_path / "ok.bmp")
    bmp8(tmp_path / "p.bmp", pattern(), 4)
    assert parse_image(tmp_path / "ok.bmp").decode_warnings == []
    assert parse_image(tmp_path / "p.bmp").decode_warnings == []


def test_bad_planes_field(tmp_path: Path) -> None:
    facts = parse_image(bmp8(tmp_path / "b.bmp", pattern(), 4, planes=7))
    assert facts.decode_warnings == [
        "BMP 文件头字段错误：色彩平面数为 7，应为 1 / Bad BMP header field: planes is 7 (must be 1)"]


def test_impossible_density(tmp_path: Path) -> None:
    facts = parse_image(bmp8(tmp_path / "b.bmp", pattern(), 4, ppm=30_000_000))
    assert len(facts.decode_warnings) == 1
    assert "30,000,000×30,000,000 pixels per metre is impossible" in facts.decode_warnings[0]


def test_pixels_past_the_palette(tmp_path: Path) -> None:
    facts = parse_image(bmp8(tmp_path / "b.bmp", pattern(top=9), 4))
    assert facts.decode_warnings == [
        "BMP 调色板索引错误：调色板只有 4 种颜色，像素却用到第 10 种，这些像素的颜色不可信 / Bad palette "
        "index: the palette has 4 colours but pixels use colour 10; those pixels' colours cannot "
        "be trusted"]


def rle8(rows: list[list[tuple[int, int]]], *, end: bool = True) -> bytes:
    out = b""
    for row in rows:
        out += b"".join(bytes((count, value)) for count, value in row) + b"\0\0"
    return out + (b"\0\1" if end else b"")


def test_sound_rle_is_quiet(tmp_path: Path) -> None:
    data = rle8([[(10, 1), (6, 2)]] * 8)
    assert rle_problem(data, 16, 8, rle4=False) is None
    facts = parse_image(bmp8(tmp_path / "r.bmp", np.zeros((8, 16), np.uint8), 4, rle=data))
    assert facts.decode_warnings == []


def test_rle_run_past_the_row(tmp_path: Path) -> None:
    data = rle8([[(10, 1), (6, 2)]] * 3 + [[(10, 1), (9, 2)]] + [[(16, 1)]] * 4)
    assert rle_problem(data, 16, 8, rle4=False) == (
        "第 4 行（自下而上）的像素超出行宽", "a run in row 4 (from the bottom) goes past the end of the row")
    facts = parse_image(bmp8(tmp_path / "r.bmp", np.zeros((8, 16), np.uint8), 4, rle=data))
    assert facts.decode_warnings == ["BMP 压缩数据已损坏：第 4 行（自下而上）的像素超出行宽 / Damaged BMP "
                                     "compressed data: a run in row 4 (from the bottom) goes past "
                                     "the end of the row"]


def test_rle_problems() -> None:
    assert rle_problem(rle8([[(16, 1)]] * 3, end=False), 16, 8, rle4=False) == (
        "数据在图片完整之前结束", "the data ends before the image is complete")
    assert rle_problem(rle8([[(16, 1)]] * 3), 16, 8, rle4=False) is None  # early end: legal
    assert rle_problem(rle8([[(16, 1)]] * 8, end=False), 16, 8, rle4=False) is None
    assert rle_problem(rle8([[(16, 1)]] * 9), 16, 8, rle4=False) == (
        "最后一行之后仍有像素数据", "pixel data follows the last row")
    assert rle_problem(b"\0\2\x20\0" + rle8([]), 16, 8, rle4=False) == (
        "跳转超出图片范围", "a jump goes outside the image")
    absolute = b"\0\3\1\2\3\0" + b"\x0d\1" + b"\0\0"  # 3 literal pixels (padded), then 13
    assert rle_problem(absolute * 8 + b"\0\1", 16, 8, rle4=False) is None


def test_healthy_photo_decodes_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks add no decode: a JPEG photo is loaded exactly once."""
    Image.fromarray(pattern(800, 600, 250)).convert("RGB").save(tmp_path / "p.jpg")
    loads: list[str] = []
    file_load = ImageFile.ImageFile.load

    def counting(self: ImageFile.ImageFile) -> object:
        if self.tile:
            loads.append(self.format or "?")
        return file_load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counting)
    facts = parse_image(tmp_path / "p.jpg")
    assert facts.decode_warnings == []
    assert loads == ["JPEG"]
