"""Recognise an evidence file's type from its content (magic bytes), never from its name.

Only the first :data:`~disputekit.collect.parse.limits.SNIFF_BYTES` bytes are read (plus a ZIP's
central directory when its head does not say what it holds). ``sniff`` tells which parser
to try; the parser has the last word. ``photo`` and ``screenshot`` are decided by the image
parser, not here: ``sniff`` says ``image``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from disputekit.collect.parse.limits import SNIFF_BYTES
from disputekit.errors import InputFileError

Kind = Literal["photo", "screenshot", "image", "pdf", "chat", "tracking", "video", "unknown"]
KINDS: tuple[Kind, ...] = get_args(Kind)
"""Every evidence kind; ``--as`` overrides choose among these."""

IMAGE_FORMATS = frozenset({"jpeg", "png", "gif", "webp", "bmp", "tiff", "heif", "avif"})

_PREFIXES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls/.doc
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_HEIF_BRANDS = frozenset(
    {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
)
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_GENERIC_BRANDS = frozenset({b"mif1", b"msf1"})  # "some HEIF image": HEVC or AV1
_QUICKTIME_BOXES = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")  # QuickTime without ftyp
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_TEXT_CONTROLS = frozenset(range(32)) - {9, 10, 12, 13, 27}
_JSON_START = re.compile(r"\A\s*(?://[^\n]*\n\s*|/\*.*?\*/\s*)*[\[{]", re.S)
_TRACKING_FORMAT = re.compile(r'"format"\s*:\s*"disputekit-tracking/1"')
_KUAIDI100_KEYS = tuple(re.compile(rf'"{key}"\s*:') for key in ("nu", "com", "data"))


@dataclass(frozen=True)
class Sniffed:
    """What a file is by content: the evidence ``kind`` and the container ``format``."""

    kind: Kind
    format: str

    @property
    def is_image(self) -> bool:
        return self.kind == "image"


def sniff(path: Path) -> Sniffed:
    """Identify ``path`` by its first bytes; raise InputFileError if it is empty or unreadable."""
    head = _read_head(path)
    if not head:
        raise InputFileError(
            f"文件为空：{path.name} 是 0 字节。",
            f"The file is empty: {path.name} has 0 bytes.",
            fix_zh="请重新导出或重新下载该文件后再添加。",
            fix_en="Export or download it again, then add the new copy.",
        )
    found = sniff_bytes(head)
    if found.format == "zip":
        return _sniff_zip(path)
    return found


def sniff_bytes(head: bytes) -> Sniffed:
    """Identify a file from its first bytes (pure; ``sniff`` adds the file handling)."""
    fmt = _binary_format(head)
    if fmt in IMAGE_FORMATS:
        return Sniffed("image", fmt)
    if fmt == "pdf":
        return Sniffed("pdf", "pdf")
    if fmt == "video" or (fmt is None and head[4:8] in _QUICKTIME_BOXES):
        from disputekit.collect.parse.video import container_format, looks_like_video

        if looks_like_video(head):
            return Sniffed("video", container_format(head))
    if fmt == "zip" and b"xl/" in head:
        return Sniffed("chat", "xlsx")
    if fmt is not None:
        return Sniffed("unknown", fmt)
    text = decode_text_head(head)
    if text is None:
        return Sniffed("unknown", "binary")
    return classify_text(text)


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(SNIFF_BYTES)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputFileError(
            f"无法读取文件 {path.name}：{reason}。",
            f"Cannot read {path.name}: {reason}.",
            fix_zh="请确认路径指向一个存在且可读取的文件（不是文件夹）。",
            fix_en="Check that the path is an existing, readable file (not a folder).",
        ) from None


def _binary_format(head: bytes) -> str | None:
    for prefix, fmt in _PREFIXES:
        if head.startswith(prefix):
            return fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":
        return _iso_bmff_format(head)
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    if head[:2] == b"BM" and len(head) >= 26 and b"\x00" in head[2:26]:
        return "bmp"
    return None


def _iso_bmff_format(head: bytes) -> str:
    """HEIF/AVIF stills by their ``ftyp`` brands; other ISO-BMFF files are videos."""
    box_end = min(int.from_bytes(head[:4], "big"), len(head))
    brands = {head[8:12]} | {head[i : i + 4] for i in range(16, box_end - 3, 4)}
    hevc_brands = brands & (_HEIF_BRANDS - _GENERIC_BRANDS)
    if head[8:12] in _AVIF_BRANDS or (brands & _AVIF_BRANDS and not hevc_brands):
        return "avif"
    if brands & _HEIF_BRANDS:
        return "heif"
    return "video"


def decode_text_head(head: bytes) -> str | None:
    """Decode the head of a text file, or return None when it looks binary."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return head[len(bom) :].decode(codec, errors="replace")
    utf16 = _utf16_without_bom(head)
    if utf16:
        return head.decode(utf16, errors="replace")
    if b"\x00" in head or _control_ratio(head) > 0.05:
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut by the read limit
            return head[: exc.start].decode("utf-8")
        return head.decode("gb18030", errors="replace")


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text of mostly ASCII/CJK has NULs in every other byte (one parity)."""
    sample = head[: len(head) // 2 * 2]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.3 * half and even == 0:
        return "utf-16-le"
    if even > 0.3 * half and odd == 0:
        return "utf-16-be"
    return None


def _control_ratio(head: bytes) -> float:
    return sum(1 for b in head if b in _TEXT_CONTROLS) / len(head)


def classify_text(text: str) -> Sniffed:
    """Tracking when kuaidi100 keys (``nu``, ``com``, ``data``) or ``disputekit-tracking/1``
    appear, even in JSON with comments or garbled JSON; everything else is chat (JSON with
    ``messages``/``disputekit-chat/1``, CSV, plain text): the chat parsers decide the rest."""
    is_json = bool(_JSON_START.match(text))
    fmt = "json" if is_json else "csv" if _looks_csv(text) else "text"
    if _TRACKING_FORMAT.search(text) or all(key.search(text) for key in _KUAIDI100_KEYS):
        return Sniffed("tracking", fmt)
    if fmt == "csv" and _tracking_csv(text):
        return Sniffed("tracking", "csv")
    return Sniffed("chat", fmt)


def _tracking_csv(text: str) -> bool:
    """A CSV whose first row is a tracking header (时间,描述[,地点]) and names no sender, or
    a headerless one whose rows start with a time (chat tables always have a header)."""
    import csv

    from disputekit.collect.parse.chat_table import HEADER_ALIASES
    from disputekit.collect.parse.tracking_formats import csv_columns

    line = text.lstrip("\ufeff").splitlines()[0]
    delimiter = "\t" if line.count("\t") > line.count(",") else ","
    first = next(csv.reader([line], delimiter=delimiter), [])
    cells = {c.strip().replace(" ", "").casefold() for c in first}
    if cells & set(HEADER_ALIASES["sender"]):
        return False
    return csv_columns(first) is not None


def _looks_csv(text: str) -> bool:
    """At least two full lines with the same (non-zero) number of commas or of tabs."""
    lines = [line for line in text.splitlines()[:-1] if line.strip()][:6]
    if len(lines) < 2:
        return False
    for sep in (",", "\t"):
        counts = {line.count(sep) for line in lines}
        if len(counts) == 1 and counts.pop() > 0:
            return True
    return False


def _sniff_zip(path: Path) -> Sniffed:
    """A ZIP whose head did not name ``xl/``: read the central directory."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return Sniffed("unknown", "zip")
    if any(name.startswith("xl/") for name in names):
        return Sniffed("chat", "xlsx")
    return Sniffed("unknown", "zip")
