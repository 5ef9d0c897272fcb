"""The OCR seam: the bundled RapidOCR engine offline and silent, image preparation, cache keys."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys

import pytest
from PIL import Image

import screenkit
from disputekit.collect import ocr
from disputekit.collect.ocr import (
    OcrFailed,
    RapidOcrEngine,
    cache_key,
    default_engine,
    ocr_image,
    prepare_image,
)
from disputekit.collect.ocr.engine import DET_MAX_PIXELS, DET_MIN_SIDE, det_scale, strips
from disputekit.models.screen import OcrLine


class FakeEngine:
    """Records the images it is given; returns one line covering the image."""

    name = "fake 1.0"

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []

    def read(self, image: Image.Image) -> list[OcrLine]:
        self.sizes.append(image.size)
        assert image.mode == "RGB"
        return [OcrLine(text="x", box=(0, 0, image.width, image.height), confidence=0.9)]


# ------------------------------------------------------------------------------ pure parts
def test_det_scale_caps_area_and_never_enlarges() -> None:
    assert det_scale(300, 400) == 1.0
    for w, h in ((1080, 2160), (1366, 768), (720, 1280)):
        assert (w * det_scale(w, h)) * (h * det_scale(w, h)) == pytest.approx(DET_MAX_PIXELS)
    assert 1000 * det_scale(1000, 20_000) == pytest.approx(DET_MIN_SIDE)  # a strip keeps its width


def test_strips_cover_tall_captures_once() -> None:
    assert strips(1080, 2160) == [(0, 0.0, 2160.0)]
    parts = strips(1080, 6000)
    assert len(parts) == 3
    assert parts[0][1] == 0.0 and parts[-1][2] == 6000.0
    for (top, _, own_to), (next_top, next_from, _) in itertools.pairwise(parts):
        assert own_to == next_from  # owned zones tile the image
        assert next_top < own_to < top + round(1080 * 2.3)  # the boundary lies in both strips


def test_cache_key_changes_with_engine_and_content() -> None:
    a = cache_key("AB" * 32, "rapidocr 3.10.0")
    assert a.startswith("ab" * 32 + "-")
    assert a != cache_key("ab" * 32, "rapidocr 3.11.0")
    assert a != cache_key("cd" * 32, "rapidocr 3.10.0")


def test_ocr_image_applies_exif_orientation() -> None:
    image = Image.new("RGB", (200, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    image.info["exif"] = exif.tobytes()
    image = image.copy()
    image.getexif()[0x0112] = 6
    engine = FakeEngine()
    text = ocr_image(image, engine)
    assert engine.sizes == [(100, 200)]
    assert text.engine == "fake 1.0"


def test_ocr_image_shrinks_huge_images_and_maps_boxes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "MAX_OCR_PIXELS", 10_000)
    engine = FakeEngine()
    text = ocr_image(Image.new("RGB", (400, 100), "white"), engine)
    assert engine.sizes == [(200, 50)]
    assert text.lines[0].box == (0, 0, 400, 100)


def test_prepare_image_flattens_transparency_onto_white() -> None:
    image = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert prepare_image(image).getpixel((1, 1)) == (255, 255, 255)


def test_import_is_cheap() -> None:
    code = "import sys, disputekit.collect.ocr; print('rapidocr' in sys.modules, 'onnxruntime' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# ------------------------------------------------------------------------------ real engine
@pytest.mark.slow
def test_engine_reads_a_drawn_page_without_any_network(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine = RapidOcrEngine()  # a fresh engine: model loading happens under the patch
    lines = engine.read(screenkit.desktop_refund())
    assert attempts == []
    assert "退款编号：20250420001" in [line.text for line in lines]
    assert engine.name.startswith("rapidocr 3.")
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # rapidocr's logging never reaches the terminal


@pytest.mark.slow
def test_engine_boxes_and_confidences_are_sane() -> None:
    image = screenkit.desktop_tracking_table()
    text = ocr_image(image)
    assert text.engine == default_engine().name
    by_text = {line.text: line for line in text.lines}
    line = by_text["运单号：SF1427395068213"]
    x0, y0, x1, y1 = line.box
    assert 70 <= x0 <= 90 and 110 <= y0 <= 130 and x1 > x0 and y1 > y0
    assert all(0.5 <= line.confidence <= 1.0 for line in text.lines)


@pytest.mark.slow
def test_blank_image_gives_no_lines() -> None:
    assert ocr_image(Image.new("RGB", (640, 480), "white")).lines == []


def test_engine_failure_is_ocr_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = default_engine()

    assert isinstance(engine, RapidOcrEngine)

    class Broken:
        cfg = engine._ocr.cfg
        text_det = None

        def __call__(self, *args: object) -> None:
            raise RuntimeError("onnx exploded")

    monkeypatch.setattr(engine, "_ocr", Broken())
    with pytest.raises(OcrFailed) as failure:
        engine.read(Image.new("RGB", (64, 64), "white"))
    assert failure.value.en == "Text recognition (OCR) failed: RuntimeError: onnx exploded."
    assert failure.value.zh.startswith("文字识别（OCR）失败")


@pytest.mark.slow
def test_tall_capture_is_read_in_strips_without_losing_or_doubling_lines() -> None:
    sheet = screenkit.Sheet(1080, 5000, screenkit.LIGHT)
    boundaries = [own_to for _, _, own_to in strips(1080, 5000)[:-1]]  # 1871, 3129
    tops = sorted({*range(200, 4800, 600), *(round(b) - 100 for b in boundaries),
                   *(round(b) - 25 for b in boundaries)})  # centred just above and below
    for n, top in enumerate(tops):
        sheet.text(80, top, f"第{n}行 快件已到达【杭州西湖文三】", 40)
    found = [line.text for line in ocr_image(sheet.image).lines]
    assert len(found) == len(tops)
    assert [int(text[1 : text.index("行")]) for text in found] == list(range(len(tops)))
