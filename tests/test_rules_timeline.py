"""Timeline rules: order of events, nothing in the future, signing vs request, 7-day window."""

from __future__ import annotations

from disputekit.validate.deadline import seven_day_end
from disputekit.validate.rules.finding import Severity
from rulekit import (
    Fires,
    Quiet,
    case,
    ctx,
    photo,
    replace,
    run_rule,
    signed_evidence,
    t,
    tracking,
)

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO


def beyond(requested: str) -> object:
    """The good case as a 7-day-window refusal, requested at ``requested``."""
    return ctx(case(ground="beyond_7day_window", requested_at=t(requested),
                    state_since=t(requested)), now=t("2025-05-01 10:00"))


FIRES = [
    Fires("timeline.order", "shipped-before-payment",
          lambda: ctx(case(shipped_at=t("2025-04-15 10:00"))), B,
          "时间顺序不对:付款(2025-04-15 21:34)晚于发货(2025-04-15 10:00)",
          "Times out of order: payment (2025-04-15 21:34) is after shipment (2025-04-15 10:00)"),
    Fires("timeline.order", "gap-in-known-times",
          lambda: ctx(case(paid_at=None, shipped_at=None, signed_at=t("2025-04-14 12:00"))), B,
          "下单(2025-04-15 21:33)晚于签收(2025-04-14 12:00)",
          "order (2025-04-15 21:33) is after signing (2025-04-14 12:00)"),
    Fires("timeline.future", "case-time", lambda: ctx(case(state_since=None), now=t("2025-04-20 09:00")), B,
          "退款申请时间 2025-04-20 10:02 在当前时间之后", "The refund request time 2025-04-20 10:02 is in the future"),
    Fires("timeline.future", "exhibit-time",
          lambda: ctx(evidence=replace(signed_evidence(), 3, photo("2025-04-22 08:00"))), B,
          "E3 的时间 2025-04-22 08:00 在当前时间之后",
          "E3 carries the time 2025-04-22 08:00, in the future", ("E3",)),
    Fires("timeline.future", "exhibit-time-says-check-now",
          lambda: ctx(evidence=replace(signed_evidence(), 2, tracking(signed_at=t("2025-04-22 08:00")))), B,
          "或 --now 早于实际情况", "or --now is too early", ("E2",)),
    Fires("timeline.future", "state-since",
          lambda: ctx(case(state="waiting_seller_confirm", state_since=t("2025-04-22 08:00"))), B,
          "进入当前状态时间 2025-04-22 08:00 在当前时间之后",
          "The current state's start time 2025-04-22 08:00 is in the future; check it (or --now)"),
    Fires("timeline.request-after-signing", "requested-before-signing",
          lambda: ctx(case(signed_at=t("2025-04-20 12:00"))), B,
          "退款申请(2025-04-20 10:02)早于签收(2025-04-20 12:00),不能以“已签收”拒绝",
          "requested (2025-04-20 10:02) before signing (2025-04-20 12:00)"),
    Fires("timeline.request-after-signing", "signing-unknown",
          lambda: ctx(case(signed_at=None), signed_evidence()[:1]), B,
          "不知道签收时间", "The signing time is unknown"),
    Fires("timeline.signed-matches-tracking", "hours-apart",
          lambda: ctx(case(signed_at=t("2025-04-18 18:00"))), W,
          "case.toml 的签收时间 2025-04-18 18:00 与物流记录 2025-04-18 14:05 不一致",
          "case.toml says signed at 2025-04-18 18:00 but tracking says 2025-04-18 14:05"),
    Fires("timeline.beyond-7-days", "inside-window", lambda: beyond("2025-04-25 23:59"), B,
          "七天无理由期限至 2025-04-26 00:00", "the 7-day window ends 2025-04-26 00:00"),
]

QUIET = [
    Quiet("timeline.order", "in-order", ctx),
    Quiet("timeline.order", "same-minute", lambda: ctx(case(paid_at=t("2025-04-15 21:33")))),
    Quiet("timeline.future", "all-past", ctx),
    Quiet("timeline.future", "deadline-may-be-future", lambda: ctx(case(deadline=t("2025-04-25 10:02")))),
    Quiet("timeline.request-after-signing", "signed-first", ctx),
    Quiet("timeline.request-after-signing", "signing-from-tracking", lambda: ctx(case(signed_at=None))),
    Quiet("timeline.signed-matches-tracking", "within-the-hour",
          lambda: ctx(case(signed_at=t("2025-04-18 15:00")))),
    Quiet("timeline.beyond-7-days", "window-over", lambda: beyond("2025-04-26 00:00")),
    Quiet("timeline.beyond-7-days", "signing-unknown",
          lambda: ctx(case(ground="beyond_7day_window", signed_at=None), signed_evidence()[:1])),
]



def test_seven_day_window_starts_the_day_after_signing() -> None:
    assert seven_day_end(t("2025-04-18 23:59"), 7) == t("2025-04-26 00:00")
    assert seven_day_end(t("2025-04-19 00:00"), 7) == t("2025-04-27 00:00")


def test_every_adjacent_pair_out_of_order_is_reported() -> None:
    context = ctx(case(paid_at=t("2025-04-17 00:00"), shipped_at=t("2025-04-16 00:00"),
                       signed_at=t("2025-04-15 00:00")))
    found = run_rule("timeline.order", context)
    assert [f.en.split(" is after ")[0] for f in found] == [
        "Times out of order: payment (2025-04-17 00:00)",
        "Times out of order: shipment (2025-04-16 00:00)",
    ]
