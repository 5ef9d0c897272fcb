"""Open untrusted images safely and decode no more of them than needed.

* The format comes from the content (:mod:`disputekit.collect.sniff`) and Pillow is told to use only
  that plugin, so a file named ``.jpg`` that is a PNG opens as PNG and a PDF named ``.jpg``
  is refused with a message naming what it really is.
* Pixel budget: :data:`~disputekit.collect.parse.limits.MAX_PIXELS` (Pillow's ``MAX_IMAGE_PIXELS``
  is set to it and its DecompressionBombWarning is an error), checked before decoding.
* Every decoder failure (Pillow and pillow-heif raise OSError, SyntaxError, ValueError,
  struct.error, EOFError, ZeroDivisionError, TypeError, IndexError, KeyError, MemoryError…)
  becomes an :class:`~disputekit.errors.InputFileError` naming the file, its real format and
  the exception type. A truncated file is decoded once more tolerating the missing tail and
  accepted with a warning.
* Every decoder complaint is returned as a note (the exhibit's ``decode_warnings``), never
  printed: Pillow's warnings (corrupt EXIF, malformed MPO…), the truncated-file tolerance,
  what C decoders (libtiff) write to fd 2 (captured around the whole decode,
  :mod:`~disputekit.collect.parse.stderr_capture`), and damage Pillow decodes silently (bad
  BMP/TIFF header fields, RLE overruns, palette indexes, HEIF primary ids and cut-off media:
  :mod:`~disputekit.collect.parse.image_damage`). A healthy photo is still decoded once.
"""

from __future__ import annotations

import io
import re
import struct
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np
import pillow_heif
from PIL import Image, ImageCms, ImageFile

from disputekit.collect.parse import stderr_capture
from disputekit.collect.parse.image_damage import (
    damage_notes,
    decoder_output_notes,
    pillow_warning_note,
)
from disputekit.collect.parse.limits import MAX_PIXELS, check_file_size
from disputekit.collect.sniff import Sniffed, sniff
from disputekit.errors import InputFileError
from disputekit.text.printable import printable

pillow_heif.register_heif_opener()
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

T = TypeVar("T")

PIL_FORMATS: dict[str, tuple[str, ...]] = {
    "jpeg": ("JPEG", "MPO"),
    "png": ("PNG",),
    "gif": ("GIF",),
    "webp": ("WEBP",),
    "bmp": ("BMP",),
    "tiff": ("TIFF",),
    "heif": ("HEIF",),
    "avif": ("AVIF",),
}
"""Pillow plugins allowed for each sniffed format; no other plugin ever sees the bytes."""

DECODER_ERRORS: tuple[type[BaseException], ...] = (
    OSError,  # includes UnidentifiedImageError
    SyntaxError,
    ValueError,
    struct.error,
    EOFError,
    ArithmeticError,  # ZeroDivisionError, OverflowError
    TypeError,
    IndexError,
    KeyError,
    AttributeError,
    RuntimeError,  # pillow-heif, RecursionError
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)
"""What Pillow and pillow-heif raise on hostile input (seen in fuzzing corpora)."""

# Pillow reports a short read only through these messages of a plain OSError.
_TRUNCATION_MESSAGES = ("image file is truncated", "Truncated File Read", "truncated PNG file")
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")
_ORIENT_OPS: dict[int, tuple[Image.Transpose, ...]] = {
    2: (Image.Transpose.FLIP_LEFT_RIGHT,),
    3: (Image.Transpose.ROTATE_180,),
    4: (Image.Transpose.FLIP_TOP_BOTTOM,),
    5: (Image.Transpose.TRANSPOSE,),
    6: (Image.Transpose.ROTATE_270,),
    7: (Image.Transpose.TRANSVERSE,),
    8: (Image.Transpose.ROTATE_90,),
}
_ALPHA_MODES = frozenset({"RGBA", "LA", "PA", "RGBa", "La"})
_WHITE = (255, 255, 255)

TRUNCATED_NOTE = (
    "图片文件不完整（结尾缺失），缺失部分显示为灰色 / "
    "The image file is truncated; the missing part shows as grey"
)


