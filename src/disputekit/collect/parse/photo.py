"""Facts about a photo or screenshot: size, orientation, capture time, camera, sharpness, phash.

One open, one reduced decode: the first frame is decoded at the smallest size its format
allows above :data:`ANALYSIS_SIDE` (JPEG DCT scaling decodes only luma at 1/2-1/8 size),
EXIF is read (after the decode: a PNG's eXIf chunk may follow its pixels), the frame is
downscaled to exactly the analysis scale, and both the sharpness and the perceptual hash
come from that one grayscale image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

import numpy as np
from PIL import Image, ImageFile

from disputekit.collect.parse.imageio import (
    DECODER_ERRORS,
    decode_reduced,
    fit,
    orient,
    read_orientation,
    to_gray,
    with_image,
)
from disputekit.collect.parse.limits import MAX_FRAMES_SCANNED
from disputekit.collect.phash import hamming  # noqa: F401 (part of this module's API)
from disputekit.kinds import Hints
from disputekit.models.facts import PhotoFacts

ANALYSIS_SIDE = 512
"""Longest side (px) at which sharpness and phash are computed. Fixed, so values compare
across photos: at full size the Laplacian measures sensor noise, not focus."""

SCREEN_ASPECT = 1.7
"""Phone screens are 16:9 or taller (19.5:9, 20:9), camera sensors 4:3 or 3:2."""

DEFAULT_OFFSET = timezone(timedelta(hours=8), "+08:00")
"""EXIF times without OffsetTimeOriginal are read as China Standard Time."""

_HASH_SIDE, _HASH_BITS = 32, 8
_EXIF_IFD = 0x8769
_TAG_MAKE, _TAG_MODEL, _TAG_SOFTWARE, _TAG_DATETIME = 0x010F, 0x0110, 0x0131, 0x0132
_TAG_ORIGINAL, _TAG_OFFSET, _TAG_OFFSET_ORIGINAL, _TAG_COMMENT = 0x9003, 0x9010, 0x9011, 0x9286
_EXIF_TIME = re.compile(r"(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})")
_MALFORMED_EXIF = "EXIF 数据损坏，已忽略 / Malformed EXIF data ignored"


def _dct_matrix(n: int) -> np.ndarray:
    """Orthonormal DCT-II matrix: ``C @ x`` is the DCT of column vector ``x``."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    matrix = np.sqrt(2 / n) * np.cos(np.pi * (2 * i + 1) * k / (2 * n))
    matrix[0] /= np.sqrt(2)
    return matrix


_DCT = _dct_matrix(_HASH_SIDE)


@dataclass
class _Exif:
    taken_at: datetime | None = None
    make: str | None = None
    model: str | None = None
    software: str | None = None
    comment: str | None = None
    original: bool = False  # taken_at came from DateTimeOriginal
    warnings: list[str] = field(default_factory=list)

    @property
    def names_camera(self) -> bool:
        return bool(self.make or self.model)


@dataclass
class _Measured:
    size: tuple[int, int]
    mode: str
    frames: int
    orientation: int
    exif: _Exif
    sharpness: float
    phash: str
    screenshot_hint: bool
    warnings: list[str]


def parse_image(path: Path) -> PhotoFacts:
    """Read a photo or screenshot's facts; InputFileError for anything unusable.

    ``kind``, in order: EXIF Make/Model → ``photo``; "Screenshot" in the EXIF UserComment,
    XMP or Software (iOS, some Android builds) → ``screenshot``; DateTimeOriginal →
    ``photo``; a PNG or a phone-screen shape (long/short side ≥ :data:`SCREEN_ASPECT`) →
    ``screenshot``; else ``photo``. Chat apps strip EXIF, so a forwarded 4:3 photo stays a
    photo and a forwarded tall screenshot stays a screenshot; ``--as`` overrides the guess.

    HEIF/HEIC: libheif applies the container's rotation while decoding, so ``width`` and
    ``height`` are already upright and ``orientation`` is 1.
    """
    decoded = with_image(path, _measure)
    found = decoded.value
    return PhotoFacts(
        kind=_kind(decoded.format, found),
        format=decoded.format,
        width=found.size[0],
        height=found.size[1],
        orientation=found.orientation,
        frames=found.frames,
        mode=found.mode,
        taken_at=found.exif.taken_at,
        make=found.exif.make,
        model=found.exif.model,
        software=found.exif.software,
        sharpness=found.sharpness,
        phash=found.phash,
        warnings=found.warnings,
        decode_warnings=decoded.notes,
    )


def _kind(fmt: str, found: _Measured) -> Literal["photo", "screenshot"]:
    if found.exif.names_camera:
        return "photo"
    if found.screenshot_hint:
        return "screenshot"
    if found.exif.original:
        return "photo"
    width, height = found.size
    tall = max(width, height) / min(width, height) >= SCREEN_ASPECT
    return "screenshot" if fmt == "png" or tall else "photo"


