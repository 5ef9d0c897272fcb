"""Rules on the refund state: can the seller refuse now at all?"""

from __future__ import annotations

from disputekit.models.case import OrderStatus, RefundState
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
    return [make(INFO,
        f"退款状态为“{state.label_zh}”，此时不能点击拒绝；证据包可用于后续协商或客服介入举证。",
        f"The refund is '{state.label_en}'; no refusal is possible now. Use the dossier for negotiation or the intervention's evidence period.")]
