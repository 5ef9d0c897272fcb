"""Delivery rules: station/locker consent (S1 第28条), a refund requested in transit (第23条)."""

from __future__ import annotations

from disputekit.models.facts import Role, TrackingStatus
from disputekit.validate.check import evaluate
from disputekit.validate.grounds import fit_grounds
from disputekit.validate.rules.finding import Severity
from rulekit import (
    NOW,
    Fires,
    Quiet,
    case,
    chat,
    ctx,
    event,
    item,
    memory_case,
    msg,
    photo,
    signed_evidence,
    t,
    tracking,
)

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO

STATION = {"signer": "驿站代收", "final_status": TrackingStatus.SIGNED_PROXY, "events": [
    event("2025-04-16 17:32", TrackingStatus.COLLECTED, "【义乌】已揽收"),
    event("2025-04-18 14:05", TrackingStatus.SIGNED_PROXY, "已签收,菜鸟驿站代收")]}
CONSENT = [
    msg(1, "2025-04-17 20:13", Role.BUYER, "明天不在家，放驿站就行"),
    msg(2, "2025-04-17 20:20", Role.SELLER, "好的亲"),
    msg(3, "2025-04-20 10:05", Role.BUYER, "订单 3712345678901234567 我没收到,申请退款了"),
]
IN_TRANSIT = {"signed_at": t("2025-04-21 09:00"), "events": [
    event("2025-04-16 17:32", TrackingStatus.COLLECTED, "【义乌】已揽收"),
    event("2025-04-19 08:00", TrackingStatus.IN_TRANSIT, "【杭州】运输中"),
    event("2025-04-21 09:00", TrackingStatus.SIGNED, "已签收,签收人:本人")]}


def station(marks: tuple[int, ...] = ()) -> list:  # type: ignore[type-arg]
    return [item(1, chat(CONSENT), marks=marks), item(2, tracking(**STATION), tag="shipment"),
            item(3, photo(), tag="before_shipment")]


FIRES = [
    Fires("delivery.station-consent", "station-without-consent", lambda: ctx(evidence=station()), W,
          "E2 显示投放驿站/快递柜或由他人代收:按第28条须经买家同意或事先告知",
          "E2 shows station, locker or proxy delivery: under Art. 28 it needs the buyer's consent", ("E2",)),
    Fires("delivery.station-consent", "station-with-marked-consent", lambda: ctx(evidence=station((1,))), INFO,
          "E2 为驿站/快递柜/代收，买家已同意:买家同意代收:“明天不在家，放驿站就行”(E1第1条)",
          "E2: station/locker/proxy delivery, agreed by the buyer", ("E2", "E1")),
    Fires("delivery.in-transit-request", "requested-in-transit",
          lambda: ctx(case(signed_at=t("2025-04-21 09:00")),
                      [item(1, chat()), item(2, tracking(**IN_TRANSIT), tag="shipment")],
                      now=t("2025-04-21 10:00")), W,
          "申请退款(2025-04-20 10:02)时 E2 的包裹仍在途(最后记录 04-19 08:00:【杭州】运输中)。按第23条应协助拦截",
          "When the refund was requested (2025-04-20 10:02) E2's parcel was still in transit", ("E2",)),
]

QUIET = [
    Quiet("delivery.station-consent", "signed-by-addressee", ctx),
    Quiet("delivery.in-transit-request", "signed-before-request", ctx),
    Quiet("delivery.in-transit-request", "return-and-refund",
          lambda: ctx(case(refund_type="return_and_refund", signed_at=t("2025-04-21 09:00")),
                      [item(1, chat()), item(2, tracking(**IN_TRANSIT), tag="shipment")])),
]



def test_marked_consent_lifts_the_cap_on_station_delivery() -> None:
    """Issue 11: a 驿站 case stayed capped at 协商 even with the buyer's own "放驿站就行" marked."""
    from disputekit.profiles.load import load_profile
    from disputekit.validate.advice import advise

    profile = load_profile("taobao")
    weak = evaluate(ctx(evidence=station()))
    marked = evaluate(ctx(evidence=station((1,))))
    assert advise(case(), profile, weak).action == "negotiate"
    assert advise(case(), profile, marked).action == "refuse"
    fit = {g.id: g for g in fit_grounds(memory_case(case(), station((1,))), now=NOW)}["goods_signed"]
    assert fit.status == "fits"


def test_in_transit_advice_is_to_intercept() -> None:
    from disputekit.profiles.load import load_profile
    from disputekit.validate.advice import advise

    context = ctx(case(signed_at=t("2025-04-21 09:00")),
                  [item(1, chat()), item(2, tracking(**IN_TRANSIT), tag="shipment")], now=t("2025-04-21 10:00"))
    advice = advise(context.case, load_profile("taobao"), evaluate(context))
    assert advice.action == "agree"
    assert advice.zh.startswith("申请退款时包裹仍在途：按第23条先联系快递拦截")


def test_signed_evidence_is_untouched() -> None:
    assert [f for f in evaluate(ctx(evidence=signed_evidence())) if f.rule.startswith("delivery.")] == []
