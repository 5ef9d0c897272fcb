"""Resource limits for parsing untrusted evidence files, as data with the reason for each value.

Everything a seller drops into a case folder is untrusted: a 100-byte file can claim to be a
gigapixel image, a PDF can hide a trailer loop. These numbers bound what one file may cost.
"""

from __future__ import annotations

from pathlib import Path

from disputekit.errors import InputFileError

MAX_PIXELS = 100_000_000
"""Largest image (width x height) we decode.

Phone cameras store 12-50 MP; "200 MP" modes exist but an evidence page shows at most
~1600 px, so such photos should be exported smaller. 100 MP of RGB is 300 MB of memory
before any copy, which is what a 2-core laptop can spare. Bigger → refused with a fix.
"""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest file we open. Phone photos are 2-15 MB, long chat exports or scanned PDFs
rarely 100 MB; anything above 256 MB is a video or an archive in disguise."""

MAX_VIDEO_BYTES = 4 * 1024 * 1024 * 1024
"""Largest video file we take. An unboxing or outbound video of 2 hours at a phone's
1080p bitrate is about 2 GB; 4 GiB is the largest file a phone can export to FAT32 storage.
Only box headers, the index and a few frames are ever read (never the whole file), but the
original is copied into the case, so this bounds the disk it costs."""

MAX_EMBEDDED_VIDEO_BYTES = 256 * 1024 * 1024
"""Largest video embedded in a PDF (the working dossier or the archive's PDF/A): embedding
reads the file into memory. A larger original stays in the case's object store and the
archive's ``objects/``, listed with its SHA-256."""

MAX_FRAMES_SCANNED = 200
"""Frames of an animation we step through to validate their headers (a GIF frame may
claim an extent far beyond its canvas). Only the first frame is ever shown."""

SNIFF_BYTES = 8192
"""Bytes read to recognise a file's type by content."""

PDF_TEXT_PAGES = 3
"""Pages whose text we extract to decide whether a PDF carries text (not only scans)."""

PDF_TEXT_CHARS = 20_000
"""Characters of extracted text kept per page; enough to know there is text."""

PDF_MAX_PAGES = 5_000
"""Page count beyond which a PDF is not evidence but a book (or a crafted page tree)."""

PDF_PARSE_SECONDS = 20.0
"""Wall-clock budget for opening a PDF and reading its structure. pypdf copes with the
trailer loops and broken xrefs we know of in well under a second; this is a backstop."""


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_file_size(path: Path) -> int:
    """Return the size of ``path`` in bytes; refuse files larger than :data:`MAX_FILE_BYTES`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputFileError(
            f"无法读取文件 {path.name}：{exc.strerror or exc}。",
            f"Cannot read {path.name}: {exc.strerror or exc}.",
            fix_zh="请确认文件存在且有读取权限。",
            fix_en="Check that the file exists and is readable.",
        ) from None
    if size > MAX_FILE_BYTES:
        raise InputFileError(
            f"文件 {path.name} 太大（{_mb(size)}，上限 {_mb(MAX_FILE_BYTES)}）。",
            f"{path.name} is too large ({_mb(size)}; the limit is {_mb(MAX_FILE_BYTES)}).",
            fix_zh="请压缩或拆分后再添加。",
            fix_en="Compress or split it, then add it again.",
        )
    return size
