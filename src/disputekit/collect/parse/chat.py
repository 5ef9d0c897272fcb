"""Read a chat export into ``ChatFacts``: detect the format by content, decode, parse, add roles.

Detection (the file name is only used in messages):

1. a ZIP with an ``xl/`` folder → XLSX (``chat_table``);
2. other known binary formats (old .xls, PDF, images, other ZIPs) → refused with a hint;
3. decoded text starting with ``{``/``[`` and mentioning ``"messages"`` → JSON (``chat_json``);
4. a first non-blank line that is a recognised header row, comma or tab separated → CSV;
5. anything else → plain text (``chat_text``: Qianniu, or time-first WeChat/QQ).

Every failure is an ``InputFileError`` naming the file; nothing else escapes on bad input.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from disputekit.collect.parse import limits
from disputekit.collect.parse.chat_bounds import BoundedRoster
from disputekit.collect.parse.chat_json import looks_like_json, parse_json
from disputekit.collect.parse.chat_table import (
    csv_delimiter,
    header_example,
    is_xlsx,
    parse_csv,
    parse_xlsx,
)
from disputekit.collect.parse.chat_text import parse_text
from disputekit.collect.parse.encoding import decode_text
from disputekit.collect.parse.roles import Channel
from disputekit.errors import InputFileError
from disputekit.kinds import Hints
from disputekit.models.facts import ChatFacts

MAX_BYTES = limits.MAX_CHAT_BYTES
"""The chat size cap (``limits.MAX_CHAT_BYTES``, overridable with DISPUTEKIT_MAX_CHAT_BYTES)."""
_FIRST_LINE = re.compile(r"\s*([^\n]*)")

KNOWN_BINARY: tuple[tuple[bytes, str, str, str, str], ...] = (
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "旧版 Excel（.xls）或 Word 文件",
        "an old Excel (.xls) or Word file",
        "请用 Excel 或 WPS 另存为 .xlsx 或 CSV。",
        "Save it as .xlsx or CSV in Excel or WPS.",
    ),
    (
        b"%PDF",
        "PDF 文件",
        "a PDF file",
        "PDF 请作为文档证据添加；聊天记录请导出为文本。",
        "Add a PDF as a document; export the chat as text.",
    ),
    (
        b"\x89PNG",
        "PNG 图片",
        "a PNG image",
        "截图请作为图片证据添加。",
        "Add screenshots as images.",
    ),
    (
        b"\xff\xd8\xff",
        "JPEG 图片",
        "a JPEG image",
        "截图请作为图片证据添加。",
        "Add screenshots as images.",
    ),
    (
        b"PK\x03\x04",
        "不是 Excel 工作簿的 ZIP 压缩包",
        "a ZIP archive that is not an Excel workbook",
        "请解压后添加里面的聊天记录文件。",
        "Unzip it and add the chat file inside.",
    ),
)
"""Magic bytes → (what it is, zh / en) and (what to do, zh / en)."""


def parse_chat(
    data: bytes, *, name: str = "", buyer: str | None = None, seller: str | None = None
) -> ChatFacts:
    """Parse one chat export. ``buyer``/``seller`` are the case's nicknames, used for roles."""
    try:
        with _gc_paused():
            return _parse(data, buyer, seller)
    except InputFileError as exc:
        raise _named(exc, name) from exc


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while parsing.

    A parse creates several objects per message, and all of them survive; the collector would
    rescan the growing heap again and again (about a fifth of the time on 100,000 messages).
    Cyclic garbage made meanwhile (an openpyxl workbook has some) is collected once the
    collector runs again; its previous state is restored even on error.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse(data: bytes, buyer: str | None, seller: str | None) -> ChatFacts:
    if len(data) > _cap():
        raise _too_big(len(data))
    roster = BoundedRoster(buyer, seller)
    channel: Channel = "unknown"
    if is_xlsx(data):
        parse_xlsx(data, roster)
        fmt, encoding = "xlsx", "utf-8"
    else:
        _refuse_known_binary(data)
        text, encoding = decode_text(data)
        fmt, channel = _parse_text(text, roster)
    if not roster.messages:
        raise _no_messages()
    roster.finish()
    return ChatFacts(
        format=fmt,
        encoding=encoding,
        channel=channel,
        participants=roster.participants,
        messages=roster.messages,
        events=roster.events,
        warnings=roster.warnings,
    )


