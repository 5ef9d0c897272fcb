"""Bounded work on hostile chat and tracking files (issue 15 §7): each limit of
``collect/parse/limits.py`` is checked while reading, and gives either a clear bilingual error
(exit 5, case untouched) or a clearly marked cut. Limits are monkeypatched small, so the tests
prove the checks, not the machine's speed (time and memory: benchmarks/bench_bombs.py)."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import tree_snapshot
from disputekit.cli.main import cli
from disputekit.collect.parse import chat, chat_table, limits, tracking_formats
from disputekit.collect.parse.chat import parse_chat, read_chat
from disputekit.collect.parse.chat_text import split_lines
from disputekit.collect.parse.tracking import read_tracking
from disputekit.errors import ExitCode, InputFileError, UsageError
from disputekit.kinds import Hints
from disputekit.models.facts import ChatFacts, Message

HEAD = "买家小王 2025-4-20 10:02:03\n"
HINTS = Hints("买家小王", "旗舰店", None, None)


def mark(chars: int) -> str:
    return limits.TRUNCATION_MARK.format(chars=chars)


class CountingReads:
    """Wraps ``Path.open`` to count the bytes read from files opened for reading."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.read = 0
        original = Path.open
        counter = self

        class Counted(io.BufferedReader):
            def read(self, size: int | None = -1) -> bytes:
                data = super().read(size)
                counter.read += len(data)
                return data

        def open_counted(path: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            if mode == "rb":
                return Counted(io.FileIO(str(path), "rb"))
            return original(path, mode, *args, **kwargs)

        monkeypatch.setattr(Path, "open", open_counted)


# --------------------------------------------------------------------------- file size


def test_a_chat_over_the_cap_is_refused_without_being_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chat, "MAX_BYTES", 1000)
    big = tmp_path / "chat.txt"
    big.write_bytes((HEAD + "在吗\n").encode() * 5000)
    reads = CountingReads(monkeypatch)
    with pytest.raises(InputFileError) as err:
        read_chat(big, HINTS)
    assert reads.read == 0  # refused from its size, before reading a byte
    assert err.value.exit_code == ExitCode.INPUT
    assert err.value.en.startswith("chat.txt: The file is 0 MB, over the 0 MB limit")
    assert "DISPUTEKIT_MAX_CHAT_BYTES" in err.value.fix_en
    assert "DISPUTEKIT_MAX_CHAT_BYTES" in err.value.fix_zh


def test_read_capped_reads_at_most_one_byte_past_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grows = tmp_path / "grows.txt"
    grows.write_bytes(b"x" * 10_000)
    real_stat = Path.stat
    monkeypatch.setattr(  # the file "grew" after stat: the read itself must stop
        Path, "stat",
        lambda self, **kw: _Small(real_stat(self, **kw)) if self == grows else real_stat(self,
                                                                                        **kw))
    reads = CountingReads(monkeypatch)
    assert limits.read_capped(grows, 100) is None
    assert reads.read == 101
    assert limits.read_capped(grows, 20_000) == b"x" * 10_000


class _Small:
    def __init__(self, real: Any) -> None:
        self.st_size, self.st_mode = 10, real.st_mode


def test_tracking_over_its_cap_is_refused_without_being_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracking_formats, "MAX_BYTES", 500)
    big = tmp_path / "tracking.json"
    big.write_bytes(b'{"nu": "1", "data": []' + b" " * 5000 + b"}")
    reads = CountingReads(monkeypatch)
    with pytest.raises(InputFileError) as err:
        read_tracking(big, HINTS)
    assert reads.read == 0
    assert "more than the 500-byte limit" in err.value.en
    assert "超过上限 500 字节" in err.value.zh


# --------------------------------------------------------------------------- long messages


