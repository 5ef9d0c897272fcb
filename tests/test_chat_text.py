"""Qianniu/Aliwangwang text exports and copy-pastes, and time-first WeChat/QQ text."""

from __future__ import annotations

from datetime import datetime

import pytest

from disputekit.clock import CHINA_TZ
from disputekit.collect.parse.chat import parse_chat
from disputekit.collect.parse.chat_text import name_last_header, time_first_header
from disputekit.models.facts import ChatFacts, Role

BUYER, SELLER = "买家小王", "旗舰店"


def parse(text: str, encoding: str = "utf-8", **kwargs: str) -> ChatFacts:
    return parse_chat(text.encode(encoding), buyer=BUYER, seller=SELLER, **kwargs)


def at(h: int, m: int, s: int = 0, day: int = 20) -> datetime:
    return datetime(2025, 4, day, h, m, s, tzinfo=CHINA_TZ)


BASIC = """买家小王 2025-4-20 10:02:03
在吗？
这个什么时候发货

旗舰店:客服A 2025-4-20 10:03:00
亲，今天发货哦
"""


def test_basic_messages() -> None:
    facts = parse(BASIC)
    assert facts.format == "qianniu-text"
    assert facts.channel == "qianniu"
    assert facts.encoding == "utf-8"
    assert [(m.index, m.time, m.sender, m.text) for m in facts.messages] == [
        (1, at(10, 2, 3), "买家小王", "在吗？\n这个什么时候发货"),
        (2, at(10, 3), "旗舰店:客服A", "亲，今天发货哦"),
    ]
    assert [m.role for m in facts.messages] == [Role.BUYER, Role.SELLER]
    assert facts.participants == ["买家小王", "旗舰店:客服A"]
    assert facts.events == []
    assert facts.warnings == []


def test_times_are_china_time() -> None:
    time = parse(BASIC).messages[0].time
    assert time is not None
    assert time.utcoffset() is not None
    assert time.isoformat() == "2025-04-20T10:02:03+08:00"


@pytest.mark.parametrize(
    "header",
    [
        "买家小王 2025-4-20 10:02:03",
        "买家小王2025-4-20 10:02:03",
        "买家小王 2025-04-20 10:02:03",
        "买家小王 2025/4/20 10:02:03",
        "买家小王   2025-4-20 10:02:03  ",
    ],
)
def test_header_variants(header: str) -> None:
    facts = parse(f"{header}\n你好\n")
    assert [(m.sender, m.time, m.text) for m in facts.messages] == [
        ("买家小王", at(10, 2, 3), "你好")
    ]


def test_nickname_ending_in_digits_without_space() -> None:
    assert name_last_header("tb123452025-4-20 9:02:03") == ("tb12345", at(9, 2, 3))


def test_one_digit_hour() -> None:
    assert name_last_header("a 2025-4-2 9:02:03") == ("a", at(9, 2, 3, day=2))


def test_time_alone_on_next_line_older_variant() -> None:
    text = "买家小王\n2025-4-20 10:02:03\n在吗\n旗舰店\n2025-4-20 10:03:00\n在的\n第二行\n"
    facts = parse(text)
    assert [(m.sender, m.time, m.text) for m in facts.messages] == [
        ("买家小王", at(10, 2, 3), "在吗"),
        ("旗舰店", at(10, 3), "在的\n第二行"),
    ]
    assert facts.warnings == []


def test_crlf_and_cr_line_ends() -> None:
    crlf = parse(BASIC.replace("\n", "\r\n"))
    cr = parse(BASIC.replace("\n", "\r"))
    assert crlf.messages == parse(BASIC).messages
    assert cr.messages == parse(BASIC).messages
    assert "\r" not in crlf.messages[0].text


def test_emoji_urls_and_prices_are_kept() -> None:
    body = "看这个 https://item.taobao.com/item.htm?id=123&spm=a1z09 😀👍\n￥129.00 已付款"
    facts = parse(f"买家小王 2025-4-20 10:02:03\n{body}\n", encoding="gb18030")
    assert facts.messages[0].text == body
    assert facts.encoding == "gb18030"


