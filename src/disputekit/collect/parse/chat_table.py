"""Chat tables: CSV (comma or tab, any encoding ``decode_text`` reads) and XLSX workbooks.

Columns are found by header name (``HEADER_ALIASES``, case-insensitive); their order does not
matter and other columns are ignored. Time, sender and content are required; the receiver is
accepted but not needed. XLSX is streamed by ``xlsx_stream`` with cached values only: formulas
are never evaluated (a formula cell without a stored result reads as empty); its size, cells
and cell lengths are bounded while it inflates (``limits.py``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from typing import Any
from xml.parsers import expat

from disputekit.clock import CHINA_TZ, parse_time
from disputekit.collect.parse import limits
from disputekit.collect.parse.chat_bounds import BoundedRoster
from disputekit.collect.parse.roles import Roster
from disputekit.collect.parse.xlsx_stream import XlsxDamaged, first_sheet_rows
from disputekit.errors import InputFileError

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("时间", "发送时间", "消息时间", "日期时间", "time", "timestamp", "datetime", "date"),
    "sender": ("发送人", "发送者", "发送方", "发言人", "sender", "from"),
    "receiver": ("接收人", "接收者", "接收方", "receiver", "to"),
    "text": ("内容", "消息内容", "聊天内容", "消息", "content", "text", "message", "body"),
}
REQUIRED_COLUMNS = ("time", "sender", "text")
DELIMITERS = (",", "\t")

MAX_ROWS = 1_000_000
"""Rows read after the header (empty ones included); the entries cap usually comes first."""
MAX_COLUMNS = 64
"""Columns looked at; a chat export has 3-6."""
MAX_CELL_CHARS = 100_000
"""Characters kept of one cell while reading (the message limit then cuts the text column)."""
MAX_XLSX_UNPACKED = limits.MAX_XLSX_UNPACKED
"""``limits.MAX_XLSX_UNPACKED`` (overridable with DISPUTEKIT_MAX_XLSX_UNPACKED)."""
HEADER_SEARCH_ROWS = 20
_ALIAS_TO_FIELD = {alias: field for field, names in HEADER_ALIASES.items() for alias in names}
_MAX_ROW_WARNINGS = 5

Columns = dict[str, int]


def match_header(cells: Sequence[object]) -> Columns | None:
    """Column index per field if ``cells`` name every required column, else None."""
    columns: Columns = {}
    for i, cell in enumerate(cells[:MAX_COLUMNS]):
        name = str(cell).strip().strip("\ufeff\"'").strip().casefold() if cell is not None else ""
        field = _ALIAS_TO_FIELD.get(name)
        if field is not None and field not in columns:
            columns[field] = i
    return columns if all(f in columns for f in REQUIRED_COLUMNS) else None


def csv_delimiter(first_line: str) -> str | None:
    """The delimiter that makes ``first_line`` a recognised header row, if any."""
    for delimiter in DELIMITERS:
        if delimiter in first_line and match_header(_split(first_line, delimiter)) is not None:
            return delimiter
    return None


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def parse_csv(text: str, delimiter: str, roster: Roster) -> None:
    """Read the rows of a CSV chat (``text`` starts with the header row) into ``roster``."""
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(rows, [])
        columns = match_header(header)
        if columns is None:
            raise _no_header("CSV")
        _read_rows(((n, row, None) for n, row in enumerate(rows, 2)), columns, roster)
    except csv.Error as exc:
        raise InputFileError(
            f"CSV 聊天记录第 {rows.line_num} 行格式错误：{exc}。",
            f"The CSV chat is malformed at line {rows.line_num}: {exc}.",
            fix_zh="请用表格软件打开并重新另存为 CSV（UTF-8）。",
            fix_en="Open it in a spreadsheet program and save it again as CSV (UTF-8).",
        ) from exc


def is_xlsx(data: bytes) -> bool:
    """A ZIP archive with an ``xl/`` folder (an Excel workbook)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return any(name.startswith("xl/") for name in archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False


def parse_xlsx(data: bytes, roster: Roster) -> None:
    """Read the first worksheet of an XLSX chat into ``roster``, streaming (``xlsx_stream``)."""
    rows = first_sheet_rows(
        data,
        max_columns=MAX_COLUMNS,
        max_chars=MAX_CELL_CHARS,
        max_unpacked=limits.value("MAX_XLSX_UNPACKED", MAX_XLSX_UNPACKED),
    )
    values = (
        (number, [c.value if c else None for c in row], [c.length if c else 0 for c in row])
        for number, row in rows
    )
    try:
        _read_sheet(values, roster)
    except InputFileError:
        raise
    except (XlsxDamaged, expat.ExpatError, zipfile.BadZipFile, KeyError, ValueError, OSError,
            EOFError, NotImplementedError, RuntimeError) as exc:
        raise _bad_xlsx(exc) from exc


Row = tuple[int, Sequence[Any], Sequence[int] | None]
"""(row number, cell values, each cell's full length in characters when it was cut, or None)."""


def _read_sheet(rows: Iterator[Row], roster: Roster) -> None:
    for number, row, _ in rows:
        columns = match_header(row)
        if columns is not None:
            _read_rows(rows, columns, roster)
            return
        if number >= HEADER_SEARCH_ROWS:
            break
    raise _no_header("XLSX")


def _read_rows(rows: Iterable[Row], columns: Columns, roster: Roster) -> None:
    bad_times = _RowNumbers()
    for count, (number, row, lengths) in enumerate(rows):
        if count >= MAX_ROWS:
            raise _too_many_rows()
        if not any(cell not in (None, "") for cell in row[:MAX_COLUMNS]):
            continue
        sender = _cell_text(_cell(row, columns["sender"])).strip()
        raw = _cell(row, columns["text"])
        text = _cell_text(raw)
        if not sender and not text:
            continue
        when = to_time(_cell(row, columns["time"]))
        if when is None and _cell(row, columns["time"]) not in (None, ""):
            bad_times.append(number)
        full = _full_length(raw, lengths, columns["text"])
        text = text.replace("\r\n", "\n")
        if full > len(text) and isinstance(roster, BoundedRoster):
            roster.message(when, sender, text, length=full)
        else:
            roster.message(when, sender, text)
    if bad_times.count:
        _warn_bad_times(roster, bad_times)


def _full_length(raw: Any, lengths: Sequence[int] | None, index: int) -> int:
    """Characters of the text cell before any cut (the reader's count for XLSX)."""
    if lengths is not None and index < len(lengths):
        return lengths[index]
    return len(raw) if isinstance(raw, str) else 0


class _RowNumbers:
    """Row numbers for a warning: the count and the first few only."""

    def __init__(self) -> None:
        self.first: list[int] = []
        self.count = 0

    def append(self, number: int) -> None:
        self.count += 1
        if len(self.first) <= _MAX_ROW_WARNINGS:
            self.first.append(number)


def _cell(row: Sequence[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)[:MAX_CELL_CHARS]


def to_time(value: Any) -> datetime | None:
    """A timezone-aware time from a cell: datetime, date, Excel serial number or text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=CHINA_TZ)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(float(value))
    if isinstance(value, str) and value.strip():
        return _from_text(value)
    return None


def _from_serial(serial: float) -> datetime | None:
    from openpyxl.utils.datetime import from_excel

    try:
        value = from_excel(serial)
    except (ValueError, OverflowError, TypeError):
        return None
    return value.replace(tzinfo=CHINA_TZ) if isinstance(value, datetime) else None


def _from_text(text: str) -> datetime | None:
    cleaned = text.strip()
    for old, new in (("年", "-"), ("月", "-"), ("日", " ")):
        cleaned = cleaned.replace(old, new)
    try:
        return parse_time(" ".join(cleaned.split()))
    except (ValueError, OverflowError, IndexError):
        return None


def _warn_bad_times(roster: Roster, numbers: _RowNumbers) -> None:
    shown = ", ".join(str(n) for n in numbers.first[:_MAX_ROW_WARNINGS])
    more = "…" if numbers.count > _MAX_ROW_WARNINGS else ""
    roster.warn(
        f"{numbers.count} 行的时间无法识别，已留空（第 {shown}{more} 行）。",
        f"{numbers.count} row(s) have a time that cannot be read; left empty "
        f"(row {shown}{more}).",
    )


def header_example() -> tuple[str, str]:
    """The required column names: ("时间、发送人、内容", "time, sender, content")."""
    zh = "、".join(HEADER_ALIASES[field][0] for field in REQUIRED_COLUMNS)
    en = ", ".join(_first_ascii(HEADER_ALIASES[field]) for field in REQUIRED_COLUMNS)
    return zh, en


def _first_ascii(names: tuple[str, ...]) -> str:
    return next(name for name in names if name.isascii())


def _no_header(kind: str) -> InputFileError:
    zh, en = header_example()
    return InputFileError(
        f"{kind} 聊天记录中没有找到表头行（需要时间、发送人、内容三列）。",
        f"No header row found in the {kind} chat (it needs time, sender and content columns).",
        fix_zh=f"请在第一行写上列名，例如：{zh}。",
        fix_en=f"Put column names in the first row, e.g. {en}.",
    )


def _too_many_rows() -> InputFileError:
    return InputFileError(
        f"聊天表格超过 {MAX_ROWS:,} 行，超出上限。",
        f"The chat table has more than {MAX_ROWS:,} rows, over the limit.",
        fix_zh="请只导出有争议的那段聊天。",
        fix_en="Export only the disputed conversation.",
    )


def _bad_xlsx(exc: Exception) -> InputFileError:
    return InputFileError(
        f"无法读取 XLSX 工作簿：文件已损坏或不是 Excel 格式（{type(exc).__name__}）。",
        f"Cannot read the XLSX workbook: it is damaged or not Excel ({type(exc).__name__}).",
        fix_zh="请用 Excel 或 WPS 打开后重新另存为 .xlsx 或 CSV。",
        fix_en="Open it in Excel or WPS and save it again as .xlsx or CSV.",
    )
