"""Making strangers' text safe for a terminal: no control characters, no bidi overrides."""

from __future__ import annotations

import re

BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_BIDI_RE = re.compile(f"[{BIDI}]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but tab/newline, DEL, C1
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str, *, multiline: bool = False) -> str:
    """``text`` safe for a terminal: control characters become spaces (tab and newline stay in
    ``multiline`` text) and bidirectional overrides, which can make text read backwards, go."""
    text = _BIDI_RE.sub("", text)
    return (_CONTROL if multiline else _CONTROL_OR_BREAK).sub(" ", text)
