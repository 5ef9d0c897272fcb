"""The deadline rule: passed → blocking, < 24 h → warning, estimated → info; sellers only."""

from __future__ import annotations

from disputekit.validate.rules.finding import Severity
from rulekit import Fires, Quiet, case, ctx, run_rule, t

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO
DEADLINE = "2025-04-25 10:02"  # the good case's 千牛 countdown

FIRES = [
    Fires("deadline.timeout", "seller-acts-no-deadline-known",
          lambda: ctx(case(state="waiting_seller_confirm", deadline=None, state_since=None)), W,
          "不知道“买家已经退货，等待卖家确认收货”的处理期限。请读取千牛倒计时",
          "The deadline of 'Buyer returned the goods; waiting for the seller to confirm receipt' is unknown"),
    Fires("deadline.timeout", "return-address-period-unknown",
          lambda: ctx(case(state="waiting_return_address", deadline=None, state_since=t("2025-04-20 10:00"))), W,
          "不知道“等待卖家确认退货地址”的处理期限", "The deadline of 'Waiting for the seller to confirm"),
    Fires("deadline.timeout", "passed", lambda: ctx(now=t("2025-04-25 11:02")), B,
          "处理期限 2025-04-25 10:02 已过 1.0 小时,退款可能已自动完成",
          "The deadline 2025-04-25 10:02 passed 1.0 h ago; the refund may have completed"),
    Fires("deadline.timeout", "ten-hours-left", lambda: ctx(now=t("2025-04-25 00:02")), W,
          "距处理期限 2025-04-25 10:02 只剩 10.0 小时,请今天处理,切勿超时",
          "Only 10.0 h left until 2025-04-25 10:02: handle it today"),
    Fires("deadline.timeout", "estimated", lambda: ctx(case(deadline=None)), INFO,
          "期限为估算值", "The deadline is estimated (confidence low: taobao.md §1.2"),
    Fires("deadline.timeout", "both-act-in-intervention",
          lambda: ctx(case(state="cs_intervening", deadline=t("2025-04-21 12:00"))), W,
          "只剩 2.0 小时", "Only 2.0 h left"),
]

QUIET = [
    Quiet("deadline.timeout", "days-left", ctx),
    Quiet("deadline.timeout", "exactly-24-hours", lambda: ctx(now=t("2025-04-24 10:02"))),
    Quiet("deadline.timeout", "buyer-must-act",
          lambda: ctx(case(state="waiting_buyer_return"), now=t("2025-04-26 10:00"))),
    Quiet("deadline.timeout", "closed-refund",
          lambda: ctx(case(state="closed"), now=t("2025-04-26 10:00"))),
    Quiet("deadline.timeout", "buyer-acts-no-deadline-known",
          lambda: ctx(case(state="waiting_buyer_return", deadline=None, state_since=None))),
]



def test_estimated_and_passed_gives_both_findings() -> None:
    found = run_rule("deadline.timeout", ctx(case(deadline=None), now=t("2025-04-26 10:02")))
    assert [(f.severity, f.en.split(";")[0]) for f in found] == [
        (B, "The deadline 2025-04-25 10:02 passed 24.0 h ago"),
        (INFO, "The deadline is estimated (confidence low: taobao.md §1.2: S8 Taobao help copy (~2014) "
            "等待卖家在5天内做出响应"),
    ]
