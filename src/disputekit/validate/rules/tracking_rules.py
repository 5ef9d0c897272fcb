"""Rules on tracking records (S1 Art. 25, 36, 38, 44–45; shop rule 7)."""

from __future__ import annotations

from disputekit.models.facts import TrackingStatus
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO
SIGNED = {TrackingStatus.SIGNED, TrackingStatus.SIGNED_PROXY}


@rule("tracking.waybill-plausible", W, zh="运单号格式符合快递公司规则",
      en="Waybill number plausible for its courier", source="taobao.md §7 (regexes: heuristics; UPU S10 check digit)")
def waybill_plausible(ctx: RuleContext) -> list[Finding]:
    return [
        make(W,
             f"{e.id} 的运单号 {f.waybill} 不符合 {f.courier} 的常见格式，请核对快递公司和单号。",
             f"{e.id}: waybill {f.waybill} does not look like a {f.courier} number; check the courier and number.",
             [e.id])
        for e, f in ctx.trackings() if f.waybill_plausible is False
    ]


@rule("tracking.matches-case", B, zh="物流单号与案件一致", en="Tracking matches the case's waybill",
      source="S1 Art. 9 (relevance)")
def matches_case(ctx: RuleContext) -> list[Finding]:
    out = []
    expected = {"shipment": ctx.case.shipment.waybill, "return": ctx.case.return_shipment.waybill}
    for e, f in ctx.trackings():
        want = expected.get(e.item.tag or "shipment")
        if want and f.waybill and f.waybill.upper() != want.upper():
            out.append(make(B,
                f"{e.id} 的运单号 {f.waybill} 与案件中的 {want} 不一致。请添加正确的物流记录，或修正 case.toml。",
                f"{e.id}: waybill {f.waybill} differs from the case's {want}. Add the right record or fix case.toml.",
                [e.id]))
    if ctx.shipment_tracking() and not ctx.case.shipment.waybill:
        out.append(make(INFO,
            "case.toml 中没有填写发货运单号，无法核对物流记录是否属于本单。",
            "case.toml has no shipment waybill, so the tracking record cannot be matched to the order.",
            [e.id for e, _ in ctx.shipment_tracking()]))
    return out


def _signed(ctx: RuleContext):  # type: ignore[no-untyped-def]
    return [(e, f) for e, f in ctx.shipment_tracking() if f.signed_at is not None]


@rule("tracking.signed-exists", B, zh="有签收记录和签收人", en="A signed event with a signer exists",
      source="S1 Art. 38 (seller bears the burden of proving delivery)", ground_specific=True)
def signed_exists(ctx: RuleContext) -> list[Finding]:
    tracks = ctx.shipment_tracking()
    if not tracks:
        return []
    signed = _signed(ctx)
    if not signed:
        return [make(B,
            "物流记录中没有签收事件，无法证明买家已收货。请提供显示“已签收”的物流详情或快递公司签收底单。",
            "No signed event in the tracking record, so delivery cannot be proven. Provide tracking showing 'signed' or the courier's proof of delivery.",
            [e.id for e, _ in tracks])]
    return [
        make(W,
             f"{e.id} 有签收时间但没有签收人。请向快递公司索取签收底单（含签收人）。",
             f"{e.id} has a signing time but no signer. Ask the courier for the signed delivery slip.",
             [e.id])
        for e, f in signed if not f.signer
    ]


@rule("tracking.signed-before-request", B, zh="签收早于退款申请", en="Signed before the refund request",
      source="S1 Art. 38", ground_specific=True)
def signed_before_request(ctx: RuleContext) -> list[Finding]:
    return [
        make(B,
             f"{e.id} 的签收时间 {f.signed_at:%Y-%m-%d %H:%M} 晚于退款申请时间 {ctx.case.requested_at:%Y-%m-%d %H:%M}：申请时买家确实未收到，不能以“已签收”拒绝。",
             f"{e.id} was signed at {f.signed_at:%Y-%m-%d %H:%M}, after the refund request at {ctx.case.requested_at:%Y-%m-%d %H:%M}: the buyer had not received it when applying, so 'signed' is not a valid ground.",
             [e.id])
        for e, f in _signed(ctx) if f.signed_at and f.signed_at > ctx.case.requested_at
    ]


@rule("tracking.not-refused", B, zh="包裹未被拒收或退回", en="Parcel was not refused or returned",
      source="S1 Art. 37–39", ground_specific=True)
def not_refused(ctx: RuleContext) -> list[Finding]:
    bad = {TrackingStatus.REFUSED, TrackingStatus.RETURNED}
    return [
        make(B,
             f"{e.id} 中有拒收或退回记录，不能以“已签收”为由拒绝。",
             f"{e.id} shows the parcel refused or returned; 'signed' cannot be the ground.",
             [e.id])
        for e, f in ctx.shipment_tracking() if any(ev.status in bad for ev in f.events)
    ]


@rule("tracking.return-known", B, zh="已知退货运单号和快递公司", en="Return waybill and courier are known",
      source="shop rules 7; S1 Art. 44–45", ground_specific=True)
def return_known(ctx: RuleContext) -> list[Finding]:
    r = ctx.case.return_shipment
    if (r.waybill and r.courier) or any(f.waybill and f.courier for _, f in ctx.return_tracking()):
        return []
    return [make(B,
        "还不知道买家的退货运单号和快递公司。请让买家在留言中填写（店铺规则第7条），并写入 case.toml 的 [return_shipment]。",
        "The buyer's return waybill and courier are unknown. Ask the buyer to give them in a message (shop rule 7) and put them in case.toml [return_shipment].")]


@rule("tracking.return-not-delivered", B, zh="退货物流未送达本店", en="Return tracking not delivered to us",
      source="S1 Art. 38, 48", ground_specific=True)
def return_not_delivered(ctx: RuleContext) -> list[Finding]:
    return [
        make(B,
             f"{e.id} 显示退货已于 {f.signed_at:%Y-%m-%d %H:%M} 签收，不能以“未收到退货”拒绝；请先核实仓库登记。",
             f"{e.id} shows the return signed at {f.signed_at:%Y-%m-%d %H:%M}; 'return not received' is not valid. Check the warehouse log first.",
             [e.id])
        for e, f in ctx.return_tracking() if f.signed_at is not None
    ]