@dataclass
class Decoded(Generic[T]):
    """What a function run on an opened image returned, with the decoder's notes."""

    value: T
    format: str
    notes: list[str] = field(default_factory=list)


class _TruncatedImage(InputFileError):
    """The file ends before its image data does (retried tolerating it)."""


def require_image(path: Path) -> Sniffed:
    """Sniff ``path`` and refuse it, naming its real type, unless it is an image."""
    found = sniff(path)
    if found.is_image:
        return found
    what_zh, what_en = _describe(found)
    raise InputFileError(
        f"{path.name} 不是图片：按内容识别为{what_zh}。",
        f"{path.name} is not an image: by its content it is {what_en}.",
        fix_zh="请添加 JPEG、PNG、HEIC、WebP、GIF、BMP 或 TIFF 图片；其他文件请按其类型添加。",
        fix_en="Add a JPEG, PNG, HEIC, WebP, GIF, BMP or TIFF image; "
        "add other files as their own kind.",
    )


def _describe(found: Sniffed) -> tuple[str, str]:
    if found.kind == "pdf":
        return "PDF 文档", "a PDF document"
    if found.kind in ("chat", "tracking"):
        return f"文本文件（{found.format}）", f"a text file ({found.format})"
    if found.format == "video":
        return "视频文件", "a video file"
    return f"无法识别的格式（{found.format}）", f"an unrecognised format ({found.format})"


def with_image(path: Path, use: Callable[[ImageFile.ImageFile], T]) -> Decoded[T]:
    """Open ``path`` safely, run ``use`` on the open image and return its result.

    Everything ``use`` does (draft, load, convert) runs under the same guards. A truncated
    file is tried once more with Pillow's truncated loading, and a note says so.
    """
    check_file_size(path)
    found = require_image(path)
    refusal: InputFileError | None = None
    with stderr_capture.captured() as printed:
        try:
            decoded = _decode_tolerating_truncation(path, found.format, use)
        except InputFileError as refused:
            refusal = refused
    if refusal is not None:
        raise _with_decoder_output(refusal, printed) from None
    decoded.notes.extend(n for n in decoder_output_notes(printed) if n not in decoded.notes)
    return decoded


def _decode_tolerating_truncation(
    path: Path, fmt: str, use: Callable[[ImageFile.ImageFile], T]
) -> Decoded[T]:
    try:
        return _decode(path, fmt, use)
    except _TruncatedImage:
        with _truncated_allowed():
            decoded = _decode(path, fmt, use)
        decoded.notes.insert(0, TRUNCATED_NOTE)
        return decoded


def _decode(path: Path, fmt: str, use: Callable[[ImageFile.ImageFile], T]) -> Decoded[T]:
    with open_image(path, fmt) as (image, notes):
        value = use(image)
        notes.extend(damage_notes(path, fmt, image))
        return Decoded(value, fmt, notes)


def _with_decoder_output(error: InputFileError, printed: list[str]) -> InputFileError:
    """The refusal, with what a C decoder printed while failing (it explains the failure)."""
    said = "; ".join(printable(line) for line in printed[:2])
    if not said:
        return error
    return type(error)(
        f"{error.zh}解码器原文：{said}",
        f"{error.en} The decoder said: {said}",
        fix_zh=error.fix_zh,
        fix_en=error.fix_en,
    )


@contextmanager
def open_image(path: Path, fmt: str) -> Iterator[tuple[ImageFile.ImageFile, list[str]]]:
    """Open ``path`` as sniffed format ``fmt``; decoder errors in the block → InputFileError.

    Yields the image and a list that collects Pillow's warnings as notes.
    """
    notes: list[str] = []
    with (
        _decoder_errors(path, fmt),
        _warnings_as_notes(notes),
        Image.open(path, formats=PIL_FORMATS[fmt]) as image,
    ):
        check_pixels(path, image.size)
        yield image, notes


def check_pixels(path: Path, size: tuple[int, int]) -> None:
    """Refuse images bigger than the pixel budget, before decoding them."""
    width, height = size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(path, f"{width}×{height}")
    if width < 1 or height < 1:
        raise InputFileError(
            f"图片 {path.name} 的尺寸无效（{width}×{height}）。",
            f"The image {path.name} has an invalid size ({width}×{height}).",
            fix_zh="请重新导出该图片。",
            fix_en="Export the image again.",
        )