def test_blank_lines_trimmed_at_ends_kept_inside() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n\n第一段\n\n第二段\n\n\n")
    assert facts.messages[0].text == "第一段\n\n第二段"


def test_leading_indentation_kept_trailing_spaces_dropped() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n  缩进   \n")
    assert facts.messages[0].text == "  缩进"


def test_empty_message_body() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n旗舰店 2025-4-20 10:03:00\n好\n")
    assert [m.text for m in facts.messages] == ["", "好"]


@pytest.mark.parametrize(
    ("line", "status"), [("已读", "read"), ("未读", "unread"), ("发送中", "sending")]
)
def test_status_lines(line: str, status: str) -> None:
    facts = parse(f"旗舰店 2025-4-20 10:03:00\n亲在的\n{line}\n")
    assert facts.messages[0].read_status == status
    assert facts.messages[0].text == "亲在的"


def test_status_word_inside_a_sentence_is_text() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n消息已读了吗\n")
    assert facts.messages[0].read_status is None
    assert facts.messages[0].text == "消息已读了吗"


def test_recall_directly_under_header_marks_that_message() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n买家小王 撤回了一条消息\n")
    (message,) = facts.messages
    assert (message.recalled, message.text, message.time) == (True, "", at(10, 2, 3))
    assert [(e.type, e.time, e.text) for e in facts.events] == [
        ("recall", at(10, 2, 3), "买家小王 撤回了一条消息")
    ]


def test_standalone_recall_adds_a_recalled_message_after_the_open_one() -> None:
    text = (
        "旗舰店 2025-4-20 10:03:00\n亲在的\n买家小王 撤回了一条消息\n旗舰店 2025-4-20 10:04:00\n?\n"
    )
    facts = parse(text)
    assert [(m.index, m.sender, m.text, m.recalled, m.time) for m in facts.messages] == [
        (1, "旗舰店", "亲在的", False, at(10, 3)),
        (2, "买家小王", "", True, None),
        (3, "旗舰店", "?", False, at(10, 4)),
    ]
    assert facts.messages[1].role == Role.BUYER
    assert [(e.type, e.time) for e in facts.events] == [("recall", None)]


def test_recall_by_you_has_empty_sender() -> None:
    facts = parse("旗舰店 2025-4-20 10:03:00\n好\n你撤回了一条消息\n")
    assert [(m.sender, m.recalled) for m in facts.messages] == [("旗舰店", False), ("", True)]
    assert facts.participants == ["旗舰店"]


def test_transfer_arrow_line() -> None:
    text = (
        "买家小王 2025-4-20 10:02:03\n在吗\n"
        "客服A --> 客服B 2025-4-20 10:05:00\n"
        "旗舰店:客服B 2025-4-20 10:06:00\n您好\n"
        "旗舰店:客服B 2025-4-20 10:07:00\n还在吗\n"
    )
    facts = parse(text)
    assert [m.transferred for m in facts.messages] == [False, True, False]
    assert [(e.type, e.time, e.text) for e in facts.events] == [
        ("transfer", at(10, 5), "客服A --> 客服B 2025-4-20 10:05:00")
    ]
    assert facts.messages[0].text == "在吗"


def test_transfer_by_line() -> None:
    text = "由 服务助手 转交给 旗舰店:客服A\n旗舰店:客服A 2025-4-20 10:06:00\n您好\n"
    facts = parse(text)
    assert facts.messages[0].transferred is True
    assert [(e.type, e.time, e.text) for e in facts.events] == [
        ("transfer", None, "由 服务助手 转交给 旗舰店:客服A")
    ]


def test_arrow_without_time_is_text() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n颜色A-->颜色B 可以换吗\n")
    assert facts.messages[0].text == "颜色A-->颜色B 可以换吗"
    assert facts.events == []


@pytest.mark.parametrize(
    "line",
    [
        "当前用户来自 手机淘宝",
        "原因：【离线留言自动分配】",
        "以上是历史消息",
        "----以下为新消息----",
        "会话已结束",
    ],
)
def test_system_lines(line: str) -> None:
    facts = parse(f"买家小王 2025-4-20 10:02:03\n在吗\n{line}\n")
    assert facts.messages[0].text == "在吗"
    assert [(e.type, e.time, e.text) for e in facts.events] == [("system", None, line)]


