"""Plain-text chats: Qianniu/Aliwangwang exports and copy-pastes, and time-first WeChat/QQ text.

One pass over the lines. A message starts at a header line and owns the lines up to the next
header. Header styles (one per file, decided by the first header-like line):

- name-last (Qianniu): ``昵称 2025-4-20 10:02:03``, the space optional, ``/`` accepted in the
  date; older exports put the time alone on the line after the nickname;
- time-first (QQ's text export, WeChat export tools): ``2025-04-20 10:02:03 昵称``.

Other lines are not message text: ``已读``/``未读``/``发送中`` set the message's read status;
``X 撤回了一条消息`` is a recall (see ``_Reader.recall``); ``A --> B 时间`` and ``由 X 转交给 Y``
are transfers (the next message is marked ``transferred``); the ``SYSTEM_LINE_PREFIXES`` lines
are system events. Body lines keep their text (emoji, URLs, ``¥`` prices); blank lines at the
start and end of a body are dropped. The caller passes text with ``\\n`` line ends only.

Bounded work (``limits.py``): the lines are counted before the text is split, and more than
``MAX_CHAT_LINES`` are refused; a line over ``MAX_LINE_CHARS`` is cut before it is parsed; a
body stops growing past ``MAX_MESSAGE_CHARS`` (its original length is still counted, so the
message is cut with a mark telling its true size); line numbers for warnings keep only the
first few and a count.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse import limits
from disputekit.collect.parse.chat_bounds import BoundedRoster
from disputekit.collect.parse.roles import Channel, ReadStatus, Roster
from disputekit.errors import InputFileError

STATUS_LINES: dict[str, ReadStatus] = {"已读": "read", "未读": "unread", "发送中": "sending"}

SYSTEM_LINE_PREFIXES: tuple[str, ...] = (
    "当前用户来自",
    "原因：【",
    "原因:【",
    "以上是历史消息",
    "以上为历史消息",
    "以下为新消息",
    "以下是新消息",
    "系统提示：",
    "系统提示:",
    "会话已结束",
    "会话结束",
)
"""System lines, matched at the start after trimming ``-—=* `` (so ``----以下为新消息----``)."""

CARD_START: frozenset[str] = frozenset({"商品详情页", "商品卡片", "[商品]", "【商品】"})
"""A line that opens a product card pasted from Qianniu (the card's title, ``¥`` and price
follow on their own lines). Copy-paste variants as described by a third-party Qianniu parser;
low confidence, extend as new pastes show up."""
CARD_END: frozenset[str] = frozenset({"这些非常适合您的商品可以一起看看～～",
                                      "这些非常适合您的商品可以一起看看~~"})
"""The recommendation line Qianniu pastes under a product card (also alone)."""
CARD_MAX_LINES = 6
_PRICE = re.compile(r"^[¥￥]?\s*\d+(?:\.\d{1,2})?$")
_LINK_BACKTICK = re.compile(r"^`(?=https?://)")

QQ_MARKERS: tuple[str, ...] = (
    "QQ聊天记录",
    "消息记录（此消息记录为文本格式",
    "消息分组:",
    "消息对象:",
)
WECHAT_MARKERS: tuple[str, ...] = ("微信聊天记录", "微信消息记录", "微信")
"""Looked for only before the first message, so a buyer writing "加我微信" changes nothing."""

RECALL_SUFFIX = "撤回了一条消息"
_SELF_OR_PEER = ("你", "您", "对方")

_TIME = r"(\d{4})[-/](\d{1,2})[-/](\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})"
_TIME_AT_END = re.compile(_TIME + r"$")
_LONGEST_TIME = len("2025-12-31 23:59:59")
_TIME_FIRST = re.compile(_TIME + r"\s+(\S.*)$")
_TRANSFER_BY = re.compile(r"由\s*\S.*?\s*转交给\s*\S")
_SYSTEM_TRIM = "-—=* "
_MAYBE_SPECIAL_FIRST = frozenset(
    "0123456789由" + _SYSTEM_TRIM + "".join(p[0] for p in SYSTEM_LINE_PREFIXES)
)
_MAYBE_SPECIAL_LAST = frozenset(
    "0123456789" + "".join(w[-1] for w in STATUS_LINES) + RECALL_SUFFIX[-1]
)
"""A line can only be a header, status, recall, transfer or system line if its first or last
character is in these sets: a cheap test that lets most body lines skip the other checks."""
_PREAMBLE_SCAN = 200

Header = tuple[str, datetime]
HeaderParser = Callable[[str], "Header | None"]


class BadDate(ValueError):
    """A header-like line whose date does not exist (2025-2-30 …): kept as body text."""


def _to_time(groups: Sequence[str]) -> datetime:
    """Six matched number groups (year … second) → a China-time datetime."""
    try:
        year, month, day, hour, minute, second = map(int, groups)
        return datetime(year, month, day, hour, minute, second, tzinfo=CHINA_TZ)
    except ValueError as exc:
        raise BadDate(str(exc)) from exc


def name_last_header(line: str) -> Header | None:
    """``昵称 2025-4-20 10:02:03`` → (昵称, time); a time alone gives an empty name."""
    if len(line) < 16 or line[-3] != ":":
        return None
    m = _TIME_AT_END.search(line, max(0, len(line) - _LONGEST_TIME))
    if m is None:
        return None
    return line[: m.start()].rstrip(), _to_time(m.groups())


def time_first_header(line: str) -> Header | None:
    """``2025-04-20 10:02:03 昵称`` → (昵称, time)."""
    if len(line) < 18 or not "0" <= line[0] <= "9":
        return None
    m = _TIME_FIRST.match(line)
    if m is None:
        return None
    return m.group(7).strip(), _to_time(m.groups()[:6])


def _safe(parser: HeaderParser, line: str) -> Header | None:
    try:
        return parser(line)
    except BadDate:
        return None


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` (split at ``\\n``). The lines are counted first (in C, without
    copying) and more than ``MAX_CHAT_LINES`` are refused before any is made, so the list is
    bounded by that cap and the chat size cap."""
    cap = limits.value("MAX_CHAT_LINES")
    if text.count("\n") >= cap:
        raise too_many_lines(cap)
    return text.split("\n")