def _too_many_pixels(path: Path, size: str) -> InputFileError:
    limit = f"{MAX_PIXELS // 1_000_000} MP"
    return InputFileError(
        f"图片 {path.name} 太大（{size}），超过 {limit} 像素上限，可能是解压炸弹或超高分辨率照片。",
        f"The image {path.name} is too large ({size}); it exceeds the {limit} pixel limit "
        "(a decompression bomb or an ultra-high-resolution photo).",
        fix_zh="如为真实照片，请在手机上以较低分辨率导出或截图后再添加。",
        fix_en="If it is a real photo, export it at a lower resolution (or screenshot it) "
        "and add that.",
    )


@contextmanager
def _decoder_errors(path: Path, fmt: str) -> Iterator[None]:
    try:
        yield
    except InputFileError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(path, _claimed_megapixels(exc)) from None
    except DECODER_ERRORS as exc:
        raise _unreadable(path, fmt, exc) from None


def _claimed_megapixels(exc: BaseException) -> str:
    """The pixel count Pillow's bomb check names in its message, as megapixels."""
    match = _BOMB_PIXELS.search(str(exc))
    return f"{int(match[1]) / 1_000_000:,.0f} MP" if match else "?"


def _unreadable(path: Path, fmt: str, exc: BaseException) -> InputFileError:
    kind, detail = type(exc).__name__, _first_line(exc)
    cls = _TruncatedImage if _is_truncation(exc) else InputFileError
    return cls(
        f"无法读取图片 {path.name}（内容为 {fmt.upper()} 格式）：文件已损坏或该格式变体不受支持"
        f"（{kind}: {detail}）。",
        f"Cannot read the image {path.name} (its content is {fmt.upper()}): the file is damaged "
        f"or uses an unsupported variant ({kind}: {detail}).",
        fix_zh="请用原设备重新导出，或用看图软件另存为 JPEG/PNG 后再添加。",
        fix_en="Export it again from the original device, or save it as JPEG/PNG in an image "
        "viewer, then add that copy.",
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else "no details"


def _is_truncation(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and str(exc).startswith(_TRUNCATION_MESSAGES)


@contextmanager
def _warnings_as_notes(notes: list[str]) -> Iterator[None]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        finally:
            for item in caught:
                note = pillow_warning_note(str(item.message))
                if issubclass(item.category, UserWarning) and note not in notes:
                    notes.append(note)


@contextmanager
def _truncated_allowed() -> Iterator[None]:
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous


# --- decoding for analysis and display -------------------------------------------------------


def draft_box(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The size to ask ``draft`` for: aspect-correct, longest side ``side`` (never larger).

    A square box on a 4:3 photo makes JPEG's DCT scaling pick no reduction at all.
    """
    width, height = size
    scale = side / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


REDUCING_GAP = 1.0
"""A reduction of 2× or more is done first by whole factors (``Image.reduce``: box averaging),
then LANCZOS for the rest. Measured: a 2,000 px half-scale decode fitted to the dossier's 1,000 px
in 4 ms instead of 47 ms (a third of a build worker's time per photo), 50.6 dB PSNR against
LANCZOS alone — no visible difference."""


def fit(image: Image.Image, side: int) -> Image.Image:
    """Downscale so the longest side is at most ``side`` (LANCZOS after whole-factor
    reduction, :data:`REDUCING_GAP`); never upscale."""
    box = draft_box(image.size, side)
    if box == image.size:
        return image
    return image.resize(box, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)


def orient(image: Image.Image, orientation: int) -> Image.Image:
    """Apply an EXIF orientation (1-8); 0 and unknown values mean upright."""
    for op in _ORIENT_OPS.get(orientation, ()):
        image = image.transpose(op)
    return image


def to_8bit(image: Image.Image) -> Image.Image:
    """16/32-bit and float images → ``L`` (``LA`` with a tRNS value), as a viewer shows them.

    Values up to 255 are kept (8-bit data in a wide container); up to 65535 they are 16-bit
    and divided by 257; larger ranges are scaled to their maximum.
    """
    if not (image.mode in ("I", "F") or image.mode.startswith("I;16")):
        return image
    raw = np.asarray(image)
    values = raw.astype(np.float64)
    top = float(values.max(initial=0.0))
    scale = _wide_scale(image.mode, top)
    gray = Image.fromarray(np.clip(values * scale, 0, 255).astype(np.uint8))
    transparency = image.info.get("transparency")
    if isinstance(transparency, int):
        gray.putalpha(Image.fromarray(np.where(raw == transparency, 0, 255).astype(np.uint8)))
    return gray


def _wide_scale(mode: str, top: float) -> float:
    if mode == "F" and top <= 1.0:
        return 255.0
    if top <= 255:
        return 1.0
    if top <= 65535:
        return 1 / 257
    return 255 / top


def has_alpha(image: Image.Image) -> bool:
    return image.mode in _ALPHA_MODES or image.info.get("transparency") is not None


def flatten(image: Image.Image) -> Image.Image:
    """Composite an image with alpha or a transparent colour onto white → RGB."""
    rgba = image.convert("RGBA")
    canvas = Image.new("RGB", rgba.size, _WHITE)
    canvas.paste(rgba, mask=rgba.getchannel("A"))
    return canvas


def to_rgb(image: Image.Image, *, manage_colour: bool = True) -> Image.Image:
    """Any mode → RGB: 16-bit down to 8, CMYK/LAB converted (ICC profile honoured when
    ``manage_colour``), alpha and palette transparency flattened onto white."""
    image = to_8bit(image)
    if has_alpha(image):
        return flatten(image)
    if manage_colour and image.mode in ("RGB", "CMYK") and image.info.get("icc_profile"):
        managed = _to_srgb(image)
        if managed is not None:
            return managed
    return image if image.mode == "RGB" else image.convert("RGB")


def to_gray(image: Image.Image) -> Image.Image:
    """Any mode → L (alpha flattened onto white first), without colour management."""
    if image.mode == "L" and not has_alpha(image):
        return image
    return to_rgb(image, manage_colour=False).convert("L")


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: Image.Image) -> Image.Image | None:
    """Convert through the embedded ICC profile; None when the profile is unusable."""
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
        return ImageCms.profileToProfile(image, source, _srgb(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return None


def read_orientation(image: Image.Image) -> tuple[int, list[str]]:
    """EXIF/TIFF/XMP orientation (Pillow reads PNG eXIf and XMP too); 1 when absent.

    Returns the value (0-8; 0 = invalid, treated as upright) and warnings.
    """
    try:
        value = image.getexif().get(0x0112)
    except DECODER_ERRORS:
        return 0, ["EXIF 方向信息损坏，按正向处理 / Malformed EXIF orientation; shown upright"]
    if value is None:
        return 1, []
    if isinstance(value, int) and 0 <= value <= 8:
        return value, []
    return 0, [
        f"EXIF 方向值无效（{value!r}），按正向处理 / "
        f"Invalid EXIF orientation {value!r}; shown upright"
    ]


def decode_reduced(image: ImageFile.ImageFile, side: int, mode: str | None = None) -> None:
    """Decode ``image`` at the smallest size ≥ ``side`` its format offers (JPEG DCT scaling,
    a HEIF thumbnail); other formats decode in full. ``mode`` "L" skips JPEG colour."""
    image.draft(mode or image.mode, draft_box(image.size, side))
    image.load()


def display_image(image: ImageFile.ImageFile, max_side: int) -> Image.Image:
    """The first frame of an open image as an upright RGB image, longest side ≤ ``max_side``."""
    decode_reduced(image, max_side)
    orientation, _ = read_orientation(image)  # after load: PNG eXIf may follow IDAT
    return orient(fit(to_rgb(image), max_side), orientation)


def load_display_image(path: Path, max_side: int) -> Image.Image:
    """Decode ``path`` for rendering: first frame, upright, RGB on white, ≤ ``max_side`` px."""
    return with_image(path, lambda image: display_image(image, max_side)).value
