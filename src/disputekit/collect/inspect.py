"""Collect stage: check an input file, detect its kind by content, parse its facts."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

from disputekit.errors import InputFileError
from disputekit.models.facts import ChatFacts, DocumentFacts, PhotoFacts, TrackingFacts

AnyFacts = ChatFacts | TrackingFacts | PhotoFacts | DocumentFacts

MAX_INPUT_BYTES = 512 * 1024 * 1024  # one evidence file; larger is surely not a chat or photo

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI_RE = re.compile(f"[{_BIDI}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab/newline, DEL, C1
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI}]")
_UNSAFE_TEXT = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI}]")

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
    if size > MAX_INPUT_BYTES:
        raise InputFileError(
            f"{shown} 太大（{size} 字节）。", f"{shown} is too large ({size} bytes).",
            fix_zh="请压缩或拆分后再添加。", fix_en="Compress or split it first.",
        )
    if not os.access(path, os.R_OK):
        raise InputFileError(
            f"无法读取 {shown}(没有权限)。", f"Cannot read {shown} (permission denied).",
            fix_zh="请检查文件权限。", fix_en="Check the file's permissions.",
        )


def detect_kind(path: Path) -> str:
    """chat, tracking, image or document, from the content (never the extension)."""
    from disputekit.collect.sniff import sniff

    found = sniff(path)
    if found.kind in ("photo", "screenshot", "image"):
        return "image"
    if found.kind == "pdf":
        return "document"
    if found.kind in ("chat", "tracking"):
        return found.kind
    raise InputFileError(
        f"无法识别 {path.name} 的文件类型（不是聊天记录、物流记录、图片或 PDF）。",
        f"Cannot tell what {path.name} is (not a chat export, tracking record, image or PDF).",
        fix_zh="如确为证据，请用 --as 指定类型（chat/tracking/photo/screenshot/document）。",
        fix_en="If it is evidence, name its kind with --as (chat/tracking/photo/screenshot/document).",
    )


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` safe for a terminal: control characters become spaces (tab and newline stay in
    ``multiline`` text) and bidirectional overrides, which can make text read backwards, go."""
    text = _BIDI_RE.sub("", text)
    return (_CONTROL if multiline else _CONTROL_OR_BREAK).sub(" ", text)


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
) -> AnyFacts:
    """What disputekit reads from one file. Raises InputFileError for anything unusable."""
    check_input_path(path)
    return safe_facts(_parse_kind(path, as_kind, buyer, seller, courier))


def _parse_kind(
    path: Path, as_kind: str | None, buyer: str | None, seller: str | None, courier: str | None
) -> AnyFacts:
    kind = as_kind or detect_kind(path)
    if kind == "chat":
        from disputekit.collect.parse.chat import parse_chat

        return parse_chat(path.read_bytes(), name=path.name, buyer=buyer, seller=seller)
    if kind == "tracking":
        from disputekit.collect.parse.tracking import parse_tracking

        return parse_tracking(path.read_bytes(), name=path.name, courier=courier)
    if kind == "document":
        from disputekit.collect.parse.document import parse_pdf

        return parse_pdf(path)
    from disputekit.collect.parse.photo import parse_image

    facts = parse_image(path)
    if as_kind in ("photo", "screenshot") and facts.kind != as_kind:
        facts = facts.model_copy(update={"kind": as_kind})
    return facts
