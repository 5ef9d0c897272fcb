"""The disputekit-chat/1 JSON format."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse.chat import parse_chat
from disputekit.collect.parse.chat_json import parse_timezone
from disputekit.errors import InputFileError


def doc(messages: list[dict[str, object]], **top: object) -> bytes:
    return json.dumps(
        {"format": "disputekit-chat/1", **top, "messages": messages}, ensure_ascii=False
    ).encode()


def test_documented_example() -> None:
    data = doc(
        [
            {"time": "2025-04-20T10:02:03", "sender": "买家小王", "text": "在吗"},
            {
                "time": "2025-04-20T10:03:00+08:00",
                "sender": "旗舰店:客服A",
                "text": "在的",
                "read_status": "read",
            },
            {"time": None, "sender": "买家小王", "text": "", "recalled": True},
        ],
        timezone="+08:00",
        channel="qianniu",
    )
    facts = parse_chat(data, buyer="买家小王", seller="旗舰店")
    assert (facts.format, facts.channel, facts.encoding) == ("json", "qianniu", "utf-8")
    first, second, third = facts.messages
    assert first.time == datetime(2025, 4, 20, 10, 2, 3, tzinfo=CHINA_TZ)
    assert (second.read_status, second.role.value) == ("read", "seller")
    assert (third.time, third.recalled, third.text) == (None, True, "")
    assert facts.participants == ["买家小王", "旗舰店:客服A"]


def test_timezone_applies_to_naive_times_only() -> None:
    data = doc(
        [
            {"time": "2025-04-20T10:00:00", "sender": "a", "text": "x"},
            {"time": "2025-04-20T10:00:00Z", "sender": "a", "text": "y"},
        ],
        timezone="+09:00",
    )
    first, second = parse_chat(data).messages
    assert first.time is not None and second.time is not None
    assert first.time.utcoffset() == timedelta(hours=9)
    assert second.time == datetime(2025, 4, 20, 10, tzinfo=UTC)


def test_default_channel_and_crlf_text() -> None:
    facts = parse_chat(doc([{"time": None, "sender": "a", "text": "x\r\ny"}]))
    assert facts.channel == "unknown"
    assert facts.messages[0].text == "x\ny"


@pytest.mark.parametrize(
    ("value", "offset"),
    [("+08:00", 8), ("+0800", 8), ("-05:30", -5.5), ("Z", 0), ("UTC", 0), ("Asia/Tokyo", 9)],
)
def test_parse_timezone(value: str, offset: float) -> None:
    zone = parse_timezone(value)
    assert datetime(2025, 4, 20, tzinfo=zone).utcoffset() == timedelta(hours=offset)


def test_china_offset_is_the_named_zone() -> None:
    assert parse_timezone("+08:00") is CHINA_TZ


def test_unknown_timezone() -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(doc([], timezone="Mars/Olympus"), name="c.json")
    assert err.value.en == (
        "c.json: The JSON chat does not follow disputekit-chat/1: timezone → unknown time zone "
        "'Mars/Olympus' (use an offset such as +08:00 or a name such as Asia/Shanghai)."
    )


def test_bad_time() -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(doc([{"time": "昨天", "sender": "a", "text": "x"}]))
    assert (
        err.value.zh == "JSON 聊天记录不符合 disputekit-chat/1 格式："
        "messages.0.time → 不是 ISO 8601 时间：'昨天'。"
    )
    assert err.value.fix_en == "See docs/formats-chat.md for the format."


def test_unknown_key_and_wrong_type_are_named() -> None:
    data = doc([{"time": None, "sender": 5, "text": "x", "sendr": "a"}])
    with pytest.raises(InputFileError) as err:
        parse_chat(data)
    assert err.value.en == (
        "The JSON chat does not follow disputekit-chat/1: messages.0.sender → Input should be a "
        "valid string; messages.0.sendr → Extra inputs are not permitted."
    )


def test_wrong_format_version() -> None:
    data = json.dumps({"format": "disputekit-chat/2", "messages": []}).encode()
    with pytest.raises(InputFileError, match=r"format → Input should be 'disputekit-chat/1'"):
        parse_chat(data)


def test_top_level_list() -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(b'[{"messages": []}]')
    assert err.value.en == (
        "The JSON chat does not follow disputekit-chat/1: the top level must be an object "
        '{"format": "disputekit-chat/1", "messages": [...]}.'
    )


def test_syntax_error() -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(b'{"format": "disputekit-chat/1", "messages": [}')
    assert err.value.en == (
        "The JSON chat cannot be parsed: Expecting value: line 1 column 46 (char 45)."
    )


def test_deep_nesting_is_an_input_error() -> None:
    data = b'{"messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(InputFileError, match="The JSON chat cannot be parsed"):
        parse_chat(data)


def test_empty_messages_is_no_messages() -> None:
    with pytest.raises(InputFileError) as err:
        parse_chat(doc([]))
    assert err.value.en == "No recognisable chat message found."
