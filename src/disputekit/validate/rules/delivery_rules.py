"""Rules on how the parcel was delivered: station/locker consent (S1 第28条), interception of a
parcel still in transit (S1 第23条)."""

from __future__ import annotations

from disputekit.models.case import RefundType
from disputekit.models.facts import TrackingStatus
from disputekit.validate.facts import delivery_consent, matching_shipments
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO
PROXY = {TrackingStatus.SIGNED_PROXY, TrackingStatus.LOCKER}
PROXY_SIGNERS = ("驿站", "快递柜", "代收", "丰巢", "门卫", "前台", "家人", "同事")
DONE = {TrackingStatus.SIGNED, TrackingStatus.SIGNED_PROXY, TrackingStatus.LOCKER,
        TrackingStatus.REFUSED, TrackingStatus.RETURNED}


def _by_proxy(ctx: RuleContext) -> list[str]:
    out = []
    for e, f in ctx.shipment_tracking():
        signer = f.signer or ""
        if (f.final_status in PROXY or any(ev.status in PROXY for ev in f.events[-2:])
                or any(word in signer for word in PROXY_SIGNERS)):
            out.append(e.id)
    return out


@rule("delivery.station-consent", W, zh="驿站/快递柜/代收有买家同意或取件记录",
      en="Station, locker or proxy delivery has the buyer's consent or a pickup record",
      source="S1 第28条 (delivery to a pickup point needs the buyer's consent or notice); 《快递市场管理办法》 2024",
      ground_specific=True)
def station_consent(ctx: RuleContext) -> list[Finding]:
    ids = _by_proxy(ctx)
    if not ids:
        return []
    consent = delivery_consent(ctx)
    if consent is not None:
        return [make(INFO,
            f"{'、'.join(ids)} 为驿站/快递柜/代收，买家已同意：{consent.zh}。",
            f"{', '.join(ids)}: station/locker/proxy delivery, agreed by the buyer: {consent.en}.",
            [*ids, *consent.exhibits])]
    return [make(W,
        f"{'、'.join(ids)} 显示投放驿站/快递柜或由他人代收：按第28条须经买家同意或事先告知，证明力较弱。"
        "请补充驿站或快递公司的取件/出库记录（谁、何时取件），以及买家同意代收的聊天消息（用 disputekit mark 标记）。",
        f"{', '.join(ids)} shows station, locker or proxy delivery: under Art. 28 it needs the buyer's consent or notice, so the proof is weaker. "
        "Add the station's or courier's pickup (取件/出库) record, and mark the chat message where the buyer agreed (`disputekit mark`).",
        ids)]


@rule("delivery.in-transit-request", W, zh="申请退款时包裹仍在途：应拦截而不是拒绝",
      en="Refund requested while the parcel was in transit: intercept, do not refuse",
      source="S1 第23条 (the seller must intercept a parcel on a refund request in transit)")
def in_transit_request(ctx: RuleContext) -> list[Finding]:
    if ctx.case.refund_type != RefundType.REFUND_ONLY:
        return []
    req = ctx.case.requested_at
    for e, f in matching_shipments(ctx):
        before = [ev for ev in f.events if ev.time <= req]
        if before and before[-1].status not in DONE:
            last = before[-1]
            return [make(W,
                f"申请退款（{req:%Y-%m-%d %H:%M}）时 {e.id} 的包裹仍在途（最后记录 {last.time:%m-%d %H:%M}：{last.text}）。"
                "按第23条应协助拦截：请立即联系快递拦截退回，拦截成功或退回签收后同意退款，不要以“已签收”拒绝。",
                f"When the refund was requested ({req:%Y-%m-%d %H:%M}) {e.id}'s parcel was still in transit (last event {last.time:%m-%d %H:%M}: {last.text}). "
                "Under Art. 23 intercept it: ask the courier to stop and return it, and agree to the refund once it is intercepted or back; do not refuse as 'signed'.",
                [e.id])]
    return []
