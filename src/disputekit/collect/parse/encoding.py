"""Decode a chat export's bytes: BOM → strict UTF-8 → BOM-less UTF-16 → strict GB18030 → guess.

charset-normalizer alone misreads short GBK/GB18030 text (as Big5 or cp949), so it is only the
last step of the cascade (see ../shared/NOTES-pdf.md, "Chat-export encodings"). Big5 text reads
as GB18030 here; that is accepted for mainland exports.

One deliberate tie-break: a short GBK text can also be valid UTF-8 (谢谢 = ``D0 BB D0 BB`` is
Cyrillic "лл" in UTF-8, 图片 is Greek/Latin "ͼƬ"). When every non-ASCII character of the UTF-8
reading lies in U+0180–U+07FF (Latin Extended-B, Greek, Cyrillic, Hebrew, Arabic…; no CJK, no
emoji) and the GB18030 reading is all CJK, GB18030 wins: for a Taobao chat that is far more
likely. Accented Latin (é, ü: below U+0180) stays UTF-8, so a few one-character GBK texts still
read as UTF-8 (哦 = ``C5 B6`` = "Ŷ"); a real export is long enough never to hit this.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from disputekit.errors import InputFileError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_SAMPLE = 65_536
"""Bytes (or characters) looked at by the statistical checks; decoding always uses everything."""

_MAX_BAD_SHARE = 0.02
"""More control characters / U+FFFD than this share of the sample means "not a text file"."""

_BAD_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff]")
_OUTSIDE_TIE_RANGE = re.compile(r"[^\x00-\x7f\u0180-\u07ff]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_NOT_CJK = re.compile(r"[^\x00-\x7f\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def decode_text(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise InputFileError for empty or non-text data.

    The encoding is a Python codec name: ``utf-8``, ``utf-8-sig``, ``utf-16`` (with BOM),
    ``utf-16-le``/``utf-16-be`` (without), ``utf-32``, ``gb18030``, or charset-normalizer's guess.
    """
    if not data:
        raise _empty_file()
    decoded = _decode(data)
    if decoded is None or not _looks_like_text(decoded[0]):
        raise _not_text()
    if not decoded[0]:
        raise _empty_file()
    return decoded


def _decode(data: bytes) -> tuple[str, str] | None:
    with_bom = _by_bom(data)
    if with_bom is not None:
        return with_bom
    if b"\x00" in data:
        return _utf16_without_bom(data)
    return _strict_utf8(data) or _strict("gb18030", data) or _guess(data)


def _strict(encoding: str, data: bytes) -> tuple[str, str] | None:
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        return None


def _by_bom(data: bytes) -> tuple[str, str] | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            decoded = _strict(encoding, data)
            if decoded is not None:
                return decoded
    return None


def _strict_utf8(data: bytes) -> tuple[str, str] | None:
    decoded = _strict("utf-8", data)
    if decoded is None or not _NON_ASCII.search(decoded[0]):
        return decoded
    if _OUTSIDE_TIE_RANGE.search(decoded[0]):
        return decoded
    return _gb18030_if_all_cjk(data) or decoded


def _gb18030_if_all_cjk(data: bytes) -> tuple[str, str] | None:
    """The tie-break for short GBK text that is also valid UTF-8 (see the module docstring)."""
    decoded = _strict("gb18030", data)
    if decoded is None or _NOT_CJK.search(decoded[0]) or not _CJK_IDEOGRAPH.search(decoded[0]):
        return None
    return decoded


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text has a NUL in the high byte of every ASCII character: odd offsets for
    little-endian, even offsets for big-endian. Mostly-NUL data is binary, not text."""
    if len(data) % 2:
        return None
    sample = data[:_SAMPLE]
    nul_even, nul_odd = sample[0::2].count(0), sample[1::2].count(0)
    if nul_even + nul_odd > len(sample) * 0.6:
        return None
    return _strict("utf-16-le" if nul_odd >= nul_even else "utf-16-be", data)


def _guess(data: bytes) -> tuple[str, str] | None:
    best = from_bytes(data).best()
    if best is None:
        return None
    return str(best), best.encoding


def _looks_like_text(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return True
    bad = len(_BAD_CHARS.findall(sample))
    return bad <= len(sample) * _MAX_BAD_SHARE


def _empty_file() -> InputFileError:
    return InputFileError(
        "文件为空。",
        "The file is empty.",
        fix_zh="请重新导出聊天记录，确认文件已保存完整后再添加。",
        fix_en="Export the chat again and check the file was saved completely before adding it.",
    )


def _not_text() -> InputFileError:
    return InputFileError(
        "无法识别文件编码：文件内容看起来不是文本（含有大量控制字符或乱码）。",
        "Cannot read the file as text: it looks binary (many control characters or "
        "undecodable bytes).",
        fix_zh="请选择从千牛/旺旺导出的 .txt、.csv、.xlsx 或 .json 聊天记录文件。",
        fix_en="Choose a chat export from Qianniu/Aliwangwang saved as .txt, .csv, .xlsx or .json.",
    )
