"""Screenshot rules, and screenshots standing in for tracking/chat evidence in every other rule.

Facts are built by hand (no OCR here: the readers and the engine have their own tests), so each
scenario says exactly which reading makes a rule fire.
"""

from __future__ import annotations

from typing import Any

from disputekit.models.facts import ScreenChat, ScreenTracking
from disputekit.models.screen import OcrLine, OcrText, Source
from disputekit.validate.check import evaluate
from disputekit.validate.rules.finding import Severity
from rulekit import (
    WAYBILL,
    Fires,
    Quiet,
    Role,
    chat,
    ctx,
    items,
    msg,
    photo,
    screenshot,
    tracking,
)

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO
LINES = [OcrLine(text=f"line {i}", box=(10, 40 * i, 600, 40 * i + 30), confidence=0.99) for i in range(6)]


def read_tracking(confidence: float = 0.99, **extra: Any) -> Any:
    """A screenshot read as the shipment's tracking page (the sample's parcel)."""
    record = tracking(**extra)
    sources = {key: Source(line=2, confidence=confidence) for key in ("waybill", "signed_at", "signer")}
    reading = ScreenTracking.model_validate({**record.model_dump(), "format": "screenshot",
                                             "sources": sources, "waybills": [record.waybill] if record.waybill else []})
    return screenshot(text_status="read", text=OcrText(engine="test", lines=LINES),
                      reads_as="tracking", tracking=reading)


def only_screenshot(**extra: Any) -> Any:
    """The case's only tracking evidence is a tracking screenshot (plus chat and photos)."""
    return ctx(evidence=items(chat(), (read_tracking(**extra), "shipment"),
                              (photo("2025-04-16 14:40"), "before_shipment")))


def shot(**extra: Any) -> Any:
    return ctx(evidence=items(chat(), (tracking(), "shipment"), (screenshot(**extra), "shipment")))


FIRES = [
    Fires("screenshot.read", "engine-failed", lambda: shot(text_status="failed"), W,
          "E3 的文字没有识别成功，按普通图片处理", "The text of E3 could not be read", ("E3",)),
    Fires("screenshot.read", "too-small", lambda: shot(text_status="unreadable"), W,
          "E3 太小或太模糊，无法识别文字", "E3 is too small or blurred to read", ("E3",)),
    Fires("screenshot.one-waybill", "two-waybills",
          lambda: ctx(evidence=items(chat(), (screenshot(
              text_status="read", text=OcrText(engine="test", lines=LINES), reads_as="tracking",
              tracking=ScreenTracking.model_validate({**tracking(waybill=None).model_dump(),
                                                      "waybills": [WAYBILL, "75123456789012"]})), "shipment"))),
          W, f"E2 上有多个运单号（{WAYBILL}、75123456789012），无法判断是哪一个包裹，未采用任何一个",
          f"E2 shows several waybills ({WAYBILL}, 75123456789012)", ("E2",)),
    Fires("screenshot.confidence", "low-confidence-waybill", lambda: only_screenshot(confidence=0.6), W,
          "E2 中以下内容识别可信度低，不能单独作为拒绝依据：signed_at（第 3 行“line 2”，0.60）",
          "E2: these values were read with low confidence", ("E2",)),
]

def refund_shot(refund_id: str = "20250420001", read_deadline: str = "2025-04-25 10:02",
                **case_kw: Any) -> Any:
    """A refund detail page read from a screenshot, beside the usual chat and tracking."""
    from datetime import timedelta

    from disputekit.models.facts import ScreenRefund
    from rulekit import case, t

    reading = ScreenRefund(refund_id=refund_id, countdown=timedelta(days=4, hours=1, minutes=2),
                           deadline=t(read_deadline), captured_at=t("2025-04-21 09:00"),
                           captured_basis="file_time")
    shot_facts = screenshot(text_status="read", text=OcrText(engine="test", lines=LINES),
                            reads_as="refund", refund=reading)
    return ctx(case(**case_kw), items(chat(), (tracking(), "shipment"), shot_facts))


FIRES += [
    Fires("screenshot.refund-page", "other-refund", lambda: refund_shot("20250499999"), W,
          "E3 显示的退款编号 20250499999 与案件的退款编号 20250420001 不一致",
          "E3 shows refund 20250499999, not this case's 20250420001", ("E3",)),
    Fires("screenshot.refund-page", "no-deadline-in-case", lambda: refund_shot(deadline=None), W,
          "E3 的倒计时推算处理期限约为 2025-04-25 10:02（按文件的修改时间计算，系从图片识别）",
          "counted from the file's modification time; read from an image", ("E3",)),
    Fires("screenshot.refund-page", "disagrees-with-case", lambda: refund_shot(read_deadline="2025-04-24 08:00"), W,
          "E3 的倒计时推算的期限 2025-04-24 08:00（按文件的修改时间计算）与 case.toml 的 deadline 2025-04-25 10:02 不一致",
          "but case.toml says 2025-04-25 10:02", ("E3",)),
]

QUIET = [
    Quiet("screenshot.read", "read", only_screenshot),
    Quiet("screenshot.read", "plain-photo-no-text", lambda: shot(text_status="no_text")),
    Quiet("screenshot.one-waybill", "one-waybill", only_screenshot),
    Quiet("screenshot.confidence", "confident", only_screenshot),
    Quiet("screenshot.refund-page", "matches-case", refund_shot),
    Quiet("screenshot.refund-page", "no-refund-page", only_screenshot),
]



def _blocking(context: Any) -> list[str]:
    return sorted(f.rule for f in evaluate(context) if f.severity == B)


def test_a_tracking_screenshot_is_the_tracking_record_for_every_rule() -> None:
    exported = ctx(evidence=items(chat(), (tracking(), "shipment"), (photo("2025-04-16 14:40"), "before_shipment")))
    assert _blocking(only_screenshot()) == _blocking(exported) == []


def test_a_screenshot_of_another_parcel_is_flagged_naming_both_numbers() -> None:
    found = [f for f in evaluate(only_screenshot(waybill="75123456789012")) if f.rule == "tracking.matches-case"]
    assert [f.severity for f in found] == [B]
    assert "75123456789012" in found[0].zh and WAYBILL in found[0].zh
    assert found[0].exhibits == ["E2"]


def test_a_misread_never_decides_a_blocking_finding_alone() -> None:
    found = [f for f in evaluate(only_screenshot(waybill="75123456789012", confidence=0.6))
             if f.rule == "tracking.matches-case"]
    assert [f.severity for f in found] == [W]
    assert found[0].zh.endswith("（依据的截图内容识别可信度低，暂作提醒；请核对截图。）")


def test_without_the_screenshot_the_tracking_need_is_missing() -> None:
    context = ctx(evidence=items(chat(), (photo("2025-04-16 14:40"), "before_shipment")))
    assert "grounds.evidence-present" in _blocking(context)


def test_a_chat_screenshot_counts_as_chat_with_its_roles() -> None:
    messages = [msg(1, "2025-04-20 09:58", Role.BUYER, "我没收到货"),
                msg(2, "2025-04-20 10:05", Role.SELLER, "物流显示已签收")]
    reading = ScreenChat(layout="bubbles", messages=messages)
    context = ctx(evidence=items((read_tracking(), "shipment"), screenshot(
        text_status="read", text=OcrText(engine="test", lines=LINES), reads_as="chat", chat=reading)))
    chats = context.chats()
    assert [(e.id, [m.role for m in c.messages]) for e, c in chats] == [("E2", [Role.BUYER, Role.SELLER])]
    assert chats[0][1].format == "screenshot"
