"""Readers for tracking records: bytes → RawRecord, for kuaidi100 JSON, disputekit JSON and CSV.

Every problem with the input becomes an ``InputFileError`` naming the file and, where there is
one, the JSON key path (``data[3].time``) or CSV line. Formats: docs/formats-tracking.md.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from disputekit.clock import parse_time
from disputekit.errors import InputFileError

MAX_BYTES = 20 * 1024 * 1024
"""Largest tracking file read. A kuaidi100 response is a few KB; 20 MB leaves room for a long
CSV export and keeps a hostile file from costing more than a moment."""

MAX_EVENTS = 10_000
"""Most events one record may hold. Real parcels have 5–60 scans; 10,000 is far beyond any."""

YEARS = range(1990, 2101)
"""Plausible event years. Anything else is a broken time, and would break deadline arithmetic."""
DISPUTEKIT_FORMAT = "disputekit-tracking/1"
FORMAT_KUAIDI100 = "kuaidi100-json"
FORMAT_CSV = "csv"

_KUAIDI100_KEYS = frozenset(
    {"nu", "com", "state", "ischeck", "data", "message", "status", "returnCode", "result",
     "lastResult", "condition"}
)
_DISPUTEKIT_KEYS = ("format", "courier", "waybill", "events")
_DISPUTEKIT_EVENT_KEYS = ("time", "text", "location")
_OK_MESSAGES = frozenset({"", "ok", "success", "成功", "查询成功"})

CSV_TIME_HEADERS = ("时间", "操作时间", "扫描时间", "发生时间", "更新时间", "日期", "time",
                    "datetime", "timestamp", "ftime", "date")
CSV_TEXT_HEADERS = ("描述", "内容", "物流信息", "物流详情", "轨迹", "轨迹描述", "详情", "跟踪信息",
                    "信息", "description", "context", "text", "details", "detail", "event",
                    "message", "状态", "status")
CSV_LOCATION_HEADERS = ("地点", "位置", "所在地", "所在城市", "城市", "网点", "location", "place",
                        "city", "areaname", "area")

_TYPE_NAMES = {
    str: ("字符串", "a string"), list: ("列表", "a list"), dict: ("对象", "an object"),
    int: ("数字", "a number"), float: ("数字", "a number"), bool: ("布尔值", "a boolean"),
    type(None): ("null", "null"),
}
_JSON_REASONS_ZH = {
    "Expecting ',' delimiter": "缺少逗号",
    "Expecting ':' delimiter": "缺少冒号",
    "Expecting property name enclosed in double quotes": "键名必须用双引号括起",
    "Expecting value": "此处应有一个值",
    "Unterminated string starting at": "字符串没有结束引号",
    "Invalid control character at": "字符串中有控制字符",
    "Extra data": "JSON 结束后还有多余内容",
    "Invalid \\escape": "无效的转义符",
    "Invalid \\uXXXX escape": "无效的 \\u 转义",
}


@dataclass(frozen=True)
class RawEvent:
    time: datetime
    text: str
    location: str | None = None


@dataclass(frozen=True)
class RawRecord:
    """What a reader found, before any interpretation of the text."""

    format: str
    events: tuple[RawEvent, ...]
    courier: str | None = None
    waybill: str | None = None
    state: str | None = None
    ischeck: bool | None = None


@dataclass(frozen=True)
class Subject:
    """The file as named in messages: ``zh`` (物流文件 a.json), ``en``, ``en_cap`` (capitalised)."""

    zh: str
    en: str

    @classmethod
    def of(cls, name: str) -> Subject:
        shown = clip(name, 80)
        if not shown:
            return cls("物流文件", "the tracking file")
        return cls(f"物流文件 {shown}", f"tracking file {shown}")

    @property
    def en_cap(self) -> str:
        return self.en[:1].upper() + self.en[1:]


def clip(value: object, limit: int = 60) -> str:
    """Printable, single-line and at most ``limit`` characters."""
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in str(value))
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error(zh: str, en: str, fix: tuple[str, str] = ("", "")) -> InputFileError:
    return InputFileError(zh, en, fix_zh=fix[0], fix_en=fix[1])


_FIX_EXPORT = (
    "请使用快递100 查询返回的原始 JSON，或按 docs/formats-tracking.md 准备 CSV。",
    "Use the unmodified JSON returned by kuaidi100, or a CSV as described in "
    "docs/formats-tracking.md.",
)
_FIX_ONE_SHIPMENT = ("请只保留这一单的物流记录。", "Keep only this shipment's tracking record.")


# ------------------------------------------------------------------------------ entry point
def read_record(data: bytes, name: str = "") -> RawRecord:
    """Decode and read one tracking file. Raises InputFileError for anything unusable."""
    s = Subject.of(name)
    check_size(data, s)
    text = decode(data, s)
    if looks_like_json(text, name):
        return read_json(load_json(text, s), s)
    return read_csv(text, s)


def check_size(data: bytes, s: Subject) -> None:
    if not data.strip():
        raise _error(
            f"{s.zh} 是空的。", f"{s.en_cap} is empty.",
            ("请重新导出物流记录（快递100 查询结果 JSON 或 CSV）。",
             "Export the tracking record again (kuaidi100 query JSON or CSV)."),
        )
    if len(data) > MAX_BYTES:
        raise too_big(len(data), s)


def too_big(size: int, s: Subject) -> InputFileError:
    """The record is over MAX_BYTES (``read_tracking`` reads no more than that to know it)."""
    return _error(
        f"{s.zh} 有 {size:,} 字节，超过上限 {MAX_BYTES:,} 字节。",
        f"{s.en_cap} is {size:,} bytes, more than the {MAX_BYTES:,}-byte limit.",
        _FIX_ONE_SHIPMENT,
    )


def decode(data: bytes, s: Subject) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    else:
        candidates = ("utf-8", "gb18030")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _error(
        f"{s.zh} 既不是 UTF-8 也不是 GB18030 编码的文本。",
        f"{s.en_cap} is neither UTF-8 nor GB18030 text.",
        ("请另存为 UTF-8 编码的 JSON 或 CSV。", "Save it as UTF-8 JSON or CSV."),
    )


def looks_like_json(text: str, name: str) -> bool:
    return name.lower().endswith((".json", ".jsonc")) or text.lstrip()[:1] in ("{", "[")


# ------------------------------------------------------------------------------ JSON
def load_json(text: str, s: Subject) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise json_error(exc, s) from None
    except RecursionError:
        raise _error(f"{s.zh} 的 JSON 嵌套过深。", f"{s.en_cap} nests JSON too deeply.",
                     _FIX_EXPORT) from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise _error(f"{s.zh} 不是有效的 JSON（{clip(exc)}）。",
                     f"{s.en_cap} is not valid JSON ({clip(exc)}).", _FIX_EXPORT) from None


def json_error(exc: json.JSONDecodeError, s: Subject) -> InputFileError:
    """A message with line and column; comments get their own explanation."""
    where_zh = f"第 {exc.lineno} 行第 {exc.colno} 列"
    where_en = f"line {exc.lineno}, column {exc.colno}"
    if exc.doc[exc.pos : exc.pos + 2] in ("//", "/*"):
        return _error(
            f"{s.zh} 在{where_zh}有注释（// 或 /* */），JSON 不允许注释。",
            f"{s.en_cap} has a comment (// or /* */) at {where_en}; JSON does not allow comments.",
            ("请删除注释，或使用快递100 查询返回的原始 JSON。",
             "Remove the comments, or use the unmodified JSON returned by kuaidi100."),
        )
    reason_zh = _JSON_REASONS_ZH.get(exc.msg, exc.msg)
    return _error(
        f"{s.zh} 不是有效的 JSON：{where_zh}，{reason_zh}。",
        f"{s.en_cap} is not valid JSON: {where_en}: {exc.msg}.",
        ("文件可能被截断或被手工改过，请重新导出快递100 查询结果。",
         "The file may be truncated or hand-edited; export the kuaidi100 query result again."),
    )


def read_json(value: object, s: Subject) -> RawRecord:
    if isinstance(value, dict) and "format" in value:
        return read_disputekit(value, s)
    if isinstance(value, dict) and _KUAIDI100_KEYS & value.keys():
        return read_kuaidi100(value, s)
    raise _error(
        f"{s.zh} 里没有可识别的物流数据（需要快递100 查询结果或 {DISPUTEKIT_FORMAT}）。",
        f"{s.en_cap} holds no recognisable tracking data "
        f"(expected a kuaidi100 query result or {DISPUTEKIT_FORMAT}).",
        _FIX_EXPORT,
    )


def type_error(s: Subject, path: str, want: type, got: object) -> InputFileError:
    want_zh, want_en = _TYPE_NAMES[want]
    got_zh, got_en = _TYPE_NAMES.get(type(got), ("其他类型", "another type"))
    return _error(
        f"{s.zh} 中的 {path} 应为{want_zh}，而不是{got_zh}。",
        f"In {s.en}, {path} must be {want_en}, not {got_en}.",
        _FIX_EXPORT,
    )


def missing_error(s: Subject, path: str) -> InputFileError:
    return _error(f"{s.zh} 缺少 {path}。", f"{s.en_cap} is missing {path}.", _FIX_EXPORT)


def get_str(obj: dict[str, object], key: str, path: str, s: Subject, *,
            required: bool = False, numbers: bool = False) -> str | None:
    """obj[key] as a string (None if absent or null); ``numbers`` also accepts integers."""
    value = obj.get(key)
    if value is None:
        if required:
            raise missing_error(s, path)
        return None
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise type_error(s, path, str, value)
    return value


def get_list(obj: dict[str, object], key: str, path: str, s: Subject) -> list[object]:
    value = obj.get(key)
    if value is None:
        raise missing_error(s, path)
    if not isinstance(value, list):
        raise type_error(s, path, list, value)
    if len(value) > MAX_EVENTS:
        raise _too_many(s, len(value))
    return value


def _too_many(s: Subject, count: int) -> InputFileError:
    return _error(
        f"{s.zh} 有 {count:,} 条以上的轨迹，超过上限 {MAX_EVENTS:,} 条。",
        f"{s.en_cap} has {count:,} or more events, more than the limit of {MAX_EVENTS:,}.",
        _FIX_ONE_SHIPMENT,
    )


def event_time(value: str, where: tuple[str, str], s: Subject) -> datetime:
    """Parse an event time; China Standard Time unless it carries an offset."""
    try:
        return parse_event_time(value)
    except (ValueError, OverflowError):
        raise _error(
            f"{s.zh} 中{where[0]}的时间“{clip(value, 40)}”无法识别。",
            f"In {s.en}, {where[1]} has an unrecognised time \"{clip(value, 40)}\".",
            ("时间应写作 2024-05-01 13:45:00 或 ISO 8601（如 2024-05-01T13:45:00+08:00）。",
             "Write times as 2024-05-01 13:45:00 or ISO 8601 (e.g. 2024-05-01T13:45:00+08:00)."),
        ) from None


def parse_event_time(value: str) -> datetime:
    """ISO 8601, 'YYYY-MM-DD HH:MM[:SS]' or 'YYYY年M月D日 HH:MM', in YEARS. Raises ValueError."""
    text = value.strip()
    if not text or len(text) > 40:
        raise ValueError(f"not a time: {value!r}")
    text = re.sub(r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*", r"\1-\2-\3 ", text).strip()
    when = parse_time(text)
    if when.year not in YEARS:
        raise ValueError(f"year out of range: {value!r}")
    return when


def _nonempty(value: str | None) -> str | None:
    return (value.strip() or None) if value is not None else None


# ------------------------------------------------------------------------------ kuaidi100
def read_kuaidi100(obj: dict[str, object], s: Subject) -> RawRecord:
    """A kuaidi100 query response, or a push callback whose result is under ``lastResult``."""
    prefix = ""
    if "lastResult" in obj:
        inner = obj["lastResult"]
        if not isinstance(inner, dict):
            raise type_error(s, "lastResult", dict, inner)
        obj, prefix = inner, "lastResult."
    failure = query_failure(obj)
    if failure is not None:
        raise _query_failed(s, failure)
    items = get_list(obj, "data", f"{prefix}data", s)
    events = tuple(_kuaidi100_event(item, f"{prefix}data[{i}]", s) for i, item in enumerate(items))
    message = clip(obj.get("message") or "", 120)
    if not events and message.lower() not in _OK_MESSAGES:
        raise _query_failed(s, message)
    ischeck = get_str(obj, "ischeck", f"{prefix}ischeck", s, numbers=True)
    return RawRecord(
        format=FORMAT_KUAIDI100,
        events=events,
        courier=_nonempty(get_str(obj, "com", f"{prefix}com", s)),
        waybill=_nonempty(get_str(obj, "nu", f"{prefix}nu", s, numbers=True)),
        state=_nonempty(get_str(obj, "state", f"{prefix}state", s, numbers=True)),
        ischeck=None if ischeck is None else ischeck.strip() == "1",
    )


def query_failure(obj: dict[str, object]) -> str | None:
    """Why a kuaidi100 response reports a failed query (``result``/``returnCode``/``status``)."""
    message = clip(obj.get("message") or "", 120)
    if obj.get("result") is False:
        return message or "result=false"
    for key in ("returnCode", "status"):
        code = obj.get(key)
        if code is not None and clip(code, 20) != "200":
            return message or f"{key}={clip(code, 20)}"
    return None


def _query_failed(s: Subject, reason: str) -> InputFileError:
    return _error(
        f"{s.zh} 是一次失败的快递100 查询：{reason}。",
        f"{s.en_cap} records a failed kuaidi100 query: {reason}.",
        ("请核对快递公司和运单号，稍后重新查询并保存结果。",
         "Check the courier and waybill number, query again later and save that result."),
    )


def _kuaidi100_event(item: object, path: str, s: Subject) -> RawEvent:
    if not isinstance(item, dict):
        raise type_error(s, path, dict, item)
    key = "time" if item.get("time") is not None else "ftime"
    raw_time = get_str(item, key, f"{path}.{key}", s, required=True) or ""
    text = get_str(item, "context", f"{path}.context", s, required=True) or ""
    location = get_str(item, "location", f"{path}.location", s)
    area = get_str(item, "areaName", f"{path}.areaName", s)
    when = event_time(raw_time, (f" {path}.{key} ", f"{path}.{key}"), s)
    return RawEvent(when, text.strip(), _nonempty(location) or _nonempty(area))


# ------------------------------------------------------------------------------ disputekit
def read_disputekit(obj: dict[str, object], s: Subject) -> RawRecord:
    """``{"format": "disputekit-tracking/1", "courier", "waybill", "events": [...]}``."""
    fmt = get_str(obj, "format", "format", s, required=True)
    if fmt != DISPUTEKIT_FORMAT:
        raise _error(
            f"{s.zh} 的格式“{clip(fmt)}”不受支持（支持 {DISPUTEKIT_FORMAT}）。",
            f"{s.en_cap} has format \"{clip(fmt)}\", which is not supported "
            f"({DISPUTEKIT_FORMAT} is).",
            _FIX_EXPORT,
        )
    _reject_unknown(obj, _DISPUTEKIT_KEYS, "", s)
    items = get_list(obj, "events", "events", s)
    return RawRecord(
        format=DISPUTEKIT_FORMAT,
        events=tuple(_disputekit_event(item, f"events[{i}]", s) for i, item in enumerate(items)),
        courier=_nonempty(get_str(obj, "courier", "courier", s)),
        waybill=_nonempty(get_str(obj, "waybill", "waybill", s, numbers=True)),
    )


def _reject_unknown(obj: dict[str, object], allowed: tuple[str, ...], path: str,
                    s: Subject) -> None:
    unknown = next((k for k in obj if k not in allowed), None)
    if unknown is not None:
        raise _error(
            f"{s.zh} 中有未知字段 {path}{clip(unknown)}（可用：{', '.join(allowed)}）。",
            f"{s.en_cap} has an unknown key {path}{clip(unknown)} (allowed: {', '.join(allowed)}).",
            _FIX_EXPORT,
        )


def _disputekit_event(item: object, path: str, s: Subject) -> RawEvent:
    if not isinstance(item, dict):
        raise type_error(s, path, dict, item)
    _reject_unknown(item, _DISPUTEKIT_EVENT_KEYS, f"{path}.", s)
    raw_time = get_str(item, "time", f"{path}.time", s, required=True) or ""
    text = get_str(item, "text", f"{path}.text", s, required=True) or ""
    location = get_str(item, "location", f"{path}.location", s)
    when = event_time(raw_time, (f" {path}.time ", f"{path}.time"), s)
    return RawEvent(when, text.strip(), _nonempty(location))


# ------------------------------------------------------------------------------ CSV
@dataclass(frozen=True)
class CsvColumns:
    time: int
    text: int
    location: int | None
    header: bool


def read_csv(text: str, s: Subject) -> RawRecord:
    """Rows of time, description[, location]; a zh/en header row is optional."""
    rows = _csv_rows(text, s)
    first_line, first = next(rows, (0, []))
    columns = csv_columns(first)
    if columns is None:
        raise _error(
            f"{s.zh} 的 CSV 表头无法识别：{clip(','.join(first), 80)}。",
            f"{s.en_cap} has an unrecognised CSV header: {clip(','.join(first), 80)}.",
            ("第一行应有“时间”和“描述”两列（或 time、description）；"
             "没有表头时按 时间,描述[,地点] 排列。",
             "The first row needs a time and a description column (时间/描述 or "
             "time/description); without a header, order the columns time, description"
             "[, location]."),
        )
    events: list[RawEvent] = []
    if not columns.header:
        events.append(_csv_event(first, first_line, columns, s))
    for line, row in rows:
        if len(events) >= MAX_EVENTS:
            raise _too_many(s, MAX_EVENTS + 1)
        events.append(_csv_event(row, line, columns, s))
    return RawRecord(format=FORMAT_CSV, events=tuple(events))


def csv_columns(first_row: list[str]) -> CsvColumns | None:
    """Column positions from a header row, or the default order if the row is already data."""
    cells = [c.strip().lstrip("\ufeff").replace(" ", "").casefold() for c in first_row]
    time, text = _find(cells, CSV_TIME_HEADERS), _find(cells, CSV_TEXT_HEADERS)
    if time is not None and text is not None and time != text:
        return CsvColumns(time, text, _find(cells, CSV_LOCATION_HEADERS), header=True)
    if first_row and _is_time(first_row[0]):
        return CsvColumns(0, 1, 2, header=False)
    return None


def _find(cells: list[str], names: tuple[str, ...]) -> int | None:
    return next((cells.index(n) for n in names if n in cells), None)


def _is_time(value: str) -> bool:
    try:
        parse_event_time(value)
    except (ValueError, OverflowError):
        return False
    return True


def _csv_rows(text: str, s: Subject) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows with their line numbers."""
    first_line = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row
    except csv.Error as exc:
        raise _error(
            f"{s.zh} 第 {reader.line_num} 行不是有效的 CSV：{clip(exc)}。",
            f"{s.en_cap} line {reader.line_num} is not valid CSV: {clip(exc)}.",
            ("请用表格软件另存为 CSV（UTF-8）。",
             "Save it again as CSV (UTF-8) from a spreadsheet."),
        ) from None


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _csv_event(row: list[str], line: int, columns: CsvColumns, s: Subject) -> RawEvent:
    raw_time, text = _cell(row, columns.time), _cell(row, columns.text)
    if not raw_time or not text:
        what_zh, what_en = ("时间", "time") if not raw_time else ("描述", "description")
        raise _error(
            f"{s.zh} 第 {line} 行缺少{what_zh}。", f"{s.en_cap} line {line} has no {what_en}.",
            ("每行都需要时间和描述。", "Every row needs a time and a description."),
        )
    when = event_time(raw_time, (f"第 {line} 行", f"line {line}"), s)
    return RawEvent(when, text, _cell(row, columns.location) or None)