def too_many_lines(cap: int) -> InputFileError:
    return InputFileError(
        f"聊天记录超过 {cap:,} 行，超出上限。",
        f"The chat has more than {cap:,} lines, over the limit.",
        fix_zh="请只导出有争议的那段聊天（按日期筛选）；确需更多时可设置环境变量 "
        "DISPUTEKIT_MAX_CHAT_LINES。",
        fix_en="Export only the disputed conversation (filter by date); if you really need "
        "more, set the environment variable DISPUTEKIT_MAX_CHAT_LINES.",
    )


def detect_style(lines: Iterable[str]) -> tuple[HeaderParser, int]:
    """The header parser for this file and the index of the first header line (or -1)."""
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line or "-->" in line:
            continue
        if _safe(name_last_header, line) is not None:
            return name_last_header, i
        if _safe(time_first_header, line) is not None:
            return time_first_header, i
    return name_last_header, -1


def detect_channel(preamble: list[str], parser: HeaderParser) -> tuple[str, Channel]:
    """(format, channel) from markers before the first message and the header style."""
    head = "\n".join(preamble[:_PREAMBLE_SCAN])
    if any(marker in head for marker in QQ_MARKERS):
        return "qq-text", "qq"
    if any(marker in head for marker in WECHAT_MARKERS) or parser is time_first_header:
        return "wechat-text", "wechat"
    return "qianniu-text", "qianniu"


def parse_text(text: str, roster: Roster) -> tuple[str, Channel]:
    """Read every message of ``text`` into ``roster``; return (format, channel)."""
    lines = split_lines(text)
    parser, first = detect_style(lines)
    reader = _Reader(roster, parser)
    for number, line in enumerate(lines, 1):
        reader.feed(number, line)
    reader.finish()
    return detect_channel(lines[: min(max(first, 0), _PREAMBLE_SCAN)], parser)


