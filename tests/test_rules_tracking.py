"""Tracking rules: waybill format and match, signing proof, station/locker delivery, the return parcel."""

from __future__ import annotations

from disputekit.models.facts import TrackingFacts
from disputekit.models.facts import TrackingStatus as S
from disputekit.validate.check import evaluate
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Severity
from rulekit import (
    RETURN_WAYBILL,
    WAYBILL,
    Fires,
    Quiet,
    case,
    ctx,
    event,
    replace,
    return_case,
    return_ctx,
    return_evidence,
    return_tracking,
    signed_evidence,
    t,
    tracking,
)

B, W, INFO = Severity.BLOCKING, Severity.WARNING, Severity.INFO


def with_tracking(facts: TrackingFacts, **case_changes: object) -> RuleContext:
    """The good case with exhibit E2 (the shipment tracking) replaced."""
    return ctx(case(**case_changes), replace(signed_evidence(), 2, facts))


def with_return_tracking(facts: TrackingFacts, **case_changes: object) -> RuleContext:
    """The good return case with exhibit E4 (the return tracking) replaced."""
    return return_ctx(return_case(**case_changes), replace(return_evidence(), 4, facts))


UNSIGNED = {"signed_at": None, "signer": None, "final_status": S.IN_TRANSIT,
            "events": [event("2025-04-16 17:32", S.COLLECTED), event("2025-04-17 08:00", S.IN_TRANSIT)]}
PROXY = {"signer": "驿站代收", "final_status": S.SIGNED_PROXY,
         "events": [event("2025-04-16 17:32", S.COLLECTED), event("2025-04-18 14:05", S.SIGNED_PROXY)]}
LOCKER = {"final_status": S.SIGNED,
          "events": [event("2025-04-16 17:32", S.COLLECTED), event("2025-04-18 09:00", S.LOCKER),
                     event("2025-04-18 14:05", S.SIGNED)]}
REFUSED = {"final_status": S.RETURNED,
           "events": [event("2025-04-16 17:32", S.COLLECTED), event("2025-04-18 14:05", S.REFUSED),
                      event("2025-04-19 09:00", S.RETURNED)]}

FIRES = [
    Fires("tracking.waybill-plausible", "bad-format",
          lambda: with_tracking(tracking(waybill_plausible=False)), W,
          f"运单号 {WAYBILL} 不符合 zhongtong 的常见格式",
          f"waybill {WAYBILL} does not look like a zhongtong number", ("E2",)),
    Fires("tracking.matches-case", "other-waybill",
          lambda: with_tracking(tracking(waybill="73518294600000")), B,
          f"运单号 73518294600000 与案件中的 {WAYBILL} 不一致",
          f"waybill 73518294600000 differs from the case's {WAYBILL}", ("E2",)),
    Fires("tracking.matches-case", "other-return-waybill",
          lambda: with_return_tracking(return_tracking(waybill="SF0000000000000")), B,
          f"与案件中的 {RETURN_WAYBILL} 不一致", f"differs from the case's {RETURN_WAYBILL}",
          ("E4",)),
    Fires("tracking.matches-case", "case-has-no-waybill",
          lambda: with_tracking(tracking(), shipment=None), INFO,
          "case.toml 中没有填写发货运单号", "case.toml has no shipment waybill", ("E2",)),
    Fires("tracking.signed-exists", "never-signed", lambda: with_tracking(tracking(**UNSIGNED)), B,
          "物流记录中没有签收事件", "No signed event in the tracking record", ("E2",)),
    Fires("tracking.signed-exists", "no-signer", lambda: with_tracking(tracking(signer=None)), W,
          "有签收时间但没有签收人", "has a signing time but no signer", ("E2",)),
    Fires("tracking.signed-before-request", "signed-after-request",
          lambda: with_tracking(tracking(signed_at=t("2025-04-20 12:00"))), B,
          "签收时间 2025-04-20 12:00 晚于退款申请时间 2025-04-20 10:02",
          "signed at 2025-04-20 12:00, after the refund request at 2025-04-20 10:02", ("E2",)),
    Fires("delivery.station-consent", "station", lambda: with_tracking(tracking(**PROXY)), W,
          "显示投放驿站/快递柜或由他人代收", "station, locker or proxy delivery", ("E2",)),
    Fires("delivery.station-consent", "locker-event", lambda: with_tracking(tracking(**LOCKER)), W,
          "按第28条须经买家同意或事先告知", "under Art. 28 it needs the buyer's consent or notice", ("E2",)),
    Fires("tracking.not-refused", "refused", lambda: with_tracking(tracking(**REFUSED)), B,
          "有拒收或退回记录", "shows the parcel refused or returned", ("E2",)),
    Fires("tracking.return-known", "unknown",
          lambda: return_ctx(return_case(return_shipment=None),
                             replace(return_evidence(), 4, return_tracking(courier=None))), B,
          "还不知道买家的退货运单号和快递公司", "return waybill and courier are unknown"),
    Fires("tracking.return-not-delivered", "return-signed",
          lambda: return_ctx(return_case(ground="return_not_received")), B,
          "显示退货已于 2025-04-24 15:40 签收,不能以“未收到退货”拒绝",
          "shows the return signed at 2025-04-24 15:40; 'return not received' is not valid",
          ("E4",)),
]

QUIET = [
    Quiet("tracking.waybill-plausible", "plausible", ctx),
    Quiet("tracking.waybill-plausible", "unknown-courier-format",
          lambda: with_tracking(tracking(waybill_plausible=None))),
    Quiet("tracking.matches-case", "same-waybill", ctx),
    Quiet("tracking.matches-case", "return-case-insensitive",
          lambda: with_return_tracking(return_tracking(waybill=RETURN_WAYBILL.lower()))),
    Quiet("tracking.signed-exists", "signed-by-buyer", ctx),
    Quiet("tracking.signed-exists", "no-tracking-at-all",
          lambda: ctx(evidence=signed_evidence()[:1])),
    Quiet("tracking.signed-before-request", "signed-before", ctx),
    Quiet("delivery.station-consent", "signed-in-person", ctx),
    Quiet("delivery.station-consent", "locker-long-before-signing", lambda: with_tracking(tracking(
        events=[event("2025-04-16 17:32", S.LOCKER), event("2025-04-17 08:00", S.IN_TRANSIT),
                event("2025-04-18 14:05", S.SIGNED)]))),
    Quiet("tracking.not-refused", "delivered", ctx),
    Quiet("tracking.return-known", "in-case-toml", return_ctx),
    Quiet("tracking.return-known", "from-return-tracking",
          lambda: return_ctx(return_case(return_shipment=None))),
    Quiet("tracking.return-not-delivered", "return-in-transit", lambda: with_return_tracking(
        return_tracking(signed_at=None, signer=None, final_status=S.IN_TRANSIT,
                        events=[event("2025-04-22 15:05", S.COLLECTED)]),
        ground="return_not_received")),
]



def test_untagged_tracking_counts_as_the_shipment() -> None:
    context = ctx(case(signed_at=None), replace(signed_evidence(), 2, tracking(**UNSIGNED), tag=None))
    assert [e.id for e, _ in context.shipment_tracking()] == ["E2"]
    blocking = {(f.rule, *f.exhibits) for f in evaluate(context) if f.severity == B}
    assert blocking == {("tracking.signed-exists", "E2"), ("timeline.request-after-signing",),
                        ("grounds.facts-established",)}


def test_return_tracking_is_not_the_shipment() -> None:
    context = return_ctx()
    assert [e.id for e, _ in context.shipment_tracking()] == ["E5"]
    assert [e.id for e, _ in context.return_tracking()] == ["E4"]
