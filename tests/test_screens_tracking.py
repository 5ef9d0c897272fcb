"""Tracking pages read from OCR lines: recorded and constructed line lists (fast), then pages
drawn by tests/screenkit.py and the bundled samples through the real engine (slow)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

import screenkit
from disputekit.clock import CHINA_TZ
from disputekit.collect.ocr import ocr_image
from disputekit.collect.screens import ScreenContext, TrackingReading, read_screen, read_tracking
from disputekit.collect.screens.common import find_times
from disputekit.models.facts import TrackingStatus
from disputekit.models.screen import OcrLine

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CHINA_TZ)


CTX = ScreenContext(ordered_at=at(2025, 4, 15, 21, 33), shipped_at=at(2025, 4, 16, 15, 20),
                    captured_at=at(2025, 4, 20, 10, 21), width=720, height=1280)


def lines(rows: list[tuple[str, tuple[int, int, int, int], float]]) -> list[OcrLine]:
    return [OcrLine(text=t, box=b, confidence=c) for t, b, c in rows]


# Recorded: samples/signed-not-received/screenshots/tracking.png through rapidocr 3.10 (720×1280).
SAMPLE_LINES = lines([
    ("10:21", (42, 20, 116, 53), 1.0), ("物流详情", (295, 82, 423, 124), 0.9847),
    ("杭州市", (557, 160, 627, 189), 0.9999), ("已签收", (166, 364, 282, 413), 0.9911),
    ("中通快递73518294603127", (170, 421, 451, 447), 0.9999), ("复制", (463, 421, 512, 447), 1.0),
    ("签收人：本人04-1814:05", (168, 461, 424, 487), 0.9977),
    ("官方电话95311", (169, 499, 311, 523), 0.9999),
    ("收货地址：浙江省杭州市西湖区文三路**号**小区*幢*单元", (94, 597, 650, 625), 0.9923),
    ("小明138****5621", (94, 629, 271, 656), 0.9794), ("已签收", (93, 674, 179, 710), 0.9932),
    ("【杭州市】快件已签收，签收人：本人，如有疑问请联系派", (106, 712, 655, 738), 0.9995),
    ("件员", (91, 739, 145, 773), 0.9998), ("04-1814:05", (93, 775, 200, 799), 1.0),
    ("派送中", (90, 821, 179, 860), 1.0),
    ("【杭州市】【杭州西湖文三】的派件员张师傅（138****6018)", (105, 858, 678, 887), 0.9786),
    ("正在第1次派件，请保持电话畅通，并耐心等待", (95, 891, 539, 917), 0.9997),
    ("04-1808:41", (94, 923, 199, 946), 1.0), ("运输中", (91, 970, 178, 1006), 0.9995),
    ("【杭州市】快件已到达【杭州西湖文三】", (104, 1006, 474, 1036), 0.9991),
    ("04-18 06:58", (94, 1040, 199, 1064), 0.9864),
    ("【杭州市】快件离开【杭州中转部】已发往【杭州西湖文三】", (106, 1087, 664, 1113), 0.999),
    ("04-1720:46", (93, 1119, 199, 1143), 1.0),
    ("【杭州市】快件已经到达【杭州中转部】", (105, 1164, 472, 1193), 0.9998),
    ("04-17 05:20", (94, 1198, 199, 1221), 0.9618),
])

# Recorded: screenkit.phone_tracking_cainiao() (date and clock stacked left of the text).
CAINIAO_LINES = lines([
    ("包裹详情", (437, 123, 645, 191), 0.9928), ("圆通速递", (75, 256, 262, 312), 0.9954),
    ("运单号：YT7512345678901", (75, 337, 554, 383), 0.9998), ("04-19", (54, 484, 153, 528), 1.0),
    ("快件已被【菜鸟驿站】代收，请及时取件", (236, 488, 929, 534), 0.9996),
    ("09:12", (52, 530, 143, 574), 1.0), ("04-19", (54, 645, 153, 689), 1.0),
    ("【杭州市】快件正在派送中，派送员：李师傅", (256, 647, 1005, 693), 0.9998),
    ("07:40", (52, 691, 143, 733), 1.0), ("04-18", (54, 806, 153, 850), 1.0),
    ("【杭州转运中心】已发出，下一站【杭州西湖", (256, 808, 1003, 854), 0.9995),
    ("22:03", (52, 852, 143, 893), 1.0), ("区】", (232, 858, 304, 913), 0.978),
    ("04-17", (52, 963, 155, 1012), 1.0), ("【广东省深圳市】圆通速递已揽收", (258, 971, 822, 1011), 0.9999),
    ("18:30", (52, 1011, 143, 1054), 1.0),
])


def read(rows: list[OcrLine], ctx: ScreenContext = CTX) -> TrackingReading:
    found = read_tracking(rows, ctx)
    assert found is not None
    return found


# ------------------------------------------------------------------------------ recorded
def test_sample_phone_page_gives_the_export_facts() -> None:
    found = read(SAMPLE_LINES)
    facts = found.facts
    assert (facts.format, facts.courier, facts.courier_name) == ("screenshot", "zhongtong", "中通快递")
    assert facts.waybill == "73518294603127" and facts.waybill_plausible is True
    assert facts.signed_at == at(2025, 4, 18, 14, 5) and facts.signer == "本人"
    assert facts.final_status is TrackingStatus.SIGNED
    assert [e.time for e in facts.events] == [at(2025, 4, 17, 5, 20), at(2025, 4, 17, 20, 46),
                                               at(2025, 4, 18, 6, 58), at(2025, 4, 18, 8, 41),
                                               at(2025, 4, 18, 14, 5)]
    assert facts.events[-1].text == "【杭州市】快件已签收，签收人：本人，如有疑问请联系派件员"
    assert facts.events[3].text.endswith("正在第1次派件，请保持电话畅通，并耐心等待")
    assert facts.events[3].status is TrackingStatus.OUT_FOR_DELIVERY
    assert found.sources["waybill"].line == 4
    assert found.sources["signed_at"].line == 13  # the time line of the signing event
    assert found.sources["events[0]"].confidence == pytest.approx(0.9618)
    assert facts.warnings == []


def test_stacked_date_and_clock_left_of_the_text() -> None:
    facts = read(CAINIAO_LINES).facts
    assert (facts.courier, facts.waybill) == ("yuantong", "YT7512345678901")
    assert len(facts.events) == 4
    assert facts.events[1].text == "【杭州转运中心】已发出，下一站【杭州西湖区】"
    assert facts.final_status is TrackingStatus.LOCKER and facts.signed_at is None


def test_desktop_rows_with_lost_spaces_and_wrapped_text() -> None:
    rows = lines([
        ("申通快递 运单号：773012345678901", (80, 60, 500, 84), 0.99),
        ("时间", (80, 120, 120, 140), 0.99), ("跟踪进度", (360, 120, 440, 140), 0.99),
        ("2025-04-1814:32:07", (80, 160, 250, 180), 0.98),
        ("【杭州市】已签收，签收人：门卫代收，感谢使用申通快递，期待", (360, 160, 900, 180), 0.97),
        ("再次为您服务", (360, 184, 480, 204), 0.96),
        ("2025/04/17 09:01", (80, 230, 250, 250), 0.99), ("【金华市】快件已揽收", (360, 230, 560, 250), 0.99),
    ])
    facts = read(rows, CTX.model_copy(update={"width": 1366})).facts
    assert facts.courier == "shentong" and facts.waybill == "773012345678901"
    assert facts.events[1].time == at(2025, 4, 18, 14, 32, 7)
    assert facts.events[1].text.endswith("期待再次为您服务")
    assert facts.final_status is TrackingStatus.SIGNED_PROXY
    assert facts.signer == "门卫"  # extract_signer's reading, as for an export


def test_two_waybills_are_both_reported_and_none_chosen() -> None:
    rows = lines([
        ("韵达快递 运单号：431234567890123", (40, 40, 600, 80), 0.99),
        ("快递单号：312345678901234", (40, 100, 600, 140), 0.99),
        ("2025-04-18 10:00 快件已揽收", (40, 200, 600, 240), 0.99),
    ])
    found = read(rows, CTX.model_copy(update={"width": 1080}))
    assert found.facts.waybill is None
    assert found.waybills == ["431234567890123", "312345678901234"]
    assert any("431234567890123" in w and "312345678901234" in w for w in found.facts.warnings)


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-04-1814:32:07", (2025, 4, 18, 14, 32, 7)),
    ("tb8837261_222025-04-19 10:02", (2025, 4, 19, 10, 2, 0)),
    ("2025年4月18日 14:32", (2025, 4, 18, 14, 32, 0)),
    ("０４－１８ １６：２０", (None, 4, 18, 16, 20, 0)),
    ("04-1816:20", (None, 4, 18, 16, 20, 0)),
])
def test_times_with_ocr_quirks(text: str, expected: tuple[int | None, ...]) -> None:
    clock = find_times(text)[0]
    assert (clock.year, clock.month, clock.day, clock.hour, clock.minute, clock.second) == expected


def test_month_day_year_from_the_case_and_never_after_the_capture() -> None:
    clock = find_times("12-30 16:20")[0]
    winter = ScreenContext(shipped_at=at(2024, 12, 28, 10, 0), captured_at=at(2025, 1, 3, 9, 0))
    assert winter.complete(clock) == at(2024, 12, 30, 16, 20)
    january = find_times("01-02 08:00")[0]
    assert winter.complete(january) == at(2025, 1, 2, 8, 0)
    late = find_times("01-05 08:00")[0]  # after the capture → the year before
    assert winter.complete(late) == at(2024, 1, 5, 8, 0)
    assert ScreenContext().complete(clock) is None


def test_a_page_without_events_or_waybill_is_not_tracking() -> None:
    assert read_tracking(lines([("商品详情", (0, 0, 100, 20), 0.9)]), CTX) is None


# ------------------------------------------------------------------------------ real engine
def engine_read(image: Image.Image | Path, ctx: ScreenContext) -> TrackingReading:
    text = ocr_image(image)
    reading = read_screen(text.lines, ctx)
    assert reading.reads_as == "tracking", [line.text for line in text.lines]
    assert reading.tracking is not None
    return reading.tracking


@pytest.mark.slow
@pytest.mark.parametrize("theme", [screenkit.LIGHT, screenkit.DARK], ids=["light", "dark"])
def test_drawn_taobao_phone_page(theme: screenkit.Theme) -> None:
    facts = engine_read(screenkit.phone_tracking_taobao(theme), CTX).facts
    assert (facts.courier, facts.waybill) == ("zhongtong", "73518294603127")
    assert (facts.signer, facts.signed_at) == ("本人", at(2025, 4, 18, 14, 5))
    assert facts.final_status is TrackingStatus.SIGNED
    assert len(facts.events) == 5
    assert facts.events[0].status is TrackingStatus.COLLECTED


@pytest.mark.slow
def test_drawn_cainiao_phone_page() -> None:
    facts = engine_read(screenkit.phone_tracking_cainiao(), CTX).facts
    assert (facts.courier, facts.waybill, len(facts.events)) == ("yuantong", "YT7512345678901", 4)
    assert facts.final_status is TrackingStatus.LOCKER and facts.signer is None


@pytest.mark.slow
def test_drawn_jd_phone_page_time_above_text_dark() -> None:
    facts = engine_read(screenkit.phone_tracking_time_above(), CTX).facts
    assert (facts.courier, facts.waybill, len(facts.events)) == ("jd", "JDVA12345678901", 4)
    assert (facts.signer, facts.signed_at) == ("本人", at(2025, 6, 3, 11, 26, 40))


@pytest.mark.slow
@pytest.mark.parametrize(("theme", "courier", "code", "waybill", "header"), [
    (screenkit.LIGHT, "顺丰速运", "shunfeng", "SF1427395068213", True),
    (screenkit.DARK, "韵达快递", "yunda", "431234567890123", False),
], ids=["sf-light", "yunda-dark"])
def test_drawn_desktop_table(theme: screenkit.Theme, courier: str, code: str, waybill: str, header: bool) -> None:
    image = screenkit.desktop_tracking_table(theme, courier=courier, waybill=waybill, header=header)
    facts = engine_read(image, CTX).facts
    assert (facts.courier, facts.waybill, len(facts.events)) == (code, waybill, 5)
    assert (facts.signer, facts.signed_at) == ("仓库", at(2025, 5, 12, 15, 40, 12))


@pytest.mark.slow
def test_bundled_sample_screenshot() -> None:
    found = engine_read(SAMPLES / "signed-not-received/screenshots/tracking.png", CTX)
    facts = found.facts
    assert (facts.courier, facts.waybill, len(facts.events)) == ("zhongtong", "73518294603127", 5)
    assert (facts.signer, facts.signed_at) == ("本人", at(2025, 4, 18, 14, 5))
    assert found.sources["waybill"].confidence > 0.9


@pytest.mark.slow
def test_bundled_return_tracking_screenshot() -> None:
    ctx = ScreenContext(shipped_at=at(2025, 5, 9, 16, 0), captured_at=at(2025, 5, 20, 16, 52))
    facts = engine_read(SAMPLES / "returned-not-ours/screenshots/return_tracking.png", ctx).facts
    assert (facts.courier, facts.waybill) == ("shunfeng", "SF1427395068213")
    assert (facts.signer, facts.signed_at) == ("仓库", at(2025, 5, 12, 15, 40))
    assert facts.final_status is TrackingStatus.SIGNED
    assert len(facts.events) == 5


def test_courier_and_numbers_inside_event_text_are_not_the_page_facts() -> None:
    rows = lines([
        ("运单号：JT0001234567890", (40, 40, 600, 80), 0.99),
        ("2025-04-19 09:12 快件已被【菜鸟驿站】代收，请及时取件", (40, 200, 900, 240), 0.99),
        ("2025-04-18 10:00 顺丰速运 已收取快件，快递员电话13912345678", (40, 260, 900, 300), 0.99),
    ])
    found = read(rows, CTX.model_copy(update={"width": 1080}))
    assert found.facts.courier is None  # no name outside the events (菜鸟 and 顺丰 are in them)
    assert found.waybills == ["JT0001234567890"] and found.facts.waybill == "JT0001234567890"
    assert len(found.facts.events) == 2


def test_address_block_never_joins_the_first_event() -> None:
    tight = {  # no heading; the address block 12 px above the first event's text
        "已签收": None,
        "收货地址：浙江省杭州市西湖区文三路**号**小区*幢*单元": (94, 648, 650, 674),
        "小明138****5621": (94, 676, 271, 700),
    }
    rows = [line if line.text not in tight or line.box[0] > 100 else
            line.model_copy(update={"box": tight[line.text]}) for line in SAMPLE_LINES]
    facts = read([line for line in rows if line.box is not None]).facts
    assert facts.events[-1].text == "【杭州市】快件已签收，签收人：本人，如有疑问请联系派件员"
    assert len(facts.events) == 5