def _measure(image: ImageFile.ImageFile) -> _Measured:
    size, mode = image.size, image.mode  # as stored, before draft() changes them
    frames = count_frames(image)
    decode_reduced(image, ANALYSIS_SIDE, "L")
    orientation, warnings = read_orientation(image)  # after load: PNG eXIf may follow IDAT
    exif = read_exif(image)
    gray = fit(to_gray(image), ANALYSIS_SIDE)
    return _Measured(
        size=size,
        mode=mode,
        frames=frames,
        orientation=orientation,
        exif=exif,
        sharpness=sharpness(gray),
        phash=phash(orient(gray, orientation)),
        screenshot_hint=_says_screenshot(image, exif),
        warnings=[*warnings, *exif.warnings],
    )


def count_frames(image: ImageFile.ImageFile) -> int:
    """Frame count. GIF frames are stepped through (up to MAX_FRAMES_SCANNED): Pillow grows
    a GIF's canvas to a frame that claims to lie outside it, and checks that growth against
    the pixel budget only while seeking. Other formats' frames are never decoded."""
    frames = int(getattr(image, "n_frames", 1) or 1)
    if image.format == "GIF" and frames > 1:
        for index in range(1, min(frames, MAX_FRAMES_SCANNED)):
            image.seek(index)
        image.seek(0)
    return frames


# --- EXIF ------------------------------------------------------------------------------------


def read_exif(image: Image.Image) -> _Exif:
    """Capture time, camera and software; malformed EXIF is ignored with a warning."""
    try:
        exif = image.getexif()
        sub = exif.get_ifd(_EXIF_IFD)
    except DECODER_ERRORS:
        return _Exif(warnings=[_MALFORMED_EXIF])
    try:
        return _exif_facts(dict(exif), dict(sub))
    except DECODER_ERRORS:  # values of unexpected types
        return _Exif(warnings=[_MALFORMED_EXIF])


def _exif_facts(ifd0: dict[int, Any], sub: dict[int, Any]) -> _Exif:
    original = parse_exif_time(sub.get(_TAG_ORIGINAL), sub.get(_TAG_OFFSET_ORIGINAL))
    fallback = parse_exif_time(ifd0.get(_TAG_DATETIME), sub.get(_TAG_OFFSET))
    return _Exif(
        taken_at=original or fallback,
        original=original is not None,
        make=clean_text(ifd0.get(_TAG_MAKE)),
        model=clean_text(ifd0.get(_TAG_MODEL)),
        software=clean_text(ifd0.get(_TAG_SOFTWARE)),
        comment=clean_text(sub.get(_TAG_COMMENT)),
    )


def clean_text(value: object) -> str | None:
    """An EXIF ASCII value as text: NULs and surrounding whitespace stripped, '' → None."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", " ").strip()
    return text or None


def parse_exif_time(value: object, offset: object = None) -> datetime | None:
    """``YYYY:MM:DD HH:MM:SS`` (+ ``±HH:MM`` offset, else +08:00) → aware datetime."""
    text, zone = clean_text(value), _parse_offset(clean_text(offset))
    match = _EXIF_TIME.match(text or "")
    if not match:
        return None
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except ValueError:  # 0000:00:00 00:00:00, month 13…
        return None


def _parse_offset(text: str | None) -> timezone:
    match = _OFFSET.fullmatch(text or "")
    if not match:
        return DEFAULT_OFFSET
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return DEFAULT_OFFSET
    return timezone(-delta if sign == "-" else delta)


def _says_screenshot(image: Image.Image, exif: _Exif) -> bool:
    """iOS writes "Screenshot" into the EXIF and XMP UserComment; some Android builds into
    Software."""
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp") or b""
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8", errors="replace")
    texts = (exif.software or "", exif.comment or "")
    return b"Screenshot" in xmp or any("screenshot" in text.lower() for text in texts)


# --- measures --------------------------------------------------------------------------------


def sharpness(gray: Image.Image) -> float:
    """Variance of the 4-neighbour Laplacian of a grayscale image (higher = sharper)."""
    pixels = np.asarray(gray, dtype=np.float32)
    if min(pixels.shape) < 3:
        return 0.0
    lap = (
        pixels[:-2, 1:-1] + pixels[2:, 1:-1] + pixels[1:-1, :-2] + pixels[1:-1, 2:]
    ) - 4 * pixels[1:-1, 1:-1]
    return round(float(lap.var()), 2)


def phash(gray: Image.Image) -> str:
    """64-bit DCT perceptual hash as 16 hex digits (the usual pHash: 32×32 gray, DCT, the 8×8
    lowest frequencies compared with their median)."""
    small = gray.convert("L").resize((_HASH_SIDE, _HASH_SIDE), Image.Resampling.LANCZOS)
    pixels = np.asarray(small, dtype=np.float64)
    low = (_DCT @ pixels @ _DCT.T)[:_HASH_BITS, :_HASH_BITS].flatten()
    bits = low > np.median(low)
    value = int("".join("1" if bit else "0" for bit in bits), 2)
    return f"{value:016x}"


def read_image(path: Path, hints: Hints) -> PhotoFacts:
    """The ``photo`` and ``screenshot`` kinds' parser: the content decides which, ``--as`` wins."""
    facts = parse_image(path)
    if hints.as_kind in ("photo", "screenshot") and facts.kind != hints.as_kind:
        facts = facts.model_copy(update={"kind": hints.as_kind})
    return facts