def test_reason_in_a_buyer_sentence_is_text() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n原因：质量问题\n")
    assert facts.messages[0].text == "原因：质量问题"
    assert facts.events == []


@pytest.mark.parametrize("nickname", ["旗舰店:客服A", "旗舰店：客服A"])
def test_sub_account_nicknames(nickname: str) -> None:
    facts = parse(f"{nickname} 2025-4-20 10:03:00\n在的\n")
    assert facts.messages[0].sender == nickname
    assert facts.messages[0].role == Role.SELLER


def test_lines_before_the_first_message_are_warned_about() -> None:
    facts = parse("与买家小王的聊天记录\n导出时间 今天\n\n" + BASIC)
    assert len(facts.messages) == 2
    assert facts.warnings == [
        "2 行在第一条消息之前，不属于任何消息，已忽略（第 1、2 行）。 / "
        "2 line(s) before the first message belong to no message and were ignored (line 1, 2)."
    ]


def test_impossible_date_stays_text_with_warning() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n订单 2025-2-30 10:00:00\n")
    assert facts.messages[0].text == "订单 2025-2-30 10:00:00"
    assert facts.warnings == [
        "1 行像消息标题但日期不存在，已当作正文（第 2 行）。 / "
        "1 line(s) look like message headers but the date does not exist; kept as text (line 2)."
    ]


def test_participants_in_order_of_appearance() -> None:
    text = (
        "旗舰店 2025-4-20 10:00:00\na\n"
        "买家小王 2025-4-20 10:01:00\nb\n"
        "旗舰店 2025-4-20 10:02:00\nc\n"
    )
    assert parse(text).participants == ["旗舰店", "买家小王"]


def test_qq_export() -> None:
    text = (
        "消息记录（此消息记录为文本格式，不支持重新导入）\n\n"
        "================================================================\n"
        "消息分组:我的好友\n"
        "================================================================\n"
        "消息对象:张三\n"
        "================================================================\n\n"
        "2025-04-20 10:02:03 张三\n你好\n\n2025-04-20 10:03:00 我\n在\n"
    )
    facts = parse(text, encoding="utf-16")
    assert (facts.format, facts.channel, facts.encoding) == ("qq-text", "qq", "utf-16")
    assert [(m.sender, m.time, m.text) for m in facts.messages] == [
        ("张三", at(10, 2, 3), "你好"),
        ("我", at(10, 3), "在"),
    ]
    assert facts.warnings == []


def test_time_first_without_marker_is_wechat() -> None:
    facts = parse("2025-04-20 10:02:03 张三\n你好\n2025-04-20 10:03:00 李四\n在\n")
    assert (facts.format, facts.channel) == ("wechat-text", "wechat")
    assert [m.sender for m in facts.messages] == ["张三", "李四"]


def test_wechat_marker_with_name_last_headers() -> None:
    facts = parse("微信聊天记录\n" + BASIC)
    assert (facts.format, facts.channel) == ("wechat-text", "wechat")
    assert facts.warnings == []


def test_wechat_word_inside_a_message_changes_nothing() -> None:
    facts = parse(BASIC + "买家小王 2025-4-20 10:05:00\n加我微信吧\n")
    assert facts.channel == "qianniu"


def test_time_first_body_line_in_qianniu_file_is_text() -> None:
    facts = parse("买家小王 2025-4-20 10:02:03\n2025-04-19 08:00:00 下的单\n")
    assert len(facts.messages) == 1
    assert facts.messages[0].text == "2025-04-19 08:00:00 下的单"


def test_header_parsers_reject_body_text() -> None:
    assert name_last_header("价格 ¥129.00") is None
    assert name_last_header("见 https://x.cn/item?id=123456789") is None
    assert time_first_header("2025-04-20 10:02:03") is None
    assert time_first_header("张三 2025-04-20 10:02:03") is None
