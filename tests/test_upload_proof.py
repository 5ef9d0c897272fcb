"""The proof image's pure parts (``disputekit.assemble.upload.proof_image``): line breaking, tracking
event choice, detail levels, fitting and its failure, text size, determinism.

Cards are built here from literal strings; photos are Pillow images made in the test.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from disputekit.assemble.upload.proof_image import (
    COMPACT,
    FIT_STEPS,
    FULL,
    MINIMAL,
    FitStep,
    ProofCard,
    ProofImageTooLarge,
    ProofPhoto,
    ProofRow,
    ProofSection,
    encode_jpeg,
    fit_proof,
    key_events,
    min_text_px,
    render_card,
    wrap,
)
from disputekit.clock import CHINA_TZ
from disputekit.errors import ExitCode
from disputekit.models.facts import TrackingEvent, TrackingFacts, TrackingStatus

CLOSING = "，。、；：？！）》」』】〕…—,.;:?!)]}%”’"
OPENING = "（《「『【〔([{“‘"


def measure(text: str) -> float:
    """A fixed-pitch stand-in for a font: CJK 2 units, everything else 1."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


# ---------------------------------------------------------------------------- wrap


def test_wrap_keeps_words_and_numbers_whole() -> None:
    lines = wrap("运单号 73518294603127 已签收", measure, 16, 5)
    assert "73518294603127" in lines


def test_wrap_punctuation_rules() -> None:
    assert wrap("一二三四五，六", measure, 10, 5) == ["一二三四五，", "六"]  # hangs
    assert wrap("一二三四（五六）", measure, 10, 5) == ["一二三四", "（五六）"]  # never ends a line


def test_wrap_ellipsis_after_max_lines() -> None:
    lines = wrap("一二三四五六七八九十" * 3, measure, 10, 2)
    assert len(lines) == 2 and lines[-1].endswith("…") and measure(lines[-1]) <= 10


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("买家没收到货ab1 2，。（）【】SN:A1B2-")), max_size=80),
       st.integers(min_value=6, max_value=40))
def test_wrap_properties(text: str, width: int) -> None:
    lines = wrap(text, measure, width, 100)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")  # nothing lost or added
    for n, line in enumerate(lines):
        assert line.strip()
        body = line.rstrip(CLOSING + " ").lstrip(OPENING)  # these may hang or be carried
        assert measure(body) <= width
        if n > 0 and len(line) > 1:
            assert line[0] not in CLOSING or lines[n - 1][-1] in CLOSING + OPENING
        if n < len(lines) - 1 and line.strip(OPENING + " "):  # (not a line of only openers)
            assert line[-1] not in OPENING


# ---------------------------------------------------------------------------- tracking


def _event(hours: int, status: str, text: str) -> TrackingEvent:
    return TrackingEvent(time=datetime(2025, 4, 16, 8, tzinfo=CHINA_TZ) + timedelta(hours=hours),
                         text=text, status=TrackingStatus(status))


def test_key_events_first_previous_decisive() -> None:
    events = [_event(50, "signed", "已签收"), _event(0, "collected", "已揽收"),
              _event(30, "in_transit", "到达"), _event(45, "out_for_delivery", "派件"),
              _event(60, "in_transit", "误扫")]
    facts = TrackingFacts(format="x", courier="zhongtong", waybill="73518294603127",
                          signed_at=events[0].time, signer="本人", events=events)
    chosen, key = key_events(facts)
    assert [e.text for e in chosen] == ["已揽收", "派件", "已签收"]
    assert key.text == "已签收"


def test_key_events_without_signing_takes_latest() -> None:
    events = [_event(0, "collected", "已揽收"), _event(30, "in_transit", "运输中")]
    facts = TrackingFacts(format="x", courier=None, waybill=None, signed_at=None, signer=None,
                          events=events)
    chosen, key = key_events(facts)
    assert key.text == "运输中" and [e.text for e in chosen] == ["已揽收", "运输中"]


# ---------------------------------------------------------------------------- cards


def chat_section(n: int, hidden: int = 0) -> ProofSection:
    rows = tuple(ProofRow("buyer" if i % 2 else "seller", f"买家 tb · 2025-04-20 10:0{i}:00",
                          f"第{i}条:我没收到货,退钱" * 3) for i in range(n))
    return ProofSection("chat", "聊天记录 E1 · 关键消息", rows, "另有 {n} 条标记消息见证据 E1",
                        hidden)