def _cap() -> int:
    return limits.value("MAX_CHAT_BYTES", MAX_BYTES)


def _parse_text(text: str, roster: BoundedRoster) -> tuple[str, Channel]:
    """Parse decoded text; return (format, channel)."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if looks_like_json(text):
        return "json", parse_json(text, roster)
    start = _FIRST_LINE.match(text)
    first_line = start.group(1) if start else ""
    delimiter = csv_delimiter(first_line)
    if delimiter is not None:
        parse_csv(text[start.start(1) if start else 0 :], delimiter, roster)
        return ("csv" if delimiter == "," else "tsv"), "unknown"
    return parse_text(text, roster)


def _refuse_known_binary(data: bytes) -> None:
    for magic, what_zh, what_en, fix_zh, fix_en in KNOWN_BINARY:
        if data.startswith(magic):
            raise InputFileError(
                f"这是{what_zh}，不是聊天记录。",
                f"This is {what_en}, not a chat export.",
                fix_zh=fix_zh,
                fix_en=fix_en,
            )


def _named(exc: InputFileError, name: str) -> InputFileError:
    if not name:
        return exc
    return InputFileError(
        f"{name}：{exc.zh}", f"{name}: {exc.en}", fix_zh=exc.fix_zh, fix_en=exc.fix_en
    )


def _too_big(size: int | None) -> InputFileError:
    cap = _cap() // 2**20
    if size is None:
        zh, en = f"文件超过聊天记录上限 {cap} MB。", f"The file is over the {cap} MB limit for chat exports."
    else:
        mb = size // 2**20
        zh = f"文件有 {mb} MB，超过聊天记录上限 {cap} MB。"
        en = f"The file is {mb} MB, over the {cap} MB limit for chat exports."
    return InputFileError(
        zh,
        en,
        fix_zh="请只导出有争议的那段聊天（按日期筛选）；确需更大时可设置环境变量 "
        "DISPUTEKIT_MAX_CHAT_BYTES（字节数）。",
        fix_en="Export only the disputed conversation (filter by date); if you really need a "
        "larger file, set the environment variable DISPUTEKIT_MAX_CHAT_BYTES (in bytes).",
    )


def _no_messages() -> InputFileError:
    zh_cols, en_cols = header_example()
    return InputFileError(
        "没有找到可识别的聊天消息。",
        "No recognisable chat message found.",
        fix_zh=(
            "千牛/旺旺文本记录的每条消息应以“昵称 2025-4-20 10:02:03”这样的标题行开头，"
            f"下一行起是消息内容；表格（CSV/XLSX）需要“{zh_cols}”表头；"
            "JSON 格式见 docs/formats-chat.md。若这是物流记录，请用 --as tracking 添加。"
        ),
        fix_en=(
            "In a Qianniu/Aliwangwang text export each message starts with a header line such "
            "as “nickname 2025-4-20 10:02:03” followed by the message text; a table (CSV/XLSX) "
            f"needs a header row with {en_cols}; for JSON see docs/formats-chat.md. If it is a "
            "tracking record, add it with --as tracking."
        ),
    )


def read_chat(path: Path, hints: Hints) -> ChatFacts:
    """The ``chat`` kind's parser (kinds table). Reads at most the chat size cap plus one byte:
    a larger file is refused without being read whole."""
    data = limits.read_capped(path, _cap())
    if data is None:
        size = path.stat().st_size
        raise _named(_too_big(size if size > _cap() else None), path.name)
    return parse_chat(data, name=path.name, buyer=hints.buyer, seller=hints.seller)
