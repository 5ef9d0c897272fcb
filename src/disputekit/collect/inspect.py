"""Collect stage: check an input file, detect its kind by content, parse its facts."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from disputekit.collect.parse.limits import MAX_VIDEO_BYTES
from disputekit.collect.screenshot import ScreenCase
from disputekit.errors import InputFileError
from disputekit.kinds import KINDS, AnyFacts, Hints, for_sniffed, spec
from disputekit.models.facts import ChatFacts, PhotoFacts
from disputekit.text.printable import BIDI, printable

MAX_INPUT_BYTES = 512 * 1024 * 1024  # one evidence file; larger is surely not a chat or photo
# (videos: up to limits.MAX_VIDEO_BYTES)

_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{BIDI}]")
_UNSAFE_TEXT = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{BIDI}]")


def check_input_path(path: Path) -> None:
    """Refuse anything that is not a plain, readable, bounded file (before reading a byte)."""
    shown = str(path)
    if path.is_symlink():
        target = path.resolve()
        home = path.absolute().parent.resolve()
        if home not in target.parents:
            raise InputFileError(
                f"{shown} 是指向其他位置（{target}）的符号链接，已拒绝。",
                f"{shown} is a symbolic link pointing outside its folder ({target}); refused.",
                fix_zh="请直接添加真实文件。",
                fix_en="Add the real file instead.",
            )
    if not path.exists():
        raise InputFileError(
            f"找不到文件：{shown}", f"No such file: {shown}",
            fix_zh="请检查路径。", fix_en="Check the path.",
        )
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        raise InputFileError(
            f"{shown} 是文件夹，不是证据文件。", f"{shown} is a folder, not an evidence file.",
            fix_zh="请逐个列出其中的文件。", fix_en="List the files inside it instead.",
        )
    if not stat.S_ISREG(mode):
        raise InputFileError(
            f"{shown} 不是普通文件。", f"{shown} is not a regular file.",
            fix_zh="请先保存为普通文件再添加。", fix_en="Save it as a regular file first.",
        )
    size = path.stat().st_size
    if size == 0:
        raise InputFileError(
            f"{shown} 是空文件（0 字节）。", f"{shown} is empty (0 bytes).",
            fix_zh="请重新导出或拍摄该证据。", fix_en="Export or capture the evidence again.",
        )
    if size > MAX_INPUT_BYTES and (size > MAX_VIDEO_BYTES or not _is_video(path)):
        limit = MAX_VIDEO_BYTES if _is_video(path) else MAX_INPUT_BYTES
        raise InputFileError(
            f"{shown} 太大（{size} 字节，上限 {limit} 字节）。",
            f"{shown} is too large ({size} bytes, at most {limit}).",
            fix_zh="请压缩或拆分后再添加。", fix_en="Compress or split it first.",
        )
    if not os.access(path, os.R_OK):
        raise InputFileError(
            f"无法读取 {shown}(没有权限)。", f"Cannot read {shown} (permission denied).",
            fix_zh="请检查文件权限。", fix_en="Check the file's permissions.",
        )


def _is_video(path: Path) -> bool:
    """Videos may be larger than other evidence (limits.MAX_VIDEO_BYTES)."""
    from disputekit.collect.sniff import sniff

    try:
        return sniff(path).kind == "video"
    except InputFileError:
        return False


def detect_kind(path: Path) -> str:
    """The evidence kind of a file, from its content (never the extension)."""
    from disputekit.collect.sniff import sniff

    sniffed = sniff(path)
    found = for_sniffed(sniffed.kind)
    if found is not None:
        return found.name
    names = "/".join(KINDS)
    looks_zh, looks_en, fix_zh, fix_en = LOOKS_LIKE.get(sniffed.format, LOOKS_LIKE["binary"])
    raise InputFileError(
        f"无法识别 {path.name} 的文件类型：看起来是{looks_zh}，"
        "不是聊天记录、物流记录、图片、视频或 PDF。",
        f"Cannot tell what {path.name} is: it looks like {looks_en}, not a chat export, "
        "tracking record, image, video or PDF.",
        fix_zh=f"{fix_zh}如确为证据，请用 --as 指定类型（{names}）。",
        fix_en=f"{fix_en}If it is evidence, name its kind with --as ({names}).",
    )


LOOKS_LIKE: dict[str, tuple[str, str, str, str]] = {
    "zip": ("ZIP 压缩包", "a ZIP archive", "请先解压，逐个添加其中的文件。",
            "Unpack it and add the files inside. "),
    "ole2": ("旧版 Office 文件（.xls/.doc）", "an old Office file (.xls/.doc)",
             "聊天记录请另存为 .xlsx 或 CSV。", "Save a chat export as .xlsx or CSV. "),
    "video": ("无法识别的 ISO 媒体文件", "an ISO media file of an unknown kind",
              "视频请用手机导出的 MP4/MOV。", "Add the phone's MP4/MOV for a video. "),
    "binary": ("未知格式的二进制数据", "binary data of an unknown format", "", ""),
}
"""What an unrecognised file looked like (``sniff`` format) and what to do about it."""


def safe_facts(facts: AnyFacts) -> AnyFacts:
    """The facts with every string made :func:`printable` (chat message text may keep its
    line breaks). Evidence comes from strangers; its strings are printed by ``list`` and
    ``inspect`` and drawn in the dossier. Cheap when there is nothing to clean."""
    if not _dirty(facts):
        return facts
    return type(facts).model_validate(_clean(facts.model_dump(), in_messages=False))


def _dirty(facts: AnyFacts) -> bool:
    if isinstance(facts, ChatFacts):  # the bulk, scanned as two long strings
        return bool(_UNSAFE_TEXT.search("\n".join(m.text for m in facts.messages))
                    or _UNSAFE.search("".join(m.sender for m in facts.messages))
                    or _dirty_value(facts.model_dump(exclude={"messages"})))
    return _dirty_value(facts.model_dump())


def _dirty_value(value: Any) -> bool:
    if isinstance(value, str):
        return _UNSAFE.search(value) is not None
    if isinstance(value, dict):
        return any(_dirty_value(v) for v in value.values())
    if isinstance(value, list):
        return any(_dirty_value(v) for v in value)
    return False


def _clean(value: Any, *, in_messages: bool, key: str = "") -> Any:
    if isinstance(value, str):
        return printable(value, multiline=in_messages and key == "text")
    if isinstance(value, dict):
        return {k: _clean(v, in_messages=in_messages, key=k) for k, v in value.items()}
    if isinstance(value, list):
        inside = in_messages or key == "messages"
        return [_clean(v, in_messages=inside, key=key) for v in value]
    return value


def inspect_file(
    path: Path,
    *,
    as_kind: str | None = None,
    buyer: str | None = None,
    seller: str | None = None,
    courier: str | None = None,
    screen: ScreenCase | None = None,
    ocr_cache: Path | None = None,
    sha256: str | None = None,
) -> AnyFacts:
    """What disputekit reads from one file. Raises InputFileError for anything unusable.

    A screenshot's text is read too (OCR, offline; cached in ``ocr_cache`` by ``sha256``), and
    what the page shows: ``screen`` gives the case's dates and nicknames that help read it.
    """
    check_input_path(path)
    facts = _parse_kind(path, as_kind, buyer, seller, courier)
    if isinstance(facts, PhotoFacts) and facts.kind == "screenshot":
        from disputekit.collect.parse import stderr_capture
        from disputekit.collect.screenshot import read_screenshot
        from disputekit.store.hashing import sha256_file

        context = screen or ScreenCase(buyer=buyer, seller=seller, courier=courier)
        digest = sha256 or sha256_file(path)[0]
        # OCR decodes the image once more: what a C decoder prints then was already recorded
        # as the exhibit's decode_warnings by the first decode, and must not reach the terminal.
        with stderr_capture.captured():
            facts = read_screenshot(path, facts, digest, context, cache_dir=ocr_cache)
    return safe_facts(facts)


def _parse_kind(
    path: Path, as_kind: str | None, buyer: str | None, seller: str | None, courier: str | None
) -> AnyFacts:
    kind = as_kind or detect_kind(path)
    facts: AnyFacts = spec(kind).call("parse", path, Hints(buyer, seller, courier, as_kind))
    return facts
