"""Rules on the case's timeline: order of events, future times, the 7-day window."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

from disputekit.validate.deadline import seven_day_end
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO

LABELS = {
    "ordered_at": ("下单", "order"), "paid_at": ("付款", "payment"),
    "shipped_at": ("发货", "shipment"), "signed_at": ("签收", "signing"),
    "requested_at": ("退款申请", "refund request"),
    "state_since": ("进入当前状态", "current state's start"),
}


def _tracking_signed(ctx: RuleContext) -> datetime | None:
    times = [f.signed_at for _, f in ctx.shipment_tracking() if f.signed_at]
    return min(times) if times else None


@rule("timeline.order", B, zh="下单 ≤ 付款 ≤ 发货 ≤ 签收", en="order ≤ payment ≤ shipment ≤ signing",
      source="S1 Art. 25 (shipment time); common sense of the trade")
def order(ctx: RuleContext) -> list[Finding]:
    c = ctx.case
    seq = [(k, getattr(c, k)) for k in ("ordered_at", "paid_at", "shipped_at", "signed_at")]
    known = [(k, v) for k, v in seq if v is not None]
    out = []
    for (ka, va), (kb, vb) in pairwise(known):
        if va > vb:
            out.append(make(B,
                f"时间顺序不对：{LABELS[ka][0]}({va:%Y-%m-%d %H:%M})晚于{LABELS[kb][0]}({vb:%Y-%m-%d %H:%M})。请核对 case.toml。",
                f"Times out of order: {LABELS[ka][1]} ({va:%Y-%m-%d %H:%M}) is after {LABELS[kb][1]} ({vb:%Y-%m-%d %H:%M}). Check case.toml."))
    return out


@rule("timeline.future", B, zh="没有未来的时间", en="No time lies in the future",
      source="S1 Art. 9 (accuracy)")
def future(ctx: RuleContext) -> list[Finding]:
    c = ctx.case
    out = []
    for key in ("ordered_at", "paid_at", "shipped_at", "signed_at", "requested_at", "state_since"):
        value = getattr(c, key)
        if value and value > ctx.now:
            out.append(make(B,
                f"{LABELS[key][0]}时间 {value:%Y-%m-%d %H:%M} 在当前时间之后，请核对（或检查 --now）。",
                f"The {LABELS[key][1]} time {value:%Y-%m-%d %H:%M} is in the future; check it (or --now)."))
    for e in ctx.exhibits:
        when = getattr(e.facts, "taken_at", None) or getattr(e.facts, "signed_at", None)
        if when and when > ctx.now:
            out.append(make(B,
                f"{e.id} 的时间 {when:%Y-%m-%d %H:%M} 在当前时间之后：设备时间可能有误（证据可能不被采信），或 --now 早于实际情况。请核对两者。",
                f"{e.id} carries the time {when:%Y-%m-%d %H:%M}, in the future: the device clock may be wrong (the evidence may be doubted) or --now is too early. Check both.",
                [e.id]))
    return out


@rule("timeline.request-after-signing", B, zh="退款申请晚于签收", en="Refund requested after signing",
      source="S1 Art. 38", ground_specific=True)
def request_after_signing(ctx: RuleContext) -> list[Finding]:
    signed = ctx.case.signed_at or _tracking_signed(ctx)
    if signed is None:
        return [make(B,
            "不知道签收时间，无法证明买家申请退款时已签收。请添加物流记录或在 case.toml 填写 signed_at。",
            "The signing time is unknown, so it cannot be shown the parcel was signed before the request. Add tracking or set signed_at in case.toml.")]
    if ctx.case.requested_at < signed:
        return [make(B,
            f"退款申请（{ctx.case.requested_at:%Y-%m-%d %H:%M}）早于签收（{signed:%Y-%m-%d %H:%M}），不能以“已签收”拒绝。",
            f"The refund was requested ({ctx.case.requested_at:%Y-%m-%d %H:%M}) before signing ({signed:%Y-%m-%d %H:%M}); 'signed' is not a valid ground.")]
    return []


@rule("timeline.signed-matches-tracking", W, zh="案件签收时间与物流一致",
      en="Case signing time matches tracking", source="S1 Art. 9 (accuracy)")
def signed_matches(ctx: RuleContext) -> list[Finding]:
    tracked = _tracking_signed(ctx)
    case_signed = ctx.case.signed_at
    if tracked and case_signed and abs((tracked - case_signed).total_seconds()) > 3600:
        return [make(W,
            f"case.toml 的签收时间 {case_signed:%Y-%m-%d %H:%M} 与物流记录 {tracked:%Y-%m-%d %H:%M} 不一致，请核对。",
            f"case.toml says signed at {case_signed:%Y-%m-%d %H:%M} but tracking says {tracked:%Y-%m-%d %H:%M}; check which is right.")]
    return []


@rule("timeline.beyond-7-days", B, zh="申请已超出七天无理由期限", en="Request is beyond the 7-day window",
      source="S3 Art. 10", ground_specific=True)
def beyond_7_days(ctx: RuleContext) -> list[Finding]:
    signed = ctx.case.signed_at or _tracking_signed(ctx)
    if signed is None:
        return []  # timeline.request-after-signing-style gap is reported by tracking.signed-exists
    days = ctx.profile.thresholds.seven_day_window_days.value
    end = seven_day_end(signed, days)
    if ctx.case.requested_at < end:
        return [make(B,
            f"签收于 {signed:%Y-%m-%d}，七天无理由期限至 {end:%Y-%m-%d %H:%M}，退款申请 {ctx.case.requested_at:%Y-%m-%d %H:%M} 仍在期限内，不能以超期拒绝。",
            f"Signed {signed:%Y-%m-%d}; the 7-day window ends {end:%Y-%m-%d %H:%M}; the request at {ctx.case.requested_at:%Y-%m-%d %H:%M} is inside it, so 'beyond the window' does not apply.")]
    return []
