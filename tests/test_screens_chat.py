"""Chat windows read from OCR lines: 千牛 PC header lines and mobile bubbles (fast, recorded or
constructed), then pages drawn by tests/screenkit.py through the real engine (slow)."""

from __future__ import annotations

from datetime import datetime

import pytest

import screenkit
from disputekit.clock import CHINA_TZ
from disputekit.collect.ocr import ocr_image
from disputekit.collect.screens import ChatReading, ScreenContext, read_chat, read_screen
from disputekit.models.facts import Role
from disputekit.models.screen import OcrLine


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CHINA_TZ)


CTX = ScreenContext(buyer="tb_小明2021", seller="悦家旗舰店", captured_at=at(2025, 4, 21, 11, 0),
                    requested_at=at(2025, 4, 20, 10, 2))
QIANNIU = [
    ("tb_小明2021", "2025-04-20 10:02:11", "你好，我的快递显示签收了但是我没有收到"),
    ("悦家旗舰店:小林", "2025-04-20 10:03:05", "亲，您好，物流显示4月18日14:05本人签收，麻烦您再确认一下哦"),
    ("tb_小明2021", "2025-04-20 10:05:40", "我没收到，我要退款"),
]
PHONE = [
    ("time", "昨天 10:02"), ("right", "你好，我的快递显示签收了但是我没有收到"),
    ("left", "亲，您好，物流显示4月18日本人签收，麻烦您再确认一下哦"), ("time", "10:15"),
    ("right", "我没收到，我要退款"),
]


def lines(rows: list[tuple[str, tuple[int, int, int, int], float]]) -> list[OcrLine]:
    return [OcrLine(text=t, box=b, confidence=c) for t, b, c in rows]


# Recorded: screenkit.qianniu_pc_chat(messages=QIANNIU) through rapidocr 3.10 (lost spaces).
QIANNIU_LINES = lines([
    ("千牛工作台-接待中心", (39, 23, 217, 45), 0.9994),
    ("tb_小明2021 2025-04-2010:02:11", (57, 83, 308, 104), 0.9796),
    ("你好，我的快递显示签收了但是我没有收到", (57, 113, 404, 136), 0.9998),
    ("悦家旗舰店:小林2025-04-2010:03:05", (57, 163, 335, 184), 0.9983),
    ("亲，您好，物流显示4月18日14:05本人签收，麻烦您再确认一下哦", (57, 192, 588, 217), 0.9992),
    ("tb_小明2021 2025-04-2010:05:40", (57, 243, 309, 264), 0.9852),
    ("我没收到，我要退款", (57, 273, 224, 296), 0.9999),
    ("快捷短语", (56, 709, 127, 733), 0.9998), ("发送", (1265, 707, 1311, 737), 0.9999),
])
# Recorded: screenkit.phone_chat(title="悦家旗舰店", items=PHONE); note 悅 for 悦 in the title.
PHONE_LINES = lines([
    ("悅家旗舰店", (423, 113, 657, 175), 0.9186), ("昨天10:02", (463, 242, 617, 284), 0.9999),
    ("你好，我的快递显示签收了但是我", (276, 339, 885, 391), 0.9994),
    ("没有收到", (274, 395, 447, 451), 0.9986),
    ("亲，您好，物流显示4月18日本人", (197, 546, 790, 598), 1.0),
    ("签收，麻烦您再确认一下哦", (195, 604, 687, 655), 0.9996),
    ("10:15", (494, 727, 586, 770), 1.0), ("我没收到，我要退款", (514, 826, 887, 878), 0.9992),
    ("发送", (953, 2049, 1050, 2110), 1.0),
])


def read(rows: list[OcrLine], ctx: ScreenContext = CTX) -> ChatReading:
    found = read_chat(rows, ctx.model_copy(update={"width": ctx.width or 1080}))
    assert found is not None
    return found


def test_qianniu_header_lines() -> None:
    found = read(QIANNIU_LINES, CTX.model_copy(update={"width": 1366}))
    assert found.layout == "header"
    assert [(m.sender, m.role, m.time) for m in found.messages] == [
        ("tb_小明2021", Role.BUYER, at(2025, 4, 20, 10, 2, 11)),
        ("悦家旗舰店:小林", Role.SELLER, at(2025, 4, 20, 10, 3, 5)),
        ("tb_小明2021", Role.BUYER, at(2025, 4, 20, 10, 5, 40)),
    ]
    assert found.messages[1].text == QIANNIU[1][2]
    assert [m.index for m in found.messages] == [1, 2, 3]
    assert found.sources["messages[1]"].line == 4 and found.sources["messages[1].time"].line == 3
    assert found.warnings == []


