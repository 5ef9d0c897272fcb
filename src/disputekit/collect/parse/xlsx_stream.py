"""Read the first worksheet of an XLSX workbook as rows of cell values, with bounded work.

openpyxl holds a workbook's shared strings whole, builds every cell of a row however many
there are and every character of a cell however long, so a 1.2 MB workbook inflating to
500 MB took minutes and gigabytes. This reader streams instead:

- the sizes the zip's central directory declares must add up to at most ``MAX_XLSX_UNPACKED``,
  and the bytes are counted again while each part inflates (Python's zipfile also stops at the
  declared size and then fails the CRC check, so a lying header cannot inflate more);
- the XML is fed to expat in 64 KB pieces; a DOCTYPE (never in a workbook; the door to entity
  expansion) is refused;
- every cell and shared string counts towards ``MAX_XLSX_CELLS``; a cell keeps at most
  ``max_chars`` characters (its full length is still counted); columns past ``max_columns``
  are skipped as they are read.

Values: shared and inline strings, formula string results (``t="str"``) and errors as text;
booleans as ``bool``; numbers as ``int``/``float``; formulas are never evaluated (a formula
cell without a cached value is ``None``). Number formats are not read: a date cell is its
Excel serial number (``chat_table.to_time`` converts serials), as in a CSV saved from Excel.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from disputekit.collect.parse import limits
from disputekit.errors import InputFileError

CHUNK = 64 * 1024
_LOCAL: dict[str, str] = {}
"""Element name as written (``c``, ``x:c``) → local name; names are few, so this stays small
(capped: a hostile part could invent names)."""


class XlsxDamaged(Exception):
    """The workbook's structure is not what an XLSX holds (caller turns it into its error)."""


@dataclass(slots=True)
class Cell:
    """A cell's text as read (cut) and its full length in characters."""

    value: Any
    length: int = 0


@dataclass
class _Budget:
    """Inflated bytes and cells so far, against their caps."""

    max_bytes: int
    max_cells: int
    bytes: int = 0
    cells: int = 0

    def inflated(self, n: int) -> None:
        self.bytes += n
        if self.bytes > self.max_bytes:
            raise unpacked_too_big(self.bytes, self.max_bytes, counted=True)

    def cell(self) -> None:
        self.cells += 1
        if self.cells > self.max_cells:
            raise too_many_cells(self.max_cells)


