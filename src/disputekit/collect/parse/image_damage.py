"""Damage a decoder tolerates without a word, and the words it writes where nobody reads them.

Pillow decodes many damaged files silently: a BMP whose header fields are impossible, whose
RLE runs overflow their rows or whose pixels point past its palette; a TIFF whose
BitsPerSample disagrees with its samples per pixel; a HEIF whose primary-image id points at
nothing or whose media data is cut off behind an intact first image. libtiff prints its
complaints to fd 2 (captured by :mod:`~disputekit.collect.parse.stderr_capture`). Each such
finding becomes one bilingual note ("zh / en") naming what is wrong; they are stored as the
exhibit's ``decode_warnings``.

The checks read only headers (a few hundred bytes) and, for an RLE bitmap, its compressed
data; the palette check uses the pixels already decoded. JPEG, PNG, GIF and WebP pass
through untouched: their damage shows as a decoder exception or truncation, handled in
:mod:`~disputekit.collect.parse.imageio`. libjpeg's own warnings ("Corrupt JPEG data: …")
are silenced inside Pillow and cannot be seen from here.
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

from PIL import Image

from disputekit.collect.parse.isobmff import walk
from disputekit.text.printable import printable

MAX_RLE_BYTES = 64 * 1024 * 1024
"""RLE data walked at most (an RLE bitmap within the pixel budget is far smaller)."""

MAX_DENSITY = 400_000
"""Pixels per metre above which a BMP's resolution is impossible (≈ 10,000 dpi)."""

_BENIGN = re.compile(r"unknown field with tag", re.IGNORECASE)
"""libtiff warnings that say nothing about the picture (private tags of scanners, cameras)."""

_KNOWN: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"bad code|premature eo[lf]|uncompressed data|corrupt|invalid code", re.I),
     "压缩的图像数据已损坏，部分画面可能显示错误", "the compressed image data is damaged; part of "
     "the picture may show wrongly"),
    (re.compile(r"read error|not enough data|unexpected end|truncat|short read", re.I),
     "图像数据没有读全，文件可能被截断", "the image data could not be read completely; the file "
     "may be truncated"),
)


def note(zh: str, en: str) -> str:
    return f"{zh} / {en}"


# --------------------------------------------------------------------------- decoder output


def decoder_output_notes(lines: list[str]) -> list[str]:
    """What a C decoder printed, as notes: what it means where known, and its own words."""
    out = []
    for raw in lines:
        line = printable(raw)
        if not line or _BENIGN.search(line):
            continue
        zh, en = "图像解码器报告了问题", "the image decoder reported a problem"
        for pattern, known_zh, known_en in _KNOWN:
            if pattern.search(line):
                zh, en = known_zh, known_en
                break
        out.append(note(f"{zh}（解码器原文：{line}）", f"{en[0].upper()}{en[1:]} (decoder: {line})"))
    return out


def pillow_warning_note(message: str) -> str:
    text = " ".join(printable(message).split())[:300]
    return note(f"图像解码器提示：{text}", f"The image decoder warned: {text}")


# --------------------------------------------------------------------------- per format


def damage_notes(path: Path, fmt: str, image: Image.Image) -> list[str]:
    """Notes on damage ``image`` (opened from ``path``, sniffed as ``fmt``, decoded) hides."""
    try:
        if fmt == "bmp":
            return bmp_notes(path, image)
        if fmt == "tiff":
            return tiff_notes(path, image)
        if fmt in ("heif", "avif"):
            return heif_notes(path, image)
    except (OSError, ValueError, struct.error, KeyError, TypeError, IndexError):
        return [note("无法完整检查图片文件结构", "The image file's structure could not be fully "
                     "checked")]
    return []


def bmp_notes(path: Path, image: Image.Image) -> list[str]:
    with path.open("rb") as fh:
        head = fh.read(14 + 40)
        fh.seek(0, 2)
        size = fh.tell()
        if len(head) < 14 + 16:
            return []
        declared, offset = struct.unpack_from("<I", head, 2)[0], struct.unpack_from("<I", head, 10)[0]
        out = []
        if declared > size:
            out.append(note(f"BMP 文件头声明文件长 {declared:,} 字节，实际只有 {size:,} 字节",
                            f"The BMP header says the file has {declared:,} bytes; it has {size:,}"))
        header_size = struct.unpack_from("<I", head, 14)[0]
        if header_size < 40 or len(head) < 54:
            return out + _planes(struct.unpack_from("<H", head, 22)[0])
        width, height, planes, bits, compression, data_size, xppm, yppm, colours = (
            struct.unpack_from("<iiHHIIiiI", head, 18))
        out += _planes(planes)
        held = max(0, size - offset)
        if data_size > held:
            out.append(note(f"BMP 文件头字段错误：图像数据大小声明为 {data_size:,} 字节，文件中只有 {held:,} 字节",
                            f"Bad BMP header field: the image data size says {data_size:,} bytes; "
                            f"the file holds {held:,}"))
        if not all(0 <= v <= MAX_DENSITY for v in (xppm, yppm)):
            out.append(note(f"BMP 文件头字段错误：分辨率 {xppm:,}×{yppm:,} 像素/米不可能",
                            f"Bad BMP header field: a resolution of {xppm:,}×{yppm:,} pixels per "
                            "metre is impossible"))
        if compression in (1, 2):
            if height < 0:
                out.append(note("BMP 文件头错误：RLE 压缩的图片不能自上而下存储（高度为负数）",
                                "Bad BMP header: an RLE-compressed bitmap cannot be stored "
                                "top-down (its height is negative)"))
            fh.seek(offset)
            problem = rle_problem(fh.read(MAX_RLE_BYTES), abs(width), abs(height), compression == 2)
            if problem:
                out.append(note(f"BMP 压缩数据已损坏：{problem[0]}", f"Damaged BMP compressed data: {problem[1]}"))
    return out + _palette(image, bits, colours)