class _Reader:
    """The single-pass state machine: the open message, its body and pending marks."""

    def __init__(self, roster: Roster, parser: HeaderParser) -> None:
        self.roster = roster
        self.parser = parser
        self.open = False
        self.sender = ""
        self.time: datetime | None = None
        self.body: list[str] = []
        self.body_chars = 0
        """Characters of the open message's body read so far, kept or not, plus one per line
        (its newline; the text's length is ``body_end - 1``)."""
        self.body_full = False
        """The body has reached MAX_MESSAGE_CHARS: further lines are counted, not kept."""
        self.body_cut = False
        """A line of the body was longer than MAX_LINE_CHARS and is cut."""
        self.body_end = 0
        """``body_chars`` up to the end of the last non-blank line."""
        self.max_line = limits.value("MAX_LINE_CHARS")
        self.max_body = limits.value("MAX_MESSAGE_CHARS")
        self.status: ReadStatus | None = None
        self.recalled = False
        self.transferred = False
        self.next_transferred = False
        self.recalls_after: list[str] = []
        self.preamble = _Numbers()
        self.preamble_last = (0, "")
        self.prev_is_text = False
        self.bad_dates = _Numbers()
        self.card: list[str] | None = None

    def feed(self, number: int, raw: str) -> None:
        if len(raw) > self.max_line:  # cut before it is parsed; its length still counts
            if self.open:
                self.body_chars += len(raw) - self.max_line
                self.body_end = self.body_chars
                self.body_cut = True
            raw = raw[: self.max_line]
        line = raw.strip()
        if self.card is not None and self._card_line(line):
            return
        if not line:
            if self.open:
                self.body_chars += 1
                if not self.body_full:
                    self.body.append("")
            self.prev_is_text = False
            return
        if self.open and (line in CARD_START or line in CARD_END):
            self.card = []
            if line in CARD_END:
                self._end_card(line)
            return
        if line[0] == "`":
            raw = _LINK_BACKTICK.sub("", raw.lstrip())  # `https://… pasted with its backtick
        maybe_special = line[0] in _MAYBE_SPECIAL_FIRST or line[-1] in _MAYBE_SPECIAL_LAST
        if maybe_special and self._special(number, line):
            return
        if self.open:  # a body line: kept while the body is under MAX_MESSAGE_CHARS
            text = raw.rstrip()
            self.body_chars += len(text) + 1
            self.body_end = self.body_chars  # (trailing blank lines are not counted)
            if not self.body_full:
                self.body.append(text)
                self.body_full = self.body_chars > self.max_body + 1
            self.prev_is_text = True
        else:
            self._preamble(number, line)

    def _special(self, number: int, line: str) -> bool:
        """Handle a header, status, recall, transfer or system line; False for body text."""
        if ("-->" in line or line.startswith("由")) and self._transfer(line):
            return True
        try:
            header = self.parser(line)
        except BadDate:
            self.bad_dates.append(number)
            return False
        if header is not None:
            self._start(*header)
            return True
        status = STATUS_LINES.get(line)
        if status is not None:
            self.status = status if self.open else None
            self.prev_is_text = False
            return self.open
        if line.endswith(RECALL_SUFFIX):
            self.recall(line)
            return True
        if line.lstrip(_SYSTEM_TRIM).startswith(SYSTEM_LINE_PREFIXES):
            self.roster.event(None, "system", line)
            self.prev_is_text = False
            return True
        return False

    def _card_line(self, line: str) -> bool:
        """A line inside a pasted product card; False when the card has ended before it."""
        card = self.card
        assert card is not None
        if not line or len(card) >= CARD_MAX_LINES or self._is_header(line):
            self._end_card()
            return False
        if line in CARD_END:
            self._end_card(line)
            return True
        card.append(line)
        after_yuan = len(card) > 1 and card[-2] in ("¥", "￥")
        if _PRICE.match(line) and (line[0] in "¥￥" or after_yuan):
            self._end_card()  # the price closes the card
        return True

    def _is_header(self, line: str) -> bool:
        try:
            return self.parser(line) is not None
        except BadDate:
            return False

    def _end_card(self, recommend: str | None = None) -> None:
        """The card becomes one event (``商品卡片：标题 ¥199.00``), never message text."""
        parts = self.card or []
        self.card = None
        text = " ".join(parts).replace("¥ ", "¥").replace("￥ ", "¥")
        if text:
            self.roster.event(self.time, "system", f"商品卡片：{text}")
        if recommend:
            self.roster.event(self.time, "system", recommend)
        self.prev_is_text = False

    def _preamble(self, number: int, line: str) -> None:
        """A line before the first message: warned about unless it is export decoration."""
        if not _is_decoration(line):
            self.preamble.append(number)
        self.preamble_last = (number, line)
        self.prev_is_text = True

    def _start(self, name: str, time: datetime) -> None:
        if not name:
            name = self._take_nickname()
        self._flush()
        self.open = True
        self.sender, self.time = name, time
        self.transferred, self.next_transferred = self.next_transferred, False
        self.prev_is_text = False

    def _take_nickname(self) -> str:
        """Older exports: the line before a bare time is the nickname, not body text."""
        if not self.prev_is_text:
            return ""
        if self.open and self.body and not self.body_full:
            last = self.body.pop()
            self.body_chars -= len(last) + 1
            return last.strip()
        number, line = self.preamble_last
        if not self.open and line:
            self.preamble.drop_last(number)
            return line
        return ""

    def recall(self, line: str) -> None:
        """``X 撤回了一条消息``: a recall event, and a message with ``recalled=True``, text "".

        Directly under a header with no text yet, that message is the recalled one. Elsewhere
        a separate recalled message (time unknown) follows the open message.
        """
        who = line[: -len(RECALL_SUFFIX)].strip()
        self.roster.event(self.time if self.open and not any(self.body) else None, "recall", line)
        self.prev_is_text = False
        same = not who or who == self.sender or who in _SELF_OR_PEER
        if self.open and same and not any(self.body) and not self.recalled:
            self.recalled = True
        else:
            self.recalls_after.append(who if who not in _SELF_OR_PEER else "")

    def _transfer(self, line: str) -> bool:
        """``A --> B 时间`` or ``由 X 转交给 Y``; False if the line is neither."""
        time = None
        m = _TIME_AT_END.search(line, max(0, len(line) - _LONGEST_TIME))
        if m is not None and "-->" in line[: m.start()]:
            try:
                time = _to_time(m.groups())
            except BadDate:
                return False
        elif not _TRANSFER_BY.match(line):
            return False
        self.roster.event(time, "transfer", line)
        self.next_transferred = True
        self.prev_is_text = False
        return True

    def _flush(self) -> None:
        if self.open:
            text = _trim_body(self.body)
            cut = (self.body_full or self.body_cut) and isinstance(self.roster, BoundedRoster)
            extra = {"length": max(self.body_end - 1, self.max_body + 1)} if cut else {}
            self.roster.message(self.time, self.sender, text, recalled=self.recalled,
                                transferred=self.transferred, read_status=self.status, **extra)
            self.body, self.status, self.recalled = [], None, False
            self.body_chars = self.body_end = 0
            self.body_full = self.body_cut = False
        for who in self.recalls_after:
            self.roster.message(None, who, "", recalled=True)
        self.recalls_after = []

    def finish(self) -> None:
        if self.card is not None:
            self._end_card()
        self._flush()
        self.open = False
        if self.preamble and self.roster.messages:
            self._warn_lines(
                self.preamble,
                "行在第一条消息之前，不属于任何消息，已忽略",
                "line(s) before the first message belong to no message and were ignored",
            )
        if self.bad_dates:
            self._warn_lines(
                self.bad_dates,
                "行像消息标题但日期不存在，已当作正文",
                "line(s) look like message headers but the date does not exist; kept as text",
            )

    def _warn_lines(self, numbers: _Numbers, zh: str, en: str) -> None:
        more = "…" if len(numbers) > len(numbers.first) else ""
        shown = "、".join(str(n) for n in numbers.first) + more
        shown_en = ", ".join(str(n) for n in numbers.first) + more
        self.roster.warn(
            f"{len(numbers)} {zh}（第 {shown} 行）。", f"{len(numbers)} {en} (line {shown_en})."
        )


class _Numbers:
    """Line numbers for a warning: the count and the first few (a file of a million stray
    lines must not keep a million numbers)."""

    KEEP = 5

    def __init__(self) -> None:
        self.first: list[int] = []
        self.count = 0
        self.last = 0

    def append(self, number: int) -> None:
        self.count += 1
        self.last = number
        if len(self.first) < self.KEEP:
            self.first.append(number)

    def drop_last(self, number: int) -> None:
        """Forget ``number`` if it is the last one appended (a nickname line, not stray text)."""
        if self.count and self.last == number:
            self.count -= 1
            if self.first and self.first[-1] == number:
                self.first.pop()
            self.last = 0

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0


def _is_decoration(line: str) -> bool:
    """Separator rules and export titles (QQ's 消息分组:/消息对象: …) are not lost text."""
    if not line.strip("=-—_*~·. "):
        return True
    return any(marker in line for marker in (*QQ_MARKERS, *WECHAT_MARKERS))


def _trim_body(body: list[str]) -> str:
    start, end = 0, len(body)
    while start < end and not body[start]:
        start += 1
    while end > start and not body[end - 1]:
        end -= 1
    return "\n".join(body[start:end])
