"""CSV and XLSX chat tables: header matching, time cells, formulas never evaluated, limits."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse import chat_table
from disputekit.collect.parse.chat import parse_chat
from disputekit.collect.parse.chat_table import csv_delimiter, match_header, to_time
from disputekit.errors import InputFileError
from disputekit.models.facts import ChatFacts, Role

BUYER, SELLER = "买家小王", "旗舰店"


def at(h: int, m: int, s: int = 0) -> datetime:
    return datetime(2025, 4, 20, h, m, s, tzinfo=CHINA_TZ)


def rows(facts: ChatFacts) -> list[tuple[datetime | None, str, str]]:
    return [(m.time, m.sender, m.text) for m in facts.messages]


def xlsx(*sheet_rows: list[object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # openpyxl's typing: a new workbook always has one sheet
    for row in sheet_rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ZH_CSV = (
    "时间,发送人,接收人,内容\n"
    "2025-04-20 10:02:03,买家小王,旗舰店,在吗\n"
    '2025/4/20 10:03,旗舰店:客服A,买家小王,"亲，在的\n请问有什么可以帮您"\n'
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_chinese_csv(encoding: str) -> None:
    facts = parse_chat(ZH_CSV.encode(encoding), buyer=BUYER, seller=SELLER)
    assert facts.format == "csv"
    assert facts.channel == "unknown"
    assert rows(facts) == [
        (at(10, 2, 3), "买家小王", "在吗"),
        (at(10, 3), "旗舰店:客服A", "亲，在的\n请问有什么可以帮您"),
    ]
    assert [m.role for m in facts.messages] == [Role.BUYER, Role.SELLER]


def test_english_tab_separated_with_offsets_and_other_columns() -> None:
    text = (
        "id\tMessage\tFrom\tTime\n"
        "1\thi 😀\tbuyer_wang\t2025-04-20T02:02:03Z\n"
        "2\thttps://x.cn/a?b=1\tshop\t2025-04-20T10:03:00+08:00\n"
    )
    facts = parse_chat(text.encode())
    assert facts.format == "tsv"
    assert rows(facts) == [
        (at(10, 2, 3), "buyer_wang", "hi 😀"),
        (at(10, 3), "shop", "https://x.cn/a?b=1"),
    ]


@pytest.mark.parametrize(
    "header",
    ["发送时间,发送者,消息内容", "time,sender,text", "Time,From,Content", "时间,from,message"],
)
def test_header_aliases(header: str) -> None:
    facts = parse_chat(f"{header}\n2025-4-20 10:02:03,a,b\n".encode())
    assert rows(facts) == [(at(10, 2, 3), "a", "b")]


def test_match_header_needs_time_sender_and_content() -> None:
    assert match_header(["时间", "发送人", "内容"]) == {"time": 0, "sender": 1, "text": 2}
    assert match_header(["时间", "内容"]) is None
    assert csv_delimiter("时间;发送人;内容") is None
    assert csv_delimiter("时间\t发送人\t内容") == "\t"


def test_crlf_csv() -> None:
    facts = parse_chat(ZH_CSV.replace("\n", "\r\n").encode("gbk"))
    assert facts.messages[1].text == "亲，在的\n请问有什么可以帮您"


def test_blank_rows_skipped_and_bad_time_warned() -> None:
    text = "时间,发送人,内容\n\n,,\n昨天,a,b\n2025-4-20 10:02:03,a,c\n"
    facts = parse_chat(text.encode())
    assert rows(facts) == [(None, "a", "b"), (at(10, 2, 3), "a", "c")]
    assert facts.warnings == [
        "1 行的时间无法识别，已留空（第 4 行）。 / "
        "1 row(s) have a time that cannot be read; left empty (row 4)."
    ]


def test_xlsx_with_datetime_cells_strings_and_formula() -> None:
    data = xlsx(
        ["聊天记录导出"],
        [],
        ["时间", "发送人", "接收人", "内容"],
        [datetime(2025, 4, 20, 10, 2, 3), "买家小王", "旗舰店", "在吗"],
        ["2025年4月20日 10:03:00", "旗舰店：客服A", "买家小王", "=1+1"],
        [date(2025, 4, 20), "买家小王", None, 12.0],
        [45767.5, "买家小王", None, "serial"],
    )
    facts = parse_chat(data, buyer=BUYER, seller=SELLER)
    assert (facts.format, facts.encoding, facts.channel) == ("xlsx", "utf-8", "unknown")
    assert rows(facts) == [
        (at(10, 2, 3), "买家小王", "在吗"),
        (at(10, 3), "旗舰店：客服A", ""),  # formula without a stored value: not evaluated
        (at(0, 0), "买家小王", "12"),
        (datetime(2025, 4, 20, 12, 0, tzinfo=CHINA_TZ), "买家小王", "serial"),
    ]
    assert [m.role for m in facts.messages] == [Role.BUYER, Role.SELLER, Role.BUYER, Role.BUYER]


def test_xlsx_formula_is_not_evaluated_even_to_its_text() -> None:
    data = xlsx(["时间", "发送人", "内容"], ["2025-4-20 10:02:03", "a", '=CONCAT("x","y")'])
    text = parse_chat(data).messages[0].text
    assert text == ""
    assert "CONCAT" not in text and text != "xy"


def test_xlsx_without_header() -> None:
    data = xlsx(["a", "b", "c"], ["2025-4-20 10:02:03", "x", "y"])
    with pytest.raises(InputFileError) as err:
        parse_chat(data, name="chat.xlsx")
    assert (
        err.value.zh == "chat.xlsx：XLSX 聊天记录中没有找到表头行（需要时间、发送人、内容三列）。"
    )
    assert err.value.en == (
        "chat.xlsx: No header row found in the XLSX chat (it needs time, sender and content "
        "columns)."
    )
    assert err.value.fix_en == "Put column names in the first row, e.g. time, sender, content."


def test_xlsx_header_only_has_no_messages() -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(xlsx(["时间", "发送人", "内容"]))
    assert err.value.en == "No recognisable chat message found."


def test_damaged_xlsx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-a-workbook")
    with pytest.raises(InputFileError) as err:
        parse_chat(buffer.getvalue())
    assert err.value.en.startswith("Cannot read the XLSX workbook: it is damaged or not Excel (")
    assert err.value.fix_zh == "请用 Excel 或 WPS 打开后重新另存为 .xlsx 或 CSV。"


def test_row_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat_table, "MAX_ROWS", 2)
    text = "时间,发送人,内容\n" + "2025-4-20 10:02:03,a,b\n" * 3
    with pytest.raises(InputFileError) as err:
        parse_chat(text.encode())
    assert err.value.en == "The chat table has more than 2 rows, over the limit."
    assert err.value.zh == "聊天表格超过 2 行，超出上限。"
    assert (
        len(parse_chat(("时间,发送人,内容\n" + "2025-4-20 10:02:03,a,b\n" * 2).encode()).messages)
        == 2
    )


def test_xlsx_unpacked_size_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat_table, "MAX_XLSX_UNPACKED", 1024)
    data = xlsx(["时间", "发送人", "内容"], ["2025-4-20 10:02:03", "a", "b" * 5000])
    with pytest.raises(InputFileError, match=r"The XLSX unpacks to 0 MB, over the 0 MB limit\."):
        parse_chat(data)


def test_long_cell_is_clipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chat_table, "MAX_CELL_CHARS", 5)
    facts = parse_chat("时间,发送人,内容\n2025-4-20 10:02:03,a,0123456789\n".encode())
    assert facts.messages[0].text == "01234"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 4, 20, 10, 2, 3), at(10, 2, 3)),
        ("2025-04-20 10:02:03", at(10, 2, 3)),
        ("2025/4/20 10:02", at(10, 2)),
        ("2025年4月20日 10:02:03", at(10, 2, 3)),
        ("2025-04-20T10:02:03+08:00", at(10, 2, 3)),
        ("yesterday", None),
        ("2025-13-40 10:00:00", None),
        (None, None),
        (True, None),
    ],
)
def test_to_time(value: object, expected: datetime | None) -> None:
    assert to_time(value) == expected