def _planes(planes: int) -> list[str]:
    if planes == 1:
        return []
    return [note(f"BMP 文件头字段错误：色彩平面数为 {planes}，应为 1",
                 f"Bad BMP header field: planes is {planes} (must be 1)")]


def _palette(image: Image.Image, bits: int, colours: int) -> list[str]:
    """Pixels pointing past a short palette (the decoded indices, BMP of 4 or 8 bits)."""
    if bits not in (4, 8) or not 0 < colours < (1 << bits) or image.mode not in ("P", "L"):
        return []
    image.load()  # a no-op: the caller has decoded it
    extrema = image.getextrema()
    top = int(extrema[1]) if isinstance(extrema[1], int | float) else 0
    if top < colours:
        return []
    return [note(f"BMP 调色板索引错误：调色板只有 {colours} 种颜色，像素却用到第 {top + 1} 种，这些像素的颜色不可信",
                 f"Bad palette index: the palette has {colours} colours but pixels use colour "
                 f"{top + 1}; those pixels' colours cannot be trusted")]


def rle_problem(data: bytes, width: int, height: int, rle4: bool) -> tuple[str, str] | None:
    """The first way BMP RLE4/RLE8 ``data`` breaks its rules, as (zh, en); None when sound.

    Rows are counted from the bottom; a run may not cross its row's end, a delta may not leave
    the image, and pixels may not follow the last row.
    """
    x = y = i = 0
    end = len(data)
    while i + 1 < end:
        count, code = data[i], data[i + 1]
        i += 2
        if count or code > 2:
            pixels = count or code
            if y >= height:
                return "最后一行之后仍有像素数据", "pixel data follows the last row"
            if x + pixels > width:
                return (f"第 {y + 1} 行（自下而上）的像素超出行宽",
                        f"a run in row {y + 1} (from the bottom) goes past the end of the row")
            x += pixels
            if not count:  # absolute mode: the pixels follow, padded to 16 bits
                used = (pixels + 1) // 2 if rle4 else pixels
                i += used + (used & 1)
                if i > end:
                    break
        elif code == 0:
            x, y = 0, y + 1
        elif code == 1:
            return None
        else:
            if i + 2 > end:
                break
            x, y = x + data[i], y + data[i + 1]
            i += 2
            if x > width or y > height:
                return "跳转超出图片范围", "a jump goes outside the image"
    if y >= height - 1:
        return None  # every row was written; only the end-of-bitmap marker is missing
    return "数据在图片完整之前结束", "the data ends before the image is complete"


def tiff_notes(path: Path, image: Image.Image) -> list[str]:
    tags = getattr(image, "tag_v2", None)
    if tags is None:
        return []
    out = []
    samples = tags.get(277, 1)
    bits = tags.get(258)
    if isinstance(bits, tuple) and isinstance(samples, int) and samples > 1 and len(bits) != samples:
        out.append(note(f"TIFF 文件头字段错误：BitsPerSample 只给出 {len(bits)} 个值，而每个像素有 {samples} 个样本",
                        f"Bad TIFF header field: BitsPerSample gives {len(bits)} value(s) for "
                        f"{samples} samples per pixel"))
    size = path.stat().st_size
    for offsets_tag, counts_tag, name in ((273, 279, "StripByteCounts"), (324, 325, "TileByteCounts")):
        offsets, counts = tags.get(offsets_tag), tags.get(counts_tag)
        if not isinstance(offsets, tuple) or not isinstance(counts, tuple):
            continue
        beyond = [o + c for o, c in zip(offsets, counts, strict=False)
                  if isinstance(o, int) and isinstance(c, int) and o + c > size]
        if beyond:
            out.append(note(f"TIFF 文件头字段错误：{name} 声明的数据超出文件末尾（到第 {max(beyond):,} 字节，文件只有 {size:,} 字节）",
                            f"Bad TIFF header field: {name} claims data beyond the end of the "
                            f"file (up to byte {max(beyond):,}; the file has {size:,})"))
    return out


def heif_notes(path: Path, image: Image.Image) -> list[str]:
    out = []
    if image.info.get("primary") is False:
        out.append(note("HEIF 文件没有有效的主图（主图编号指向不存在的图片），显示的是文件中的第一张图片",
                        "The HEIF file names no valid primary image (its primary-image id points "
                        "at no image); the first image in the file is shown"))
    layout = walk(path)
    if layout.overrun is not None:
        box = layout.overrun
        left = layout.file_size - box.offset
        out.append(note(f"HEIF 文件不完整（结尾缺失）：“{box.type}”部分声明 {box.size:,} 字节，文件只剩 {left:,} 字节；"
                        "显示的图片已完整解码，文件中的其他图片可能缺失",
                        f"The HEIF file is truncated: its '{box.type}' box claims {box.size:,} "
                        f"bytes, the file has {left:,} left; the image shown decoded completely, "
                        "other images in the file may be cut off"))
    elif layout.corrupt_at is not None:
        out.append(note(f"HEIF 文件结构在第 {layout.corrupt_at:,} 字节处损坏",
                        f"The HEIF file's structure is damaged at byte {layout.corrupt_at:,}"))
    return out