def test_a_long_message_is_cut_marked_flagged_and_warned(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MESSAGE_CHARS", 10)
    text = HEAD + "一二三四五六七八九十甲乙丙\n旗舰店 2025-4-20 10:03:00\n好的\n"
    facts = parse_chat(text.encode())
    cut, whole = facts.messages
    assert cut.text == "一二三四五六七八九十\n" + mark(13)
    assert cut.truncated is True
    assert (whole.text, whole.truncated) == ("好的", False)
    assert facts.warnings == [
        "1 条消息过长，已截断到 10 字并在末尾注明（第 1 条）。 / "
        "1 message(s) too long, cut to 10 characters and marked at the end (message 1)."
    ]
    assert "已截断" in mark(13) and "cut" in mark(13) and "13" in mark(13)


def test_a_long_multi_line_message_stops_growing_but_counts_everything(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_MESSAGE_CHARS", 10)
    body = "\n".join(["abcd"] * 1000)  # 4,999 characters
    facts = parse_chat((HEAD + body + "\n\n\n").encode())
    only = facts.messages[0]
    assert only.text == "abcd\nabcd\n" .rstrip() + "\n" + mark(4999)
    assert only.truncated


def test_long_lines_are_cut_before_they_are_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_LINE_CHARS", 30)  # a header line is 24 characters
    monkeypatch.setattr(limits, "MAX_MESSAGE_CHARS", 6)
    facts = parse_chat((HEAD + "y" * 50_000 + "\n").encode())
    assert facts.messages[0].text == "yyyyyy\n" + mark(50_000)  # the true length, never read


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_long_messages_are_cut_in_every_format(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_MESSAGE_CHARS", 4)
    facts = parse_chat(_table(fmt, [("2025-4-20 10:02:03", "买家小王", "abcdefgh")]))
    assert facts.messages[0].text == "abcd\n" + mark(8)
    assert facts.messages[0].truncated


def test_xlsx_cell_cut_while_read_keeps_its_true_length(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat_table, "MAX_CELL_CHARS", 6)
    monkeypatch.setattr(limits, "MAX_MESSAGE_CHARS", 3)
    facts = parse_chat(_table("xlsx", [("2025-4-20 10:02:03", "买家小王", "z" * 40)]))
    assert facts.messages[0].text == "zzz\n" + mark(40)


def test_a_long_system_line_is_cut_and_marked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_MESSAGE_CHARS", 8)
    facts = parse_chat((HEAD + "在吗\n系统提示：" + "x" * 20 + "\n").encode())
    assert [e.text for e in facts.events] == ["系统提示：xxx" + mark(25)]


def test_a_long_sender_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_SENDER_CHARS", 5)
    facts = parse_chat(("名" * 30 + " 2025-4-20 10:02:03\n在吗\n").encode())
    assert (facts.messages[0].sender, facts.messages[0].truncated) == ("名" * 5 + "…", True)


def test_facts_without_the_truncated_field_still_load() -> None:
    old = {"index": 1, "time": None, "sender": "a", "role": "buyer", "text": "x",
           "recalled": False, "transferred": False, "read_status": None}
    assert Message.model_validate(old).truncated is False
    assert ChatFacts.model_validate({"format": "qianniu-text", "encoding": "utf-8",
                                     "participants": [], "messages": [old]}).messages[0].text


# --------------------------------------------------------------------------- entry counts


@pytest.mark.parametrize("fmt", ["text", "csv", "json", "xlsx"])
def test_too_many_messages_is_refused_in_every_format(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_CHAT_ENTRIES", 3)
    rows = [("2025-4-20 10:02:03", "买家小王", f"第{i}条") for i in range(4)]
    with pytest.raises(InputFileError) as err:
        parse_chat(_table(fmt, rows), name="chat")
    assert err.value.exit_code == ExitCode.INPUT
    assert err.value.en == "chat: The chat has more than 3 messages and notices, over the limit."
    assert err.value.zh == "chat：聊天记录超过 3 条消息和系统提示，超出上限。"
    assert len(parse_chat(_table(fmt, rows[:3])).messages) == 3


def test_system_lines_count_towards_the_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CHAT_ENTRIES", 5)
    with pytest.raises(InputFileError, match="more than 5 messages and notices"):
        parse_chat((HEAD + "在吗\n" + "会话已结束\n" * 10).encode())


def test_too_many_lines_is_refused_while_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CHAT_LINES", 100)
    with pytest.raises(InputFileError) as err:
        parse_chat((HEAD + "在吗\n" + "\n" * 200).encode(), name="chat.txt")
    assert err.value.en == "chat.txt: The chat has more than 100 lines, over the limit."
    assert err.value.zh == "chat.txt：聊天记录超过 100 行，超出上限。"
    assert len(split_lines("\n" * 99)) == 100
    with pytest.raises(InputFileError):
        split_lines("\n" * 100)  # refused before splitting
    assert len(parse_chat((HEAD + "在吗\n" + "\n" * 90).encode()).messages) == 1


def test_stray_lines_keep_only_a_few_numbers() -> None:
    facts = parse_chat(("杂项\n" * 50_000 + HEAD + "在吗\n").encode())
    assert facts.warnings == [
        "50000 行在第一条消息之前，不属于任何消息，已忽略（第 1、2、3、4、5… 行）。 / "
        "50000 line(s) before the first message belong to no message and were ignored "
        "(line 1, 2, 3, 4, 5…)."
    ]


# --------------------------------------------------------------------------- overrides


def test_limits_can_be_raised_or_lowered_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = [("2025-4-20 10:02:03", "买家小王", "在吗")] * 3
    monkeypatch.setenv("DISPUTEKIT_MAX_CHAT_ENTRIES", "2")
    with pytest.raises(InputFileError, match="more than 2 messages"):
        parse_chat(_table("text", rows))
    monkeypatch.setattr(limits, "MAX_CHAT_ENTRIES", 1)
    monkeypatch.setenv("DISPUTEKIT_MAX_CHAT_ENTRIES", "3")
    assert len(parse_chat(_table("text", rows)).messages) == 3


@pytest.mark.parametrize("bad", ["abc", "-5", "0", "1e9"])
def test_a_bad_override_is_a_usage_error(bad: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTEKIT_MAX_MESSAGE_CHARS", bad)
    with pytest.raises(UsageError) as err:
        parse_chat((HEAD + "在吗\n").encode())
    assert err.value.exit_code == ExitCode.USAGE
    assert "DISPUTEKIT_MAX_MESSAGE_CHARS" in err.value.en
    assert "DISPUTEKIT_MAX_MESSAGE_CHARS" in err.value.zh


def test_only_listed_limits_are_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTEKIT_MAX_SENDER_CHARS", "5000")
    assert limits.value("MAX_SENDER_CHARS") == limits.MAX_SENDER_CHARS
    assert set(limits.OVERRIDABLE) <= set(dir(limits))


# --------------------------------------------------------------------------- XLSX


def test_xlsx_declared_size_is_checked_before_inflating(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISPUTEKIT_MAX_XLSX_UNPACKED", "2000")
    data = _table("xlsx", [("2025-4-20 10:02:03", "买家小王", "a" * 5000)])
    with pytest.raises(InputFileError) as err:
        parse_chat(data)
    assert err.value.en.startswith("The XLSX unpacks to 0 MB, over the 0 MB limit.")
    assert "(counted while inflating)" not in err.value.en


def test_xlsx_with_a_lying_size_does_not_inflate_past_it() -> None:
    """The central directory says the sheet is 200 bytes; it inflates to 100 KB. zipfile stops
    at the declared size (and fails the CRC), so the lie costs nothing and is an error."""
    data = _lying_sizes(_table("xlsx", [("2025-4-20 10:02:03", "买家小王", "a" * 100_000)]))
    with pytest.raises(InputFileError) as err:
        parse_chat(data)
    assert err.value.exit_code == ExitCode.INPUT
    assert err.value.en.startswith("Cannot read the XLSX workbook: it is damaged")


def test_xlsx_inflated_bytes_are_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a zip inflate past what it declares, the counted bytes still stop it: here the
    listing the declared-size check sums says 1 byte per part, the parts inflate for real."""
    real_infolist = zipfile.ZipFile.infolist

    def declared_tiny(self: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
        infos = [copy.copy(info) for info in real_infolist(self)]
        for info in infos:
            info.file_size = 1
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", declared_tiny)
    monkeypatch.setenv("DISPUTEKIT_MAX_XLSX_UNPACKED", "3000")
    data = _table("xlsx", [("2025-4-20 10:02:03", "买家小王", "a" * 50_000)])
    with pytest.raises(InputFileError) as err:
        parse_chat(data)
    assert "MB (counted while inflating), over the 0 MB limit." in err.value.en
    assert "（解压时实测）" in err.value.zh


def test_xlsx_cells_are_counted_while_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XLSX_CELLS", 10)
    rows = [("2025-4-20 10:02:03", "买家小王", "在吗")] * 4  # 3 header + 12 cells
    with pytest.raises(InputFileError) as err:
        parse_chat(_table("xlsx", rows))
    assert err.value.en == "The XLSX sheet has more than 10 cells, over the limit."
    assert err.value.zh == "XLSX 工作表超过 10 个单元格，超出上限。"
    assert "DISPUTEKIT_MAX_XLSX_CELLS" in err.value.fix_en


def test_xlsx_wide_rows_keep_only_the_first_columns() -> None:
    cells = "".join(f'<c t="inlineStr"><is><t>x{i}</t></is></c>' for i in range(5000))
    sheet = (_SHEET_HEAD + '<row r="2"><c t="inlineStr"><is><t>2025-4-20 10:02:03</t></is></c>'
             '<c t="inlineStr"><is><t>买家小王</t></is></c><c t="inlineStr"><is><t>在吗</t></is>'
             f"</c>{cells}</row></sheetData></worksheet>")
    facts = parse_chat(_workbook(sheet))
    assert [(m.sender, m.text) for m in facts.messages] == [("买家小王", "在吗")]


def test_xlsx_with_a_doctype_is_refused() -> None:
    sheet = ('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">]>'
             + _SHEET_HEAD.split("?>", 1)[1] + "</sheetData></worksheet>")
    with pytest.raises(InputFileError) as err:
        parse_chat(_workbook(sheet))
    assert err.value.en.startswith("Cannot read the XLSX workbook: it is damaged")


def test_xlsx_shared_strings_rich_text_and_phonetics() -> None:
    shared = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              "<si><t>时间</t></si><si><t>发送人</t></si><si><t>内容</t></si>"
              "<si><r><t>亲，</t></r><r><t>在的</t></r><rPh><t>しん</t></rPh></si></sst>")
    sheet = (_SHEET_HEAD.replace('t="inlineStr"><is><t>时间</t></is>', 't="s"><v>0</v>')
             .replace('t="inlineStr"><is><t>发送人</t></is>', 't="s"><v>1</v>')
             .replace('t="inlineStr"><is><t>内容</t></is>', 't="s"><v>2</v>')
             + '<row r="2"><c r="A2"><v>45767.5</v></c><c r="B2" t="inlineStr"><is><t>旗舰店'
             '</t></is></c><c r="C2" t="s"><v>3</v></c></row></sheetData></worksheet>')
    facts = parse_chat(_workbook(sheet, shared), seller="旗舰店")
    only = facts.messages[0]
    assert (only.sender, only.text, only.time and only.time.hour) == ("旗舰店", "亲，在的", 12)


def test_xlsx_without_a_workbook_part_reads_its_first_sheet() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + (
            '<row><c t="inlineStr"><is><t>2025-4-20 10:02:03</t></is></c><c t="inlineStr"><is>'
            "<t>买家小王</t></is></c><c t=\"inlineStr\"><is><t>在吗</t></is></c></row>"
            "</sheetData></worksheet>"))
    facts = parse_chat(out.getvalue())
    assert [(m.sender, m.text) for m in facts.messages] == [("买家小王", "在吗")]


# --------------------------------------------------------------------------- through the CLI


def test_add_refuses_an_oversized_chat_and_leaves_the_case_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    made = runner.invoke(cli, ["--lang", "en", "init", "CASE", "--order-id", "1", "--refund-id",
                               "2", "--buyer", "买家小王", "--seller", "旗舰店", "--amount", "12",
                               "--requested-at", "2025-04-20 10:02", "--now",
                               "2025-04-21T09:00+08:00"])
    assert made.exit_code == 0, made.output
    chat_file = tmp_path / "chat.txt"
    chat_file.write_bytes((HEAD + "在吗\n").encode() * 200)
    before = tree_snapshot(tmp_path / "CASE")
    original = chat_file.read_bytes()
    monkeypatch.setenv("DISPUTEKIT_MAX_CHAT_BYTES", "1024")
    for lang, expected in (("en", "over the 0 MB limit for chat exports"),
                           ("zh", "超过聊天记录上限 0 MB")):
        result = runner.invoke(cli, ["--lang", lang, "add", "CASE", str(chat_file), "--now",
                                     "2025-04-21T09:00+08:00"])
        assert result.exit_code == ExitCode.INPUT, result.output
        assert expected in result.output
    assert tree_snapshot(tmp_path / "CASE") == before
    assert chat_file.read_bytes() == original


def test_a_one_megabyte_line_is_cut_with_default_limits() -> None:
    """The one realistic size: a 1 MB single-line message (the red team's) becomes a cut,
    marked message of ``MAX_MESSAGE_CHARS`` with the default limits."""
    facts = parse_chat((HEAD + "啊" * 1_000_000 + "\n").encode("utf-8"))
    only = facts.messages[0]
    assert only.truncated
    assert only.text == "啊" * limits.MAX_MESSAGE_CHARS + "\n" + mark(1_000_000)


# --------------------------------------------------------------------------- helpers

_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c t="inlineStr"><is><t>时间</t></is></c><c t="inlineStr"><is><t>发送人</t></is>'
    '</c><c t="inlineStr"><is><t>内容</t></is></c></row>'
)


def _workbook(sheet: str, shared: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", (
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
    return out.getvalue()


def _table(fmt: str, rows: list[tuple[str, str, str]]) -> bytes:
    if fmt == "text":
        return "".join(f"{who} {when}\n{text}\n" for when, who, text in rows).encode()
    if fmt == "csv":
        return ("时间,发送人,内容\n" + "".join(f"{w},{s},{t}\n" for w, s, t in rows)).encode()
    if fmt == "json":
        return json.dumps({"format": "disputekit-chat/1", "messages": [
            {"time": "2025-04-20T10:02:03", "sender": s, "text": t} for _, s, t in rows]},
            ensure_ascii=False).encode()
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["时间", "发送人", "内容"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _lying_sizes(data: bytes) -> bytes:
    """Rewrite the sheet's uncompressed size to 200 bytes in its local and central headers."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size.to_bytes(4, "little")
    patched = bytearray(data)
    for offset in (info.header_offset + 22, _central_offset(data, info.filename) + 24):
        assert patched[offset : offset + 4] == real
        patched[offset : offset + 4] = (200).to_bytes(4, "little")
    return bytes(patched)


def _central_offset(data: bytes, name: str) -> int:
    return data.rindex(b"PK\x01\x02", 0, data.rindex(name.encode()) + 1)
