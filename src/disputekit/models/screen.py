"""Text read from an image by OCR, and where each value read from it came from.

Shared by the OCR engine (``collect/ocr``), the screenshot readers (``collect/screens``) and the
privacy masking of image regions. Boxes are in pixels of the upright (EXIF-oriented) image.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class OcrLine(Frozen):
    text: str
    box: tuple[int, int, int, int] = Field(description="x0, y0, x1, y1 in the upright image")
    confidence: float = Field(ge=0.0, le=1.0)


class OcrText(Frozen):
    engine: str = Field(description="engine name and version, e.g. 'rapidocr 3.10.0 PP-OCRv6'")
    lines: list[OcrLine] = Field(default_factory=list)


class Source(Frozen):
    """Where one value read from an image came from."""

    line: int = Field(ge=0, description="index into OcrText.lines")
    confidence: float = Field(ge=0.0, le=1.0)
