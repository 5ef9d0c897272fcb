"""Hostile input, property-based: whatever a buyer, an agent or a broken export tool produces,
disputekit parses it or refuses it with a DisputekitError — never another exception, never a
hang. What parses round-trips.

Inputs go through ``collect.inspect_file`` (sniffing, parsing and output sanitising, as the
CLI's ``inspect`` and ``add`` do) unless a test is about one parser. Sizes are bounded by the
strategies; a faulthandler watchdog ends the run with tracebacks if an example ever hangs, and
Hypothesis' deadline flags slow examples. More examples: ``HOSTILE_EXAMPLES=1000``.
"""

from __future__ import annotations

import faulthandler
import io
import json
import os
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from disputekit.case import open_case
from disputekit.clock import CHINA_TZ
from disputekit.collect.inspect import inspect_file
from disputekit.collect.parse.chat import parse_chat
from disputekit.collect.parse.chat_text import _MAYBE_SPECIAL_FIRST, _MAYBE_SPECIAL_LAST
from disputekit.errors import DisputekitError
from disputekit.models.facts import ChatFacts
from disputekit.validate.check import check_case

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "300"))
HANG_S = 120
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=5),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(autouse=True)
def _watchdog() -> Iterator[None]:
    """A hang is a failure with tracebacks, not a stuck CI job."""
    faulthandler.dump_traceback_later(HANG_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def inspect_bytes(data: bytes, name: str = "evidence.bin", **kw: Any) -> Any:
    """``inspect_file`` on ``data``; None for a clean refusal. Anything else fails."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            facts = inspect_file(path, **kw)
        except DisputekitError as exc:
            assert exc.zh.strip() and exc.en.strip()
            assert int(exc.exit_code) in (2, 5)
            return None
    assert_printable(facts.model_dump(mode="json"))
    return facts


def assert_printable(value: Any, key: str = "") -> None:
    """No terminal control or bidi-override characters in any fact (message text keeps \\n)."""
    if isinstance(value, str):
        allowed = "\n\t" if key == "text" else ""
        bad = [c for c in value if c not in allowed and (
            unicodedata.category(c) == "Cc" or c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")]
        assert not bad, (key, value)
    elif isinstance(value, dict):
        for k, v in value.items():
            assert_printable(v, k)
    elif isinstance(value, list):
        for v in value:
            assert_printable(v, key)


# --------------------------------------------------------------------------- chat exports

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030")
LINE_ENDS = ("\n", "\r\n", "\r")
NAME = st.text(alphabet="买家小王旗舰店客服张三李四悦家abcXYZ_:：", min_size=1, max_size=10).map(
    str.strip).filter(bool)
BODY_CHARS = "在吗亲好的发货退款质量问题图片谢谢😀👍𠮷 abcXYZ，。？！~/:.=?&%#@￥\t"


def plain_line(line: str) -> bool:
    """A body line the reader keeps as text (no header/status/system look-alike)."""
    line = line.strip()
    return not line or (line[0] not in _MAYBE_SPECIAL_FIRST
                        and line[-1] not in _MAYBE_SPECIAL_LAST and "-->" not in line)


BODY = st.lists(st.text(alphabet=BODY_CHARS, max_size=30).map(str.strip).filter(plain_line),
                max_size=4)
TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda t: t.replace(microsecond=0))
MESSAGES = st.lists(st.tuples(NAME, TIMES, BODY, st.sampled_from([None, "已读", "未读"])),
                    min_size=1, max_size=12)


def stamp(when: datetime, padded: bool, sep: str) -> str:
    month, day = (f"{when.month:02}", f"{when.day:02}") if padded else (when.month, when.day)
    return f"{when.year}{sep}{month}{sep}{day} {when.hour}:{when.minute:02}:{when.second:02}"


def qianniu_export(messages: list[tuple[str, datetime, list[str], str | None]], *,
                   older: bool, padded: bool, sep: str, preamble: bool) -> list[str]:
    """Qianniu text: ``昵称 时间`` headers (``older``: the time alone on the next line),
    bodies, read-status lines; optionally the history separator before the first message."""
    lines = ["------以上是历史消息------"] if preamble else []
    for name, when, body, status in messages:
        lines += [name, stamp(when, padded, sep)] if older else [f"{name} {stamp(when, padded, sep)}"]
        lines += body
        if status:
            lines.append(status)
    return lines


def encoded(lines: list[str], encoding: str, end: str) -> bytes:
    data = end.join(lines).encode(encoding)
    if encoding == "gb18030":  # documented limit: GB18030 bytes that are also valid UTF-8
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return data
        assume(False)
    return data


@SETTINGS
@given(MESSAGES, st.sampled_from(ENCODINGS), st.sampled_from(LINE_ENDS), st.booleans(),
       st.booleans(), st.sampled_from(["-", "/"]), st.booleans())
def test_generated_qianniu_export_round_trips(
    messages: list[tuple[str, datetime, list[str], str | None]], encoding: str, end: str,
    older: bool, padded: bool, sep: str, preamble: bool,
) -> None:
    if older:  # a nickname line must not itself read as a header, status or system line
        assume(all(plain_line(name) for name, *_ in messages))
    lines = qianniu_export(messages, older=older, padded=padded, sep=sep, preamble=preamble)
    facts = parse_chat(encoded(lines, encoding, end), buyer="买家", seller="悦家")
    assert [(m.sender, m.time, m.text) for m in facts.messages] == [
        (name, when.replace(tzinfo=CHINA_TZ), "\n".join(body).strip("\n"))
        for name, when, body, _ in messages
    ]
    assert [m.read_status for m in facts.messages] == [s and {"已读": "read", "未读": "unread"}[s]
                                                       for *_, s in messages]
    assert facts.participants == list(dict.fromkeys(name for name, *_ in messages))
    assert facts.format == "qianniu-text"


JUNK = st.binary(max_size=300) | st.sampled_from([
    b"\x00" * 64, b"\xff\xfe\x00", b"\xef\xbb\xbf", b"%PDF-1.7\n", b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff\xe0", b"PK\x03\x04", b"GIF89a", "\u202e\u0007\u001b[2J".encode(),
])


@SETTINGS
@given(MESSAGES, st.sampled_from(ENCODINGS), st.sampled_from(LINE_ENDS),
       st.lists(st.tuples(st.integers(0, 10_000), JUNK), max_size=3))
def test_chat_export_with_binary_junk_parses_or_is_refused(
    messages: list[tuple[str, datetime, list[str], str | None]], encoding: str, end: str,
    junk: list[tuple[int, bytes]],
) -> None:
    data = end.join(qianniu_export(messages, older=False, padded=True, sep="-",
                                   preamble=False)).encode(encoding, errors="replace")
    for at, blob in junk:
        at %= len(data) + 1
        data = data[:at] + blob + data[at:]
    facts = inspect_bytes(data, "chat.txt", buyer="买家", seller="悦家")
    assert facts is None or facts.kind in ("chat", "tracking", "photo", "screenshot",
                                           "document")


HEADER_CELLS = st.sampled_from(["时间", "发送人", "接收人", "内容", "time", "sender", "to",
                                "content", "Message", "发送时间", "消息内容", "", "备注"])
CELL = (st.none() | st.booleans() | st.integers(-10**12, 10**12)
        | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
        | st.sampled_from(["2025-04-20 10:02:03", "2025/4/20 10:02", "45767.42", "=1+1",
                           "=HYPERLINK(\"http://x\")", "9999-12-31 23:59:59", "0000-00-00"])
        | st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)))
TABLE = st.tuples(st.lists(HEADER_CELLS, min_size=1, max_size=6),
                  st.lists(st.lists(CELL, max_size=6), max_size=8))


def csv_text(header: list[str], rows: list[list[Any]], delimiter: str) -> str:
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows([["" if c is None else str(c) for c in row] for row in rows])
    return out.getvalue()


@SETTINGS
@given(TABLE, st.sampled_from([",", "\t"]), st.sampled_from(("utf-8", "utf-8-sig", "gb18030")))
def test_csv_chat_tables_parse_or_are_refused(table: tuple[list[str], list[list[Any]]],
                                               delimiter: str, encoding: str) -> None:
    header, rows = table
    data = csv_text(header, rows, delimiter).encode(encoding, errors="replace")
    inspect_bytes(data, "chat.csv", as_kind="chat")


@settings(SETTINGS, max_examples=max(10, EXAMPLES // 4))
@given(TABLE, st.booleans())
def test_xlsx_chat_tables_parse_or_are_refused(table: tuple[list[str], list[list[Any]]],
                                                formulas_first: bool) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    header, rows = table
    book = Workbook()
    sheet = book.active
    if formulas_first:
        sheet.append(["=A2", "=NOW()"])
    sheet.append(header)
    for row in rows:  # openpyxl itself refuses control characters in strings
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c
                      for c in row])
    out = io.BytesIO()
    book.save(out)
    facts = inspect_bytes(out.getvalue(), "chat.xlsx")
    if isinstance(facts, ChatFacts):
        assert all(not m.text.startswith("=") or m.text in {str(c) for r in rows for c in r}
                   for m in facts.messages)


# --------------------------------------------------------------------------- tracking JSON

KEYS = st.sampled_from(["nu", "com", "state", "ischeck", "data", "message", "status",
                        "time", "ftime", "context", "location", "format", "events", "text",
                        "courier", "waybill"]) | st.text(max_size=4)
SCALAR = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10)
          | st.sampled_from(["2024-05-01 08:00:00", "已签收，签收人：本人", "3", "shunfeng",
                             "SF1234567890123", "\u202e\x1b[31m", "9999-12-31 23:59:59"]))
VALUE = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(KEYS, inner, max_size=5), max_leaves=20)
EVENT = st.fixed_dictionaries({"time": SCALAR, "context": SCALAR},
                              optional={"ftime": SCALAR, "location": SCALAR})
RECORD = st.fixed_dictionaries(
    {"data": st.lists(EVENT | VALUE, max_size=5)},
    optional={"nu": SCALAR, "com": SCALAR, "state": SCALAR, "ischeck": SCALAR,
              "message": SCALAR, "status": SCALAR},
)
RECORD_MISSING = RECORD.flatmap(lambda r: st.sets(st.sampled_from(sorted(r)), max_size=len(r))
                                .map(lambda drop, r=r: {k: v for k, v in r.items()
                                                        if k not in drop}))


@SETTINGS
@given(RECORD_MISSING | VALUE, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
       st.booleans())
def test_tracking_json_with_missing_keys_and_wrong_types(record: Any, encoding: str,
                                                         indent: bool) -> None:
    text = json.dumps(record, ensure_ascii=False, indent=2 if indent else None)
    inspect_bytes(text.encode(encoding, errors="replace"), "tracking.json", as_kind="tracking")


@settings(SETTINGS, max_examples=max(5, EXAMPLES // 12))
@given(st.integers(0, 30_000), st.sampled_from(["event", "junk", "nested", "text"]))
def test_tracking_json_huge_arrays_are_bounded(count: int, what: str) -> None:
    item = {"event": {"time": "2024-05-01 08:00:00", "context": "运输中"}, "junk": [],
            "nested": {"a": [1, {"b": None}]}, "text": "x" * 200}[what]
    data = json.dumps({"nu": "SF1234567890123", "com": "shunfeng", "state": "0",
                       "data": [item] * count}).encode()
    start = time.monotonic()
    inspect_bytes(data, "tracking.json")
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("data", [
    b"[" * 200_000, b'{"data":' * 50_000, b'{"data": [' + b"1," * 400_000 + b"1]}",
    b'{"nu": "' + b"9" * 2_000_000 + b'"}', b'{"data": [{"time": 1' + b"0" * 5000 + b"}]}",
    b'{"data": [{"time": NaN, "context": Infinity}]}', b'{"data": [], "data": {}}',
    json.dumps({"data": [{"time": "2024-05-01 08:00:00", "context": "运输中"}] * 9_999}).encode(),
    json.dumps({"data": [{"time": "2024-05-01 08:00:00", "context": "运输中"}] * 60_000}).encode(),
    "\ufeff{\"data\": [{\"time\": \"2024-05-01 08:00:00\", \"context\": \"\u202e签收\"}]}".encode(),
])
def test_tracking_json_pathological_shapes(data: bytes) -> None:
    start = time.monotonic()
    inspect_bytes(data, "tracking.json", as_kind="tracking")
    inspect_bytes(data, "tracking.json")
    assert time.monotonic() - start < 10


# --------------------------------------------------------------------------- case.toml

CASE_KEYS = ["schema_version", "platform", "order_id", "refund_id", "buyer", "seller", "amount",
             "currency", "refund_type", "refund_phase", "state", "order_status", "item_title",
             "ordered_at", "paid_at", "shipped_at", "signed_at", "requested_at", "state_since",
             "deadline", "shipment", "return_shipment", "ground", "reason", "buyer_claim",
             "agent", "lang", "gift_value"]
GOOD = {
    "order_id": "3712345678901234567", "refund_id": "20250420001", "buyer": "tb_小明2021",
    "seller": "悦家旗舰店", "amount": "128.50", "requested_at": "2025-04-20 10:02",
    "shipment": {"waybill": "73518294603127", "courier": "zhongtong"}, "ground": "goods_signed",
    "state": "waiting_seller_agree", "signed_at": "2025-04-18 14:05",
}
ODD_TIMES = st.sampled_from([
    "2025-04-20 10:02", "2025-4-20", "2025-02-30 10:00", "0001-01-01 00:00", "9999-12-31 23:59",
    "2025-04-20T10:02:00+14:00", "2025-04-20T10:02:00-12:00", "2025-04-20T10:02:00+23:59",
    "2025-04-20T25:61", "20250420", "昨天", "", " ", "2025-04-20 10:02:03.999999999",
]) | st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                  timezones=st.none() | st.timezones()) | st.dates() | st.times()
TOML_VALUE = st.recursive(
    st.booleans() | st.integers(-2**63, 2**63 - 1) | st.floats() | st.text(max_size=12)
    | ODD_TIMES | st.sampled_from(["taobao", "tmall", "CNY", "refund_only", "signed", "zh",
                                   "goods_signed", "1e9999", "-1", "NaN", "128.505"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8,
)


ALTERNATIVES: dict[str, list[Any]] = {
    "schema_version": [1, 2, "1"], "platform": ["taobao", "tmall", "jd"],
    "amount": ["0", "0.01", "9999999999.99", 0, 128.5, "1e3", "-0.01", "¥128"],
    "currency": ["CNY", "USD"], "refund_type": ["refund_only", "return_and_refund", "x"],
    "refund_phase": ["onsale", "aftersale", None], "lang": ["zh", "en", "fr"],
    "state": ["waiting_seller_agree", "waiting_buyer_return", "waiting_seller_confirm",
              "seller_refused", "closed", "success", "cs_intervening", "WAIT"],
    "order_status": ["paid", "shipped", "signed", "finished", "lost"],
    "ground": ["goods_signed", "returned_item_not_ours", "resale_affected", "missing_parts",
               "beyond_7day_window", "not_7day_eligible", "custom_made", "agreed_otherwise",
               "return_not_received", "made_up"],
    "gift_value": [-1, "0", 10.5, "1e400"],
    "shipment": [{}, {"waybill": "SF1234567890123"}, {"courier": "顺丰", "waybill": "1"},
                 {"waybill": "73518294603127", "courier": "nobody"}],
    "return_shipment": [{"waybill": "YT1234567890123", "courier": "yuantong"}, {"x": 1}],
    "buyer": ["买家", "a" * 64, "a" * 65, "\u202e逆序"], "item_title": ["x" * 200, "x" * 201],
}


@st.composite
def case_tables(draw: st.DrawFn) -> dict[str, Any]:
    """The sample's valid table with a few keys changed (odd times, plausible or wrong
    values), sometimes one removed or one unknown key added."""
    table = dict(GOOD)
    for key in draw(st.lists(st.sampled_from(CASE_KEYS), max_size=4, unique=True)):
        if key.endswith("_at") or key in ("state_since", "deadline"):
            table[key] = draw(ODD_TIMES)
        elif key in ALTERNATIVES and draw(st.integers(0, 3)):
            table[key] = draw(st.sampled_from(ALTERNATIVES[key]))
        else:
            table[key] = draw(TOML_VALUE)
    if not draw(st.integers(0, 5)):
        table.pop(draw(st.sampled_from(sorted(GOOD))))
    if not draw(st.integers(0, 5)):
        table[draw(st.text(min_size=1, max_size=10))] = draw(TOML_VALUE)  # unknown key
    return {k: v for k, v in table.items() if v is not None}


NOWS = st.sampled_from(["2025-04-21T09:00:00+08:00", "0001-01-02T00:00:00+08:00",
                        "9999-12-30T00:00:00+08:00"]).map(datetime.fromisoformat)


@SETTINGS
@given(case_tables(), NOWS)
def test_case_toml_values_load_or_are_refused(table: dict[str, Any], now: datetime) -> None:
    try:
        text = tomli_w.dumps(table)
    except (TypeError, ValueError):
        assume(False)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "case.toml").write_text(text, "utf-8")
        try:
            case = open_case(Path(folder))
            event("case.toml loaded")
            check_case(case, now=now)
        except DisputekitError as exc:
            assert exc.en.strip()
            return
    for field in ("requested_at", "signed_at", "deadline", "ordered_at"):
        value = getattr(case.facts, field)
        assert value is None or value.tzinfo is not None


@SETTINGS
@given(st.binary(max_size=400) | st.text(max_size=400).map(str.encode))
def test_case_toml_garbage_is_refused(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "case.toml").write_bytes(data)
        try:
            open_case(Path(folder))
        except DisputekitError as exc:
            assert int(exc.exit_code) == 5 and exc.en.strip()


def test_bare_toml_date_is_midnight_china_time(tmp_path: Path) -> None:
    """``requested_at = 2025-04-20`` (a TOML date) once became a naive datetime and made
    ``check`` crash comparing it with aware ones."""
    text = tomli_w.dumps({**GOOD, "requested_at": date(2025, 4, 20), "paid_at": dtime(1, 2)})
    (tmp_path / "case.toml").write_text(text.replace("paid_at", "# paid_at"), "utf-8")
    case = open_case(tmp_path)
    assert case.facts.requested_at == datetime(2025, 4, 20, tzinfo=CHINA_TZ)
    check_case(case, now=datetime(2025, 4, 21, 9, tzinfo=CHINA_TZ))
