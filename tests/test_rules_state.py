"""State rules: no refusal before shipment; no refusal in states without the button."""

from __future__ import annotations

from disputekit.validate.rules.finding import Severity
from rulekit import Fires, Quiet, case, ctx, return_ctx

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO


def unshipped() -> object:
    return ctx(case(order_status="paid", shipped_at=None, signed_at=None))


FIRES = [
    Fires("state.refund-within-7-days-of-return", "return-signed", return_ctx, INFO,
          "退货已于 2025-04-24 15:40 签收(E4):如为商品完好的七日无理由退货，须在收到退货之日起七日内(2025-05-01 前)退款",
          "The return was signed at 2025-04-24 15:40 (E4): an intact 7-day return must be refunded within 7 days",
          ("E4",)),
    Fires("state.unshipped", "paid-not-shipped", unshipped, B,
          "订单状态为“买家已付款”(未发货),没有拒绝退款按钮。",
          "The order is paid but not shipped: there is no refuse button."),
    Fires("state.unshipped", "gives-the-shop-procedure", unshipped, B,
          "买家同意后再发货,并保存好旺旺聊天记录", "ship only with their consent, and keep the Wangwang chat"),
    Fires("state.refusable", "closed", lambda: ctx(case(state="closed")), B,
          "退款状态为“退款关闭”,已无需拒绝", "The refund is 'Refund closed'; there is nothing to refuse"),
    Fires("state.refusable", "success", lambda: ctx(case(state="success")), B,
          "“退款成功”", "'Refund paid'; there is nothing to refuse"),
    Fires("state.refusable", "already-refused", lambda: ctx(case(state="seller_refused")), INFO,
          "已拒绝退款:买家可在 7 天内(约至 2025-04-27 10:02,可信度低,以千牛为准)修改申请或申请客服介入，"
          "否则退款关闭。请主动联系买家协商",
          "Refund refused: the buyer has 7 days (until about 2025-04-27 10:02; low confidence, Qianniu "
          "wins) to modify the request or ask for intervention, else it closes. Contact the buyer"),
    Fires("state.refusable", "intervening", lambda: ctx(case(state="cs_intervening")), INFO,
          "客服介入", "intervention's evidence period"),
]

QUIET = [
    Quiet("state.refund-within-7-days-of-return", "waiting-seller-agree", ctx),
    Quiet("state.unshipped", "signed", ctx),
    Quiet("state.unshipped", "shipped", lambda: ctx(case(order_status="shipped", signed_at=None))),
    Quiet("state.unshipped", "status-not-given", lambda: ctx(case(order_status=None))),
    Quiet("state.refusable", "waiting-seller-agree", ctx),
    Quiet("state.refusable", "waiting-seller-confirm", lambda: ctx(case(state="waiting_seller_confirm"))),
]
