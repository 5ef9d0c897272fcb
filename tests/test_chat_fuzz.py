"""Property tests: garbage only ever raises InputFileError; generated exports round-trip."""

from __future__ import annotations

import os
from datetime import datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse.chat import parse_chat
from disputekit.errors import InputFileError
from disputekit.models.facts import ChatFacts

ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030")
LINE_ENDS = ("\n", "\r\n", "\r")
PREFIXES = (
    b"",
    b"PK\x03\x04",
    b'{"messages": ',
    b"[",
    "时间,发送人,内容\n".encode(),
    "买家 2025-4-20 10:02:03\n".encode(),
    "2025-04-20 10:02:03 张三\n".encode("gb18030"),
    b"\xef\xbb\xbf",
    b"\xff\xfe",
)
SETTINGS = settings(
    max_examples=int(os.environ.get("CHAT_FUZZ_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def parse_or_refuse(data: bytes) -> ChatFacts | None:
    """Return the facts, or None for an InputFileError; anything else fails the test."""
    try:
        facts = parse_chat(data, buyer="买家", seller="店")
    except InputFileError as exc:
        assert exc.zh and exc.en
        return None
    assert facts.messages
    assert [m.index for m in facts.messages] == list(range(1, len(facts.messages) + 1))
    assert all(m.time is None or m.time.tzinfo is not None for m in facts.messages)
    return facts


@SETTINGS
@given(st.sampled_from(PREFIXES), st.binary(max_size=2000))
def test_random_bytes(prefix: bytes, data: bytes) -> None:
    parse_or_refuse(prefix + data)


CHAT_ALPHABET = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Zs", "Cc"),
    include_characters="：:-/>已读撤回了一条消息由转交给 \t😀𠮷",
)


@SETTINGS
@given(
    st.lists(st.text(alphabet=CHAT_ALPHABET, max_size=40), max_size=30),
    st.sampled_from(ENCODINGS),
    st.sampled_from(LINE_ENDS),
)
def test_random_text_in_any_encoding(lines: list[str], encoding: str, end: str) -> None:
    text = end.join(lines)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    parse_or_refuse(data)


NAME = st.text(alphabet="买家小王旗舰店客服张三李四abcXYZ_0123456789:：", min_size=1, max_size=10)
BODY_LINE = st.text(
    alphabet="在吗亲好的发货退款质量问题图片谢谢😀👍𠮷abc XYZ，。？！~/:.=?&%#@￥",
    max_size=30,
).map(str.rstrip)
TIMES = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31)).map(
    lambda t: t.replace(microsecond=0)
)


def header(name: str, when: datetime, padded: bool, sep: str, space: str) -> str:
    month, day = (f"{when.month:02}", f"{when.day:02}") if padded else (when.month, when.day)
    stamp = f"{when.year}{sep}{month}{sep}{day} {when.hour}:{when.minute:02}:{when.second:02}"
    return f"{name}{space}{stamp}"


def trimmed(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n")


MESSAGES = st.lists(
    st.tuples(NAME.map(str.strip).filter(bool), TIMES, st.lists(BODY_LINE, max_size=4)),
    min_size=1,
    max_size=15,
)


@SETTINGS
@given(
    MESSAGES,
    st.sampled_from(ENCODINGS),
    st.sampled_from(LINE_ENDS),
    st.booleans(),
    st.sampled_from(["-", "/"]),
    st.sampled_from([" ", "", "  "]),
)
def test_generated_qianniu_export_round_trips(
    messages: list[tuple[str, datetime, list[str]]],
    encoding: str,
    end: str,
    padded: bool,
    sep: str,
    space: str,
) -> None:
    for _, _, body in messages:
        assume(all(not line[-1:].isdigit() for line in body))
    lines: list[str] = []
    for name, when, body in messages:
        lines.append(header(name, when, padded, sep, space))
        lines.extend(body)
    data = end.join(lines).encode(encoding)
    if encoding == "gb18030":  # documented limit: GBK bytes that are also valid UTF-8
        try:
            data.decode("utf-8")
            assume(False)
        except UnicodeDecodeError:
            pass
    facts = parse_chat(data)
    assert [(m.sender, m.time, m.text) for m in facts.messages] == [
        (name, when.replace(tzinfo=CHINA_TZ), trimmed(body)) for name, when, body in messages
    ]
    assert facts.format == "qianniu-text"