def test_glued_nickname_and_date() -> None:
    rows = lines([("tb8837261_222025-04-19 10:02:11", (20, 20, 300, 40), 0.97),
                  ("东西坏了", (20, 50, 120, 70), 0.99)])
    message = read(rows, CTX.model_copy(update={"buyer": "tb8837261_22"})).messages[0]
    assert (message.sender, message.role, message.time) == ("tb8837261_22", Role.BUYER, at(2025, 4, 19, 10, 2, 11))


def test_mobile_bubbles_sides_and_separators() -> None:
    found = read(PHONE_LINES)
    assert found.layout == "bubbles"
    assert [(m.role, m.sender) for m in found.messages] == [
        (Role.BUYER, "tb_小明2021"), (Role.SELLER, "悦家旗舰店"), (Role.BUYER, "tb_小明2021")]
    assert found.messages[0].text == "你好，我的快递显示签收了但是我没有收到"
    assert found.messages[0].time == at(2025, 4, 20, 10, 2)  # 昨天 = the day before the capture
    assert found.messages[2].time == at(2025, 4, 21, 10, 15)


def test_qianniu_mobile_owner_is_the_seller_and_no_names_means_unknown() -> None:
    rows = [*PHONE_LINES, OcrLine(text="快捷短语", box=(40, 1990, 200, 2040), confidence=1.0)]
    rows[0] = OcrLine(text="tb_小明2021", box=(423, 113, 657, 175), confidence=0.95)
    roles = [m.role for m in read(rows).messages]
    assert roles == [Role.SELLER, Role.BUYER, Role.SELLER]
    unnamed = read(PHONE_LINES, ScreenContext(width=1080))
    assert {m.role for m in unnamed.messages} == {Role.UNKNOWN}
    assert [m.sender for m in unnamed.messages] == ["我", "悅家旗舰店", "我"]
    assert unnamed.messages[0].time is None and unnamed.warnings


def test_read_labels_set_read_status_and_are_not_text() -> None:
    rows = [*PHONE_LINES, OcrLine(text="已读", box=(420, 850, 480, 875), confidence=0.99)]
    last = read(rows).messages[-1]
    assert (last.text, last.read_status) == ("我没收到，我要退款", "read")


@pytest.mark.slow
@pytest.mark.parametrize("theme", [screenkit.LIGHT, screenkit.DARK], ids=["light", "dark"])
def test_drawn_chats_through_the_engine(theme: screenkit.Theme) -> None:
    for image, layout in ((screenkit.qianniu_pc_chat(theme, messages=QIANNIU), "header"),
                          (screenkit.phone_chat(theme, title="悦家旗舰店", items=PHONE), "bubbles")):
        reading = read_screen(ocr_image(image).lines, CTX.model_copy(update={"width": image.width}))
        assert reading.reads_as == "chat" and reading.chat is not None
        assert reading.chat.layout == layout
        assert [m.role for m in reading.chat.messages] == [Role.BUYER, Role.SELLER, Role.BUYER]
        assert reading.chat.messages[2].text == "我没收到，我要退款"


def test_live_qianniu_window_clock_headers_dated_by_separator() -> None:
    rows = lines([
        ("2025-04-19", (600, 20, 760, 40), 0.99),
        ("tb_小明2021 23:58:10", (40, 60, 260, 80), 0.98), ("在吗", (40, 90, 100, 110), 0.99),
        ("2025-04-20", (600, 130, 760, 150), 0.99),
        ("悦家旗舰店:小林 00:01:02", (1000, 170, 1300, 190), 0.98),
        ("亲，在的", (1150, 200, 1300, 220), 0.99),
        ("好的 10:30 再说", (40, 240, 200, 260), 0.99),  # a message with a clock is not a header
    ])
    found = read(rows, CTX.model_copy(update={"width": 1366}))
    assert [(m.sender, m.role, m.time) for m in found.messages] == [
        ("tb_小明2021", Role.BUYER, at(2025, 4, 19, 23, 58, 10)),
        ("悦家旗舰店:小林", Role.SELLER, at(2025, 4, 20, 0, 1, 2)),
    ]
    assert found.messages[1].text == "亲，在的好的 10:30 再说"
