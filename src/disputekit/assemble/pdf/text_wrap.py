"""Line wrapping for the proof card: CJK-aware breaking with kinsoku rules and ellipsis."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

RowStyle = Literal["key", "event", "buyer", "seller", "other"]

# ---------------------------------------------------------------------------- wrapping

_NO_LINE_START = frozenset("，。、；：？！）》」』】〕…—,.;:?!)]}%”’")
_OPENERS = "（《「『【〔([{“‘"
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-./@:#%+*]*|\s+|.", re.S)
_ELLIPSIS = "…"


def wrap(text: str, measure: Callable[[str], float], width: float, max_lines: int) -> list[str]:
    """Greedy line breaking: Latin words and numbers kept whole (unless wider than a line),
    CJK broken anywhere, closing punctuation never starts a line (it hangs past ``width``),
    opening punctuation never ends one; past ``max_lines`` the last line ends in …."""
    lines: list[str] = []
    line = ""
    for token in _TOKEN.findall(" ".join(text.split())):
        if token.isspace():
            line += " " if line else ""  # a space never starts a line
        elif measure(line + token) <= width or (token[0] in _NO_LINE_START and line.strip()):
            line += token
        else:
            lines, line = _flush(lines, line)
            if measure(line + token) <= width:
                line += token
            else:
                lines, line = _break_chars(lines, line, token, measure, width)
    lines = [*lines, line.rstrip()] if line.strip() else lines
    if len(lines) <= max_lines:
        return _no_widow(lines)
    return [*lines[: max_lines - 1], _ellipsize(lines[max_lines - 1], measure, width)]


def _no_widow(lines: list[str]) -> list[str]:
    """A last line of one CJK character takes the previous line's last CJK character along."""
    if len(lines) < 2 or len(lines[-1]) != 1 or len(lines[-2]) < 3:
        return lines
    prev, moved = lines[-2][:-1], lines[-2][-1]
    if not (_is_cjk(moved) and _is_cjk(lines[-1])) or prev[-1] in _OPENERS:
        return lines
    return [*lines[:-2], prev, moved + lines[-1]]


def _is_cjk(ch: str) -> bool:
    return ch.isalpha() and (0x2E80 <= ord(ch) <= 0x9FFF or 0x20000 <= ord(ch) <= 0x3FFFF)


def _flush(lines: list[str], line: str) -> tuple[list[str], str]:
    """End ``line``; trailing opening punctuation moves on to start the next line."""
    base = line.rstrip()
    keep = base.rstrip(_OPENERS) or base
    return ([*lines, keep] if keep else lines), base[len(keep) :]


def _break_chars(
    lines: list[str], line: str, token: str, measure: Callable[[str], float], width: float
) -> tuple[list[str], str]:
    for ch in token:
        if measure(line + ch) > width and line.strip() and ch not in _NO_LINE_START:
            lines, line = _flush(lines, line)
        line += ch
    return lines, line


def _ellipsize(line: str, measure: Callable[[str], float], width: float) -> str:
    while line and measure(line + _ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + _ELLIPSIS




def wrap_fast(text: str, char_width: Callable[[str], float], width: float) -> list[str]:
    """:func:`wrap`'s rules without a line limit, measuring each character once (``char_width``
    is cached by the caller): linear in the text, for the thousands of lines of a chat."""
    lines: list[str] = []
    line, line_w = "", 0.0
    for token in _TOKEN.findall(" ".join(text.split())):
        if token.isspace():
            if line:
                line, line_w = line + " ", line_w + char_width(" ")
            continue
        token_w = sum(char_width(ch) for ch in token)
        if line_w + token_w <= width or ((token[0] in _NO_LINE_START or _sticks(token[0])) and line.strip()):
            line, line_w = line + token, line_w + token_w
            continue
        lines, line = _flush(lines, line)
        line_w = sum(char_width(ch) for ch in line)
        if line_w + token_w <= width:
            line, line_w = line + token, line_w + token_w
            continue
        for ch in token:  # wider than a line: broken anywhere (a long URL, a digit run)
            w = char_width(ch)
            if line_w + w > width and line.strip() and ch not in _NO_LINE_START and not _sticks(ch):
                lines, line = _flush(lines, line)
                line_w = sum(char_width(c) for c in line)
            line, line_w = line + ch, line_w + w
    return [*lines, line.rstrip()] if line.strip() else lines


def _sticks(ch: str) -> bool:
    """Joiners, selectors and skin-tone modifiers stay with the character before them."""
    cp = ord(ch)
    return cp in (0x200D, 0xFE0E, 0xFE0F) or 0x1F3FB <= cp <= 0x1F3FF or 0x0300 <= cp <= 0x036F
