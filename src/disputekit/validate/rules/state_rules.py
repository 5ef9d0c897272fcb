"""Rules on the refund state: can the seller refuse now at all?"""

from __future__ import annotations

from datetime import timedelta

from disputekit.models.case import OrderStatus, RefundState
from disputekit.validate.deadline import add_timeout
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO


@rule("state.unshipped", B, zh="未发货时无法拒绝", en="No refusal before shipment",
      source="shop rules (买家已付款时如何拒绝); S1 Art. 27")
def unshipped(ctx: RuleContext) -> list[Finding]:
    if ctx.case.order_status != OrderStatus.PAID:
        return []
    u = ctx.profile.unshipped
    return [make(B,
        "订单状态为“买家已付款”（未发货），没有拒绝退款按钮。" + u.procedure_zh,
        "The order is paid but not shipped: there is no refuse button. " + u.procedure_en)]


@rule("state.refusable", B, zh="当前状态可以拒绝", en="The current state allows a refusal",
      source="profile states.*.refusable (taobao.md §1.1)")
def refusable(ctx: RuleContext) -> list[Finding]:
    state = ctx.profile.state(ctx.case.state.value)
    if state is None or state.refusable:
        return []
    if ctx.case.state in (RefundState.CLOSED, RefundState.SUCCESS):
        return [make(B,
            f"退款状态为“{state.label_zh}”，已无需拒绝。可以直接归档。",
            f"The refund is '{state.label_en}'; there is nothing to refuse. Archive the case.")]
    if ctx.case.state == RefundState.SELLER_REFUSED:
        until, until_en = "", ""
        if state.timeout is not None and ctx.case.state_since is not None:
            end = add_timeout(ctx.case.state_since, state.timeout)
            until = f"（约至 {end:%Y-%m-%d %H:%M}，可信度低，以千牛为准）"
            until_en = f" (until about {end:%Y-%m-%d %H:%M}; low confidence, Qianniu wins)"
        return [make(INFO,
            f"已拒绝退款：买家可在 {state.timeout.amount:g} 天内{until}修改申请或申请客服介入，否则退款关闭。"
            "请主动联系买家协商（部分退款、补寄、转账退邮费），保存聊天记录，并备好证据包以便介入时举证。"
            if state.timeout else "已拒绝退款：请主动联系买家协商，保存聊天记录，并备好证据包以便介入时举证。",
            f"Refund refused: the buyer has {state.timeout.amount:g} days{until_en} to modify the request or ask for intervention, else it closes. "
            "Contact the buyer to negotiate (partial refund, reshipping, postage by transfer), keep the chat, and have the dossier ready for the intervention."
            if state.timeout else "Refund refused: contact the buyer to negotiate, keep the chat, and have the dossier ready for an intervention.")]
    return [make(INFO,
        f"退款状态为“{state.label_zh}”，此时不能点击拒绝；证据包可用于后续协商或客服介入举证。",
        f"The refund is '{state.label_en}'; no refusal is possible now. Use the dossier for negotiation or the intervention's evidence period.")]


@rule("state.refund-within-7-days-of-return", INFO, zh="完好的七日无理由退货：收到退货后七日内退款",
      en="An intact 7-day return: refund within 7 days of receiving it", source="办法 第13条 (penalties 第31条③)")
def refund_within_7_days(ctx: RuleContext) -> list[Finding]:
    if ctx.case.state != RefundState.WAITING_SELLER_CONFIRM:
        return []
    signed = [(e, f.signed_at) for e, f in ctx.return_tracking() if f.signed_at]
    if not signed:
        return []
    e, at = min(signed, key=lambda pair: pair[1])
    end = at + timedelta(days=7)
    return [make(INFO,
        f"退货已于 {at:%Y-%m-%d %H:%M} 签收（{e.id}）：如为商品完好的七日无理由退货，须在收到退货之日起七日内（{end:%Y-%m-%d} 前）退款（办法第13条）。",
        f"The return was signed at {at:%Y-%m-%d %H:%M} ({e.id}): an intact 7-day return must be refunded within 7 days of receipt (by {end:%Y-%m-%d}; 办法 Art. 13).",
        [e.id])]