def tracking_section() -> ProofSection:
    rows = (ProofRow("event", "2025-04-16 17:32:05", "【金华市】已揽收"),
            ProofRow("event", "2025-04-18 08:41:15", "【杭州市】派件中"),
            ProofRow("key", "2025-04-18 14:05:37 · 签收人: 本人", "【杭州市】快件已签收,签收人:本人"))
    return ProofSection("tracking", "物流记录 E2 · 中通快递 73518294603127", rows)


def card(*sections: ProofSection, photos: tuple[ProofPhoto, ...] = ()) -> ProofCard:
    return ProofCard("拒绝退款举证", "订单号 3712345678901234567 · 退款编号 20250420001",
                     ("拒绝理由: 商品已签收(买家称未收到)",), sections, photos, bool(photos),
                     "案件 taobao-20250420001 · disputekit")


def test_detail_levels_keep_decisive_event_and_count_hidden() -> None:
    tracking = tracking_section()
    assert [r.style for r in tracking.visible(MINIMAL)[0]] == ["key"]
    assert len(tracking.visible(FULL)[0]) == 3
    chat = chat_section(7, hidden=2)
    rows, note = chat.visible(COMPACT)
    assert len(rows) == 6 and note == "另有 3 条标记消息见证据 E1"
    assert chat_section(3).visible(FULL)[1] == ""


def test_render_is_deterministic_and_text_large_enough() -> None:
    c = card(tracking_section(), chat_section(3))
    first = encode_jpeg(render_card(c, 1080, []), 75)
    second = encode_jpeg(render_card(c, 1080, []), 75)
    assert first == second
    for step in FIT_STEPS:
        assert min_text_px(step.width) >= 20, step


def test_photos_drawn_side_by_side(tmp_path: Path) -> None:
    photos = tuple(ProofPhoto(f"E{n}", tmp_path / "x", "0" * 64, (f"E{n} 出库照片", "拍摄于 2025-04-16 14:40"))
                   for n in (3, 4))
    red, blue = Image.new("RGB", (400, 300), "red"), Image.new("RGB", (300, 400), "blue")
    image = render_card(card(tracking_section(), photos=photos), 1080, [red, blue])
    pixels = image.load()
    assert pixels is not None
    row = [pixels[x, y] for y in range(image.height) for x in (300, 780)]
    assert (255, 0, 0) in row[0::2] and (0, 0, 255) in row[1::2]


def test_fit_takes_first_step_that_fits() -> None:
    c = card(tracking_section(), chat_section(2))
    fit = fit_proof(c, 130_000, [])
    assert fit.size <= 130_000 and fit.attempts[-1][-1] == fit.size
    assert all(a[-1] > 130_000 for a in fit.attempts[:-1])
    assert (fit.width, fit.detail) == (1080, "full")
    with Image.open(io.BytesIO(fit.data)) as image:
        assert image.size == (fit.width, fit.height)


def test_fit_sheds_detail_last() -> None:
    rng = np.random.default_rng(7)
    noise = [Image.fromarray(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)) for _ in "ab"]
    photos = tuple(ProofPhoto(f"E{n}", Path("x"), "0" * 64, (f"E{n}", "拍摄于 2025-04-16 14:40"))
                   for n in (3, 4))
    c = card(tracking_section(), chat_section(8), photos=photos)
    fit = fit_proof(c, 130_000, noise)
    assert fit.size <= 130_000 and fit.width == 720
    full_attempts = [a for a in fit.attempts if a[2] == "full"]
    assert full_attempts and all(a[-1] > 130_000 for a in full_attempts)


def test_fit_failure_names_smallest_result() -> None:
    steps = (FitStep(900, 1.0, FULL, (60,)), FitStep(720, 1.0, FULL, (50, 40)))
    c = card(tracking_section(), chat_section(4))
    with pytest.raises(ProofImageTooLarge) as caught:
        fit_proof(c, 5_000, [], steps)
    smallest = len(encode_jpeg(render_card(c, 720, []), 40))
    error = caught.value
    assert error.exit_code == ExitCode.VERIFY_FAILED
    assert error.en == (
        f"The proof image cannot be made to fit 5,000 bytes: the smallest was {smallest:,} "
        "bytes (720 px wide, quality 40)."
    )
    assert f"最小为 {smallest:,} 字节" in error.zh


def test_wrap_no_single_character_last_line() -> None:
    assert wrap("一二三四五六", measure, 10, 5) == ["一二三四", "五六"]
    assert wrap("一二三四，六", measure, 10, 5) == ["一二三四，", "六"]  # punctuation stays
