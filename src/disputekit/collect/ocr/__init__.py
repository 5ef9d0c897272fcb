"""Offline OCR of screenshots: the engine seam, one cached engine per process, and helpers.

``import disputekit.collect.ocr`` is cheap; the engine (rapidocr, onnxruntime) loads on the first
``default_engine()``. Boxes are in pixels of the upright (EXIF-oriented) image as given.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

from PIL import Image, ImageOps

from disputekit.collect.ocr.engine import (
    OcrEngine,
    OcrFailed,
    RapidOcrEngine,
    default_engine,
    engine_name,
)
from disputekit.models.screen import OcrLine, OcrText

__all__ = [
    "MAX_OCR_PIXELS",
    "OcrEngine",
    "OcrFailed",
    "RapidOcrEngine",
    "cache_key",
    "default_engine",
    "engine_name",
    "ocr_image",
    "prepare_image",
]

MAX_OCR_PIXELS = 16_000_000
"""Images larger than this are shrunk before OCR (a 4000×4000 photo); boxes are mapped back.
Screenshots (≤ 1440×3200, long captures ≤ 1080×12000) are read at full resolution."""


def ocr_image(image: str | Path | Image.Image, engine: OcrEngine | None = None) -> OcrText:
    """Text lines of an image file or PIL image, read by ``engine`` (default: the bundled one).

    Raises OcrFailed when the engine fails; an image without text gives no lines.
    """
    if isinstance(image, str | Path):
        with Image.open(image) as opened:
            upright = prepare_image(opened)
    else:
        upright = prepare_image(image)
    engine = engine or default_engine()
    factor = _shrink_factor(*upright.size)
    if factor < 1.0:
        size = (max(1, round(upright.width * factor)), max(1, round(upright.height * factor)))
        lines = [_scaled(line, 1 / factor) for line in engine.read(upright.resize(size))]
    else:
        lines = engine.read(upright)
    return OcrText(engine=engine.name, lines=lines)


def prepare_image(image: Image.Image) -> Image.Image:
    """Upright (EXIF orientation applied) RGB copy; transparency is flattened onto white."""
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
        rgba = upright.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return upright.convert("RGB")


def cache_key(sha256: str, engine_name: str) -> str:
    """Key of one OCR result: the image's content hash and the engine's name and versions."""
    digest = hashlib.sha256(engine_name.encode("utf-8")).hexdigest()[:16]
    return f"{sha256.lower()}-{digest}"


def _shrink_factor(width: int, height: int) -> float:
    pixels = width * height
    return 1.0 if pixels <= MAX_OCR_PIXELS else math.sqrt(MAX_OCR_PIXELS / pixels)


def _scaled(line: OcrLine, by: float) -> OcrLine:
    x0, y0, x1, y1 = line.box
    box = (math.floor(x0 * by), math.floor(y0 * by), math.ceil(x1 * by), math.ceil(y1 * by))
    return line.model_copy(update={"box": box})
