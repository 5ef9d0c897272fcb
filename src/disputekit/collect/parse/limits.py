"""Resource limits for parsing untrusted evidence files, as data with the reason for each value.

Everything a seller drops into a case folder is untrusted: a 100-byte file can claim to be a
gigapixel image, a PDF can hide a trailer loop. These numbers bound what one file may cost.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from disputekit.errors import InputFileError, UsageError

MB = 1024 * 1024

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

# --------------------------------------------------------------------------- chat exports
# Checked while reading (issue 15 §7): the file is read at most up to its cap, an XLSX member
# is counted while it inflates, lines and messages are cut as they are read. Values a shop may
# legitimately need to raise are listed in OVERRIDABLE (environment variable DISPUTEKIT_<NAME>).

MAX_CHAT_BYTES = 32 * MB
"""Largest chat export (text, CSV, JSON or XLSX file). A year of Qianniu chat with one buyer is
a few MB; 100,000 messages — the most a dossier is built for (issue 13) — are 6-15 MB in every
format we read. 32 MB is twice the largest real conversation, and a file this size parses in
well under 30 s and 1 GB on a 2-core laptop (benchmarks/bench_bombs.py). Only the first
``MAX_CHAT_BYTES + 1`` bytes are ever read."""

MAX_CHAT_ENTRIES = 120_000
"""Messages plus events (system, recall, transfer lines) in one chat: 1.2 times the 100,000
messages issue 13 asks a dossier to handle. Memory grows with the count, not the bytes: a
chat of 249,000 short messages (15 MB) peaked at 1.3 GB in ``add`` and 1.7 GB in ``build``
(benchmarks/bench_bombs.py, chat-at-cap), about 5-7 KB per message across the pipeline; at
120,000 both stay under 1 GB. Tiny messages pack far more entries into ``MAX_CHAT_BYTES``
than real conversations do, so this, not the size cap, is what bounds them."""

MAX_CHAT_LINES = 2_000_000
"""Lines of a text chat. A 100,000-message Qianniu export has about 400,000 lines (header,
text, read status, blank line); two million leaves room for 120,000 messages of 16 lines,
while a file of millions of empty or stray lines — which packs 31 million lines into
``MAX_CHAT_BYTES`` and took 54 s to find nothing in — is refused within seconds."""

MAX_MESSAGE_CHARS = 2_000
"""Characters of one message kept in the facts (about a page of the dossier). Wangwang/Qianniu
messages people type are far shorter; a longer "message" is a pasted document or an attack (a
1 MB message took the dossier build past 150 s). The dossier shows up to ``chat_max_shown``
(1,500) messages, so this also bounds the text a build typesets: 1,500 messages of 5,000
characters took 27 s to build (benchmarks/bench_bombs.py, chat-long-messages), of 2,000 about
a third of that. A longer message is kept cut at this length, marked ``truncated`` and ended
with :data:`TRUNCATION_MARK`; the parse warnings name it. The original file, with the whole
message, stays in the case and the archive."""

MAX_SENDER_CHARS = 100
"""Characters of a sender's nickname kept. Taobao member names are at most 25 characters and a
sub-account ``店铺:客服A`` at most about 60; a longer "nickname" is cut like a long message."""

MAX_LINE_CHARS = 4_000
"""Characters of one line of a text chat that are parsed: twice :data:`MAX_MESSAGE_CHARS`,
so cutting a line never loses text the facts would keep; a header line (nickname and time) is
under 100 characters. A longer line is cut before it is parsed (its length still counts) and
its message is marked truncated. (CSV fields are bounded by ``chat_table.MAX_CELL_CHARS``; JSON is one
document, bounded by :data:`MAX_CHAT_BYTES`.)"""

MAX_XLSX_UNPACKED = 128 * MB
"""Bytes an XLSX chat may inflate to, all parts together: checked against the sizes its
central directory declares *and* counted while each part inflates (a zip's headers can lie).
A 100,000-row chat sheet with its shared strings is 20-40 MB of XML; 128 MB of XML parses in
about 10 s. (A 1.2 MB workbook inflating to 500 MB took ``inspect`` 6 minutes and 2.8 GB.)"""

MAX_XLSX_CELLS = 2_000_000
"""Cells (and shared strings) an XLSX chat may hold, counted while the sheet is read, empty
and ignored columns included: a 100,000-message export has 300,000-600,000 cells. Each costs
a few microseconds to parse, so this bounds the time of a sheet of tiny cells."""

TRUNCATION_MARK = "……［消息过长，已截断：原文 {chars:,} 字 / message too long, cut: {chars:,} characters］"
"""Appended (on its own line) to the text of a cut message, so the dossier and the terminal
show that it was cut; ``{chars}`` is the original length in characters."""

OVERRIDABLE = ("MAX_CHAT_BYTES", "MAX_CHAT_ENTRIES", "MAX_CHAT_LINES", "MAX_MESSAGE_CHARS",
               "MAX_XLSX_UNPACKED", "MAX_XLSX_CELLS")
"""Limits a shop may raise (or lower) with an environment variable ``DISPUTEKIT_<NAME>``
(a positive integer, e.g. ``DISPUTEKIT_MAX_CHAT_BYTES=67108864``). Raising them trades memory
and time for larger files; the facts of a message depend on ``MAX_MESSAGE_CHARS``."""


def value(name: str, default: int | None = None) -> int:
    """The limit ``name``: ``DISPUTEKIT_<NAME>`` from the environment when it is in
    :data:`OVERRIDABLE` and set, else ``default``, else this module's constant (read at call
    time, so a test may monkeypatch it). A bad override is a usage error naming the variable."""
    base = int(getattr(sys.modules[__name__], name)) if default is None else default
    if name not in OVERRIDABLE:
        return base
    env = f"DISPUTEKIT_{name}"
    raw = os.environ.get(env, "").strip()
    if not raw:
        return base
    if not raw.isdigit() or int(raw) <= 0 or len(raw) > 15:
        raise UsageError(
            f"环境变量 {env} 的值无效：应为正整数（默认 {base}）。",
            f"The environment variable {env} is invalid: it must be a positive integer "
            f"(the default is {base}).",
            fix_zh=f"请改正或删除 {env}。",
            fix_en=f"Correct or unset {env}.",
        )
    return int(raw)


def read_capped(path: Path, cap: int) -> bytes | None:
    """The bytes of ``path``, or None when it holds more than ``cap`` bytes. Reads at most
    ``cap + 1`` bytes (the size is checked first, and again while reading: a file may grow),
    so a huge file is never read whole to be refused."""
    try:
        if path.stat().st_size > cap:
            return None
        with path.open("rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        raise unreadable(path, exc) from None
    return None if len(data) > cap else data


def unreadable(path: Path, exc: OSError) -> InputFileError:
    """The error for a file that cannot be opened or read."""
    return InputFileError(
        f"无法读取文件 {path.name}：{exc.strerror or exc}。",
        f"Cannot read {path.name}: {exc.strerror or exc}.",
        fix_zh="请确认文件存在且有读取权限。",
        fix_en="Check that the file exists and is readable.",
    )


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_file_size(path: Path) -> int:
    """Return the size of ``path`` in bytes; refuse files larger than :data:`MAX_FILE_BYTES`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise unreadable(path, exc) from None
    if size > MAX_FILE_BYTES:
        raise InputFileError(
            f"文件 {path.name} 太大（{_mb(size)}，上限 {_mb(MAX_FILE_BYTES)}）。",
            f"{path.name} is too large ({_mb(size)}; the limit is {_mb(MAX_FILE_BYTES)}).",
            fix_zh="请压缩或拆分后再添加。",
            fix_en="Compress or split it, then add it again.",
        )
    return size
