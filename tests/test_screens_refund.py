"""Refund detail pages read from OCR lines (fast), and drawn pages through the engine (slow)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

import screenkit
from disputekit.clock import CHINA_TZ
from disputekit.collect.ocr import ocr_image
from disputekit.collect.screens import ScreenContext, read_refund, read_screen
from disputekit.models.screen import OcrLine


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CHINA_TZ)


CTX = ScreenContext(captured_at=at(2025, 4, 21, 11, 0), requested_at=at(2025, 4, 20, 10, 2))


def lines(rows: list[tuple[str, tuple[int, int, int, int], float]]) -> list[OcrLine]:
    return [OcrLine(text=t, box=b, confidence=c) for t, b, c in rows]


# Recorded: screenkit.phone_refund() through rapidocr 3.10 (key left, value right on a row).
PHONE_LINES = lines([
    ("退款详情", (433, 113, 645, 181), 0.9996), ("请等待商家处理", (54, 248, 431, 314), 0.9998),
    ("还剩2天13时05分", (56, 338, 357, 385), 0.9999), ("退款金额", (69, 482, 242, 538), 0.9995),
    ("¥128.50", (856, 486, 1007, 534), 0.9898), ("退款编号", (71, 594, 238, 649), 1.0),
    ("20250420001", (760, 596, 1007, 641), 1.0), ("退款类型", (69, 703, 238, 758), 0.9999),
    ("仅退款", (879, 703, 1011, 758), 1.0), ("申请时间", (69, 807, 241, 874), 0.9999),
    ("2025-04-20 10:02:11", (643, 818, 1007, 864), 0.98),
])


def test_phone_key_value_rows() -> None:
    found = read_refund(PHONE_LINES, CTX)
    assert found is not None
    assert (found.refund_id, found.amount, found.state) == ("20250420001", Decimal("128.50"), "请等待商家处理")
    assert found.countdown == timedelta(days=2, hours=13, minutes=5)
    assert found.deadline == at(2025, 4, 24, 0, 5)
    assert found.requested_at == at(2025, 4, 20, 10, 2, 11)
    assert found.sources["amount"].line == 4 and found.sources["deadline"].line == 2
    assert found.warnings == []


@pytest.mark.parametrize(("text", "left"), [
    ("还剩 1天 23小时 59分", timedelta(days=1, hours=23, minutes=59)),
    ("还剩2天13时05分", timedelta(days=2, hours=13, minutes=5)),
    ("剩余 5小时 3分 20秒", timedelta(hours=5, minutes=3, seconds=20)),
    ("商家需在 3天 0时 0分 内处理", timedelta(days=3)),
])
def test_countdown_forms(text: str, left: timedelta) -> None:
    found = read_refund(lines([(text, (0, 0, 400, 30), 0.99)]), CTX)
    assert found is not None and found.countdown == left


def test_inline_labels_and_unknown_capture_time() -> None:
    rows = lines([("退款编号：2025042000112233", (0, 0, 400, 30), 0.99),
                  ("退款金额：￥1,280.00", (0, 40, 400, 70), 0.99),
                  ("退款状态：商家已拒绝退款", (0, 80, 400, 110), 0.99),
                  ("还剩 4天 2小时 1分", (0, 120, 400, 150), 0.99)])
    found = read_refund(rows, ScreenContext())
    assert found is not None
    assert (found.refund_id, found.amount, found.state) == ("2025042000112233", Decimal("1280.00"), "商家已拒绝退款")
    assert found.deadline is None
    assert found.warnings == ["截图时间未知，无法由倒计时推算处理期限。 / The capture time is unknown, so the countdown gives no deadline."]


def test_nothing_refund_like_is_none() -> None:
    assert read_refund(lines([("我要退款", (0, 0, 100, 30), 0.99)]), CTX) is None
    assert read_screen(lines([("北欧陶瓷马克杯", (0, 0, 100, 30), 0.99)]), CTX).reads_as is None


@pytest.mark.slow
@pytest.mark.parametrize(("image", "state", "left"), [
    (screenkit.phone_refund(screenkit.DARK), "请等待商家处理", timedelta(days=2, hours=13, minutes=5)),
    (screenkit.desktop_refund(), "待商家处理", timedelta(days=1, hours=23, minutes=59)),
], ids=["phone-dark", "desktop-light"])
def test_drawn_refund_pages(image: object, state: str, left: timedelta) -> None:
    reading = read_screen(ocr_image(image).lines, CTX)  # type: ignore[arg-type]
    assert reading.reads_as == "refund" and reading.refund is not None
    found = reading.refund
    assert (found.refund_id, found.amount, found.state) == ("20250420001", Decimal("128.50"), state)
    assert found.deadline == at(2025, 4, 21, 11, 0) + left


def test_vocabulary_is_validated_data() -> None:
    from pydantic import ValidationError

    from disputekit.collect.screens.common import RefundWords, load_vocabulary

    words = load_vocabulary()
    assert "物流详情" in words.classify["tracking"].titles and "请等待商家处理" in words.refund.states
    broken = words.refund.model_dump() | {"countdown_patterns": [r"还剩(\d+)天"]}
    with pytest.raises(ValidationError, match="needs groups d, h and m"):
        RefundWords.model_validate(broken)