def first_sheet_rows(
    data: bytes, *, max_columns: int, max_chars: int, max_unpacked: int
) -> Iterator[tuple[int, list[Cell | None]]]:
    """``(row number, cells)`` for each non-empty ``<row>`` of the first worksheet, cells by
    column (``None`` where a column has no cell), at most ``max_columns`` of them."""
    budget = _Budget(max_unpacked, limits.value("MAX_XLSX_CELLS"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        declared = sum(info.file_size for info in archive.infolist())
        if declared > max_unpacked:
            raise unpacked_too_big(declared, max_unpacked, counted=False)
        sheet, shared_path = _locate(archive, budget)
        shared = _shared_strings(archive, shared_path, budget, max_chars)
        reader = _SheetReader(shared, budget, max_columns, max_chars)
        yield from _stream(archive, sheet, budget, reader)


def _stream(
    archive: zipfile.ZipFile, name: str, budget: _Budget, reader: _SheetReader
) -> Iterator[tuple[int, list[Cell | None]]]:
    parser = _parser(reader.start, reader.end, reader.text)
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            budget.inflated(len(chunk))
            parser.Parse(chunk, False)
            if reader.rows:
                yield from reader.rows
                reader.rows = []
        parser.Parse(b"", True)
    yield from reader.rows


def _parser(
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None],
    text: Callable[[str], None] | None,
) -> Any:
    parser = expat.ParserCreate()  # prefixes are stripped by _local, faster than namespaces
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _refuse_doctype(*_: object) -> None:
    raise XlsxDamaged("DOCTYPE in a workbook part")


def _local(name: str) -> str:
    local = _LOCAL.get(name)
    if local is None:
        local = name.rpartition(":")[2]
        if len(_LOCAL) < 1000:
            _LOCAL[name] = local
    return local


def _read_part(archive: zipfile.ZipFile, name: str, budget: _Budget, handler: Any) -> None:
    """Stream one part through ``handler`` (an object with ``start``/``end``/``text``)."""
    parser = _parser(handler.start, handler.end, getattr(handler, "text", None))
    with archive.open(name) as part:
        while chunk := part.read(CHUNK):
            budget.inflated(len(chunk))
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


# --------------------------------------------------------------------------- workbook, rels


@dataclass
class _FirstSheet:
    rel_id: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.rel_id is None and _local(name) == "sheet":
            self.rel_id = attrs.get("r:id") or next(
                (v for k, v in attrs.items() if k.endswith(":id")), ""
            )

    def end(self, name: str) -> None:
        return None


@dataclass
class _Rels:
    targets: dict[str, tuple[str, str]] = field(default_factory=dict)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if _local(name) == "Relationship" and len(self.targets) < 10_000:
            self.targets[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    def end(self, name: str) -> None:
        return None


def _locate(archive: zipfile.ZipFile, budget: _Budget) -> tuple[str, str | None]:
    """(first worksheet part, shared strings part or None), from workbook.xml and its rels."""
    names = set(archive.namelist())
    first = _FirstSheet()
    if "xl/workbook.xml" in names:  # else: the first worksheet part by name, below
        _read_part(archive, "xl/workbook.xml", budget, first)
    rels = _Rels()
    if "xl/_rels/workbook.xml.rels" in names:
        _read_part(archive, "xl/_rels/workbook.xml.rels", budget, rels)
    sheet = _target(rels.targets.get(first.rel_id or "", ("", ""))[1])
    if sheet not in names:
        sheets = sorted(n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        if not sheets:
            raise XlsxDamaged("no worksheet")
        sheet = sheets[0]
    shared = next((_target(t) for kind, t in rels.targets.values()
                   if kind.endswith("/sharedStrings")), "xl/sharedStrings.xml")
    return sheet, shared if shared in names else None


def _target(target: str) -> str:
    if not target:
        return ""
    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return posixpath.normpath(path)


# --------------------------------------------------------------------------- shared strings


class _SharedStrings:
    """``<si>`` items: the text of their ``<t>`` elements (runs included, phonetic runs not)."""

    def __init__(self, budget: _Budget, max_chars: int) -> None:
        self.budget, self.max_chars = budget, max_chars
        self.items: list[Cell] = []
        self.parts: list[str] = []
        self.kept = self.length = 0
        self.in_t = False
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            self.budget.cell()
            self.parts, self.kept, self.length = [], 0, 0
        elif local == "t":
            self.in_t = True
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "si":
            self.items.append(Cell("".join(self.parts), self.length))
        elif local == "t":
            self.in_t = False
        elif local == "rPh":
            self.phonetic -= 1

    def text(self, data: str) -> None:
        if self.in_t and not self.phonetic:
            self.length += len(data)
            room = self.max_chars - self.kept
            if room > 0:
                self.parts.append(data[:room])
                self.kept += min(room, len(data))


def _shared_strings(
    archive: zipfile.ZipFile, name: str | None, budget: _Budget, max_chars: int
) -> list[Cell]:
    if name is None:
        return []
    reader = _SharedStrings(budget, max_chars)
    _read_part(archive, name, budget, reader)
    return reader.items


# --------------------------------------------------------------------------- the sheet


class _SheetReader:
    """``<row>``/``<c>`` elements into rows of :class:`Cell` (see the module docstring)."""

    def __init__(
        self, shared: list[Cell], budget: _Budget, max_columns: int, max_chars: int
    ) -> None:
        self.shared, self.budget = shared, budget
        self.max_columns, self.max_chars = max_columns, max_chars
        self.rows: list[tuple[int, list[Cell | None]]] = []
        self.row: list[Cell | None] | None = None
        self.row_number = 0
        self.column = -1
        self.cell_type = ""
        self.keep = False
        self.capture = False
        self.phonetic = 0
        self.parts: list[str] = []
        self.kept = self.length = 0
        self.got_value = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c" and self.row is not None:
            self.budget.cell()
            self.column = _column(attrs.get("r"), self.column + 1)
            self.cell_type = attrs.get("t", "n")
            self.keep = self.column < self.max_columns
            self.parts, self.kept, self.length = [], 0, 0
            self.got_value = False
        elif local == "row":
            self.row = []
            self.row_number = _row_number(attrs.get("r"), self.row_number + 1)
            self.column = -1
        elif local in ("v", "t") and self.keep:
            self.capture = True
            self.got_value = True
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = _local(name)
        if local in ("v", "t"):
            self.capture = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c" and self.row is not None and self.keep:
            value = self._value() if self.got_value else None
            if value is not None:
                self.row.extend([None] * (self.column - len(self.row)))
                self.row.append(value)
            self.keep = False
        elif local == "row" and self.row is not None:
            if self.row:
                self.rows.append((self.row_number, self.row))
            self.row = None

    def text(self, data: str) -> None:
        if self.capture and not self.phonetic:
            self.length += len(data)
            room = self.max_chars - self.kept
            if room > 0:
                self.parts.append(data[:room])
                self.kept += min(room, len(data))

    def _value(self) -> Cell | None:
        raw = "".join(self.parts)
        kind = self.cell_type
        if kind == "s":
            try:
                return self.shared[int(raw)]
            except (ValueError, IndexError):
                raise XlsxDamaged(f"shared string {raw[:20]!r} does not exist") from None
        if kind in ("inlineStr", "str", "e", "d"):
            return Cell(raw, self.length)
        if kind == "b":
            return Cell(raw.strip() in ("1", "true"), 1)
        if not raw.strip():
            return None
        return Cell(_number(raw), len(raw))


def _number(raw: str) -> int | float | str:
    text = raw.strip()
    try:
        return float(text) if any(c in text for c in ".eE") else int(text)
    except ValueError:
        return raw


def _column(ref: str | None, default: int) -> int:
    """``"BC12"`` → 54 (0-based); ``default`` when there is no reference."""
    if not ref:
        return default
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            index = index * 26 + ord(char) - 96
        else:
            break
        if index > 1_000_000:
            break
    return index - 1 if index else default


def _row_number(ref: str | None, default: int) -> int:
    if ref and ref.isdigit() and len(ref) < 10:
        return int(ref)
    return default


def unpacked_too_big(size: int, cap: int, *, counted: bool) -> InputFileError:
    how_zh = "（解压时实测）" if counted else ""
    how_en = " (counted while inflating)" if counted else ""
    return InputFileError(
        f"XLSX 解压后有 {size // 2**20} MB{how_zh}，超过上限 {cap // 2**20} MB。",
        f"The XLSX unpacks to {size // 2**20} MB{how_en}, over the {cap // 2**20} MB limit.",
        fix_zh="请只导出有争议的那段聊天，或另存为 CSV；确需更大时可设置环境变量 "
        "DISPUTEKIT_MAX_XLSX_UNPACKED（字节数）。",
        fix_en="Export only the disputed conversation, or save it as CSV; if you really need "
        "more, set the environment variable DISPUTEKIT_MAX_XLSX_UNPACKED (in bytes).",
    )


def too_many_cells(cap: int) -> InputFileError:
    return InputFileError(
        f"XLSX 工作表超过 {cap:,} 个单元格，超出上限。",
        f"The XLSX sheet has more than {cap:,} cells, over the limit.",
        fix_zh="请只导出有争议的那段聊天，并删除无关的列；确需更多时可设置环境变量 "
        "DISPUTEKIT_MAX_XLSX_CELLS。",
        fix_en="Export only the disputed conversation and delete unrelated columns; if you "
        "really need more, set the environment variable DISPUTEKIT_MAX_XLSX_CELLS.",
    )
