"""Bounded chat parsing: a ``Roster`` that caps the number of entries and cuts long messages.

Every chat reader (text, CSV, XLSX, JSON) appends to a :class:`BoundedRoster`, so the limits of
``limits.py`` hold whatever the format:

- more than ``MAX_CHAT_ENTRIES`` messages plus events → an ``InputFileError`` (exit 5), raised
  as soon as the entry past the limit is read (nothing more is parsed);
- a message longer than ``MAX_MESSAGE_CHARS`` (or a sender longer than ``MAX_SENDER_CHARS``)
  is kept cut at the limit, its text ending with ``limits.TRUNCATION_MARK`` on its own line,
  ``truncated=True`` on the message and one parse warning naming the cut messages. A reader that
  has already cut a line or a cell passes the original length (``length=``), so the mark tells
  the true size.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from disputekit.collect.parse import limits
from disputekit.collect.parse.roles import ReadStatus, Roster
from disputekit.errors import InputFileError

_SHOWN = 5


class BoundedRoster(Roster):
    """A ``Roster`` enforcing the chat limits (module docstring)."""

    def __init__(self, buyer: str | None = None, seller: str | None = None) -> None:
        super().__init__(buyer, seller)
        self.max_entries = limits.value("MAX_CHAT_ENTRIES")
        self.max_chars = limits.value("MAX_MESSAGE_CHARS")
        self.max_sender = limits.value("MAX_SENDER_CHARS")
        self.entries = 0
        self.cut: list[int] = []

    def _count(self) -> None:
        self.entries += 1
        if self.entries > self.max_entries:
            raise too_many_entries(self.max_entries)

    def message(
        self,
        time: datetime | None,
        sender: str,
        text: str,
        *,
        recalled: bool = False,
        transferred: bool = False,
        read_status: ReadStatus | None = None,
        length: int | None = None,
    ) -> None:
        """Append a message, cut to the limits; ``length`` is the original text's length when
        the reader has already cut it (a line or a cell over its own limit)."""
        self.entries += 1
        if self.entries > self.max_entries:
            raise too_many_entries(self.max_entries)
        if length is None and len(text) <= self.max_chars and len(sender) <= self.max_sender:
            super().message(time, sender, text, recalled=recalled, transferred=transferred,
                            read_status=read_status)
            return  # the common case, kept short: it runs once per message
        full = max(len(text), length or 0)
        cut = full > self.max_chars
        if cut:
            text = text[: self.max_chars].rstrip() + "\n" + limits.TRUNCATION_MARK.format(
                chars=full)
        if len(sender) > self.max_sender:
            sender, cut = sender[: self.max_sender] + "…", True
        super().message(time, sender, text, recalled=recalled, transferred=transferred,
                        read_status=read_status)
        if cut:
            self.messages[-1] = self.messages[-1].model_copy(update={"truncated": True})
            self.cut.append(self.messages[-1].index)

    def event(
        self, time: datetime | None, kind: Literal["transfer", "recall", "system"], text: str
    ) -> None:
        self._count()
        if len(text) > self.max_chars:  # a system line as long as a message: cut, marked
            text = text[: self.max_chars] + limits.TRUNCATION_MARK.format(chars=len(text))
        super().event(time, kind, text)

    def finish(self) -> None:
        """Add the warning naming the cut messages (call once, after the last message)."""
        if not self.cut:
            return
        shown = self.cut[:_SHOWN]
        more = "…" if len(self.cut) > _SHOWN else ""
        self.warn(
            f"{len(self.cut)} 条消息过长，已截断到 {self.max_chars:,} 字并在末尾注明"
            f"（第 {'、'.join(map(str, shown))}{more} 条）。",
            f"{len(self.cut)} message(s) too long, cut to {self.max_chars:,} characters and "
            f"marked at the end (message {', '.join(map(str, shown))}{more}).",
        )


def too_many_entries(cap: int) -> InputFileError:
    return InputFileError(
        f"聊天记录超过 {cap:,} 条消息和系统提示，超出上限。",
        f"The chat has more than {cap:,} messages and notices, over the limit.",
        fix_zh="请只导出有争议的那段聊天（按日期筛选）；确需更多时可设置环境变量 "
        "DISPUTEKIT_MAX_CHAT_ENTRIES。",
        fix_en="Export only the disputed conversation (filter by date); if you really need "
        "more, set the environment variable DISPUTEKIT_MAX_CHAT_ENTRIES.",
    )
