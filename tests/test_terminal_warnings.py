"""Library warnings reach the terminal in the user's language, printable, without logger names."""

from __future__ import annotations

import logging

from disputekit.cli.main import TerminalFormatter
from disputekit.i18n import set_lang


def record(msg: str, level: int = logging.WARNING, **extra: str) -> logging.LogRecord:
    rec = logging.LogRecord("disputekit.assemble.pdf.evidence_render", level, __file__, 1, msg, (), None)
    for key, value in extra.items():
        setattr(rec, key, value)
    return rec


def test_bilingual_record_is_said_in_the_users_language() -> None:
    rec = record("中 / en", zh="证据 E6 的 PDF 有 1 页无法绘制", en="1 page of the PDF of E6 could not be drawn")
    try:
        set_lang("zh")
        assert TerminalFormatter(False).format(rec) == "警告：证据 E6 的 PDF 有 1 页无法绘制"
        set_lang("en")
        assert TerminalFormatter(False).format(rec) == "Warning: 1 page of the PDF of E6 could not be drawn"
        assert TerminalFormatter(True).format(rec).startswith("[disputekit.assemble.pdf.evidence_render] Warning: ")
    finally:
        set_lang("zh")


def test_plain_record_keeps_its_text_and_loses_control_characters() -> None:
    set_lang("zh")
    out = TerminalFormatter(False).format(record("bad \x1b[31mname\x07", logging.ERROR))
    assert out.startswith("错误：bad ") and "\x1b" not in out and "\x07" not in out
