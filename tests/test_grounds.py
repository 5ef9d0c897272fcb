"""`grounds`: which refusal grounds fit a case, and what each still needs."""

from __future__ import annotations

from disputekit.models.case import GROUND_IDS
from disputekit.validate.grounds import GroundFit, fit_grounds
from rulekit import (
    NOW,
    case,
    chat,
    item,
    items,
    memory_case,
    norm,
    return_case,
    return_evidence,
    signed_evidence,
    t,
)


def fits_of(results: list[GroundFit]) -> dict[str, GroundFit]:
    return {g.id: g for g in results}


def test_signed_case_fits_goods_signed_only_among_the_evidence_heavy_grounds() -> None:
    results = fit_grounds(memory_case(case(), signed_evidence()), now=NOW)
    assert sorted(g.id for g in results) == sorted(GROUND_IDS)
    by_id = fits_of(results)
    assert by_id["goods_signed"].fits
    assert by_id["goods_signed"].missing_en == []
    assert by_id["goods_signed"].blocking == []
    assert not by_id["returned_item_not_ours"].fits
    assert {f.rule for f in by_id["returned_item_not_ours"].blocking} >= {
        "grounds.refund-type", "grounds.evidence-present", "tracking.return-known"}


def test_fitting_grounds_come_first() -> None:
    results = fit_grounds(memory_case(case(), signed_evidence()), now=NOW)
    flags = [g.fits for g in results]
    assert flags == sorted(flags, reverse=True)
    assert [g.id for g in results if g.fits] == ["goods_signed"]


def test_grounds_no_rule_can_verify_are_unverified_not_fitting() -> None:
    """Issue 11: any chat used to make custom_made and agreed_otherwise "fit"."""
    by_id = fits_of(fit_grounds(memory_case(case(), signed_evidence()), now=NOW))
    for gid in ("custom_made", "agreed_otherwise"):
        g = by_id[gid]
        assert (g.fits, g.status) == (False, "unverified")
        assert [f.rule for f in g.blocking] == ["grounds.evidence-present", "grounds.facts-established"]
    assert by_id["custom_made"].missing_facts_en == ("The buyer's customisation request (marked chat message)",)
    assert by_id["goods_signed"].status == "fits"
    assert [f.id for f in by_id["goods_signed"].facts] == [
        "shipped", "waybill_matches", "signed", "signed_before_request", "signer_known"]


def test_missing_evidence_is_listed_in_both_languages() -> None:
    by_id = fits_of(fit_grounds(memory_case(case(), signed_evidence()), now=NOW))
    listing = by_id["not_7day_eligible"]
    assert not listing.fits
    assert listing.missing_en == ["listing page or snapshot showing the exclusion"]
    assert [norm(m) for m in listing.missing_zh] == [
        "商品页面/快照截图(显示不支持七天无理由)"]


def test_a_rule_of_the_ground_can_make_it_unfit() -> None:
    """Evidence complete, but the request came inside the 7-day window."""
    by_id = fits_of(fit_grounds(memory_case(case(), signed_evidence()), now=NOW))
    window = by_id["beyond_7day_window"]
    assert (window.fits, window.missing_en, window.status) == (False, [], "blocked")
    assert [f.rule for f in window.blocking] == ["grounds.facts-established", "timeline.beyond-7-days"]


def test_no_evidence_lists_every_need() -> None:
    by_id = fits_of(fit_grounds(memory_case(case()), now=NOW))
    assert by_id["goods_signed"].missing_en == [
        "shipment tracking record (signed status, signer, time)", "Qianniu/Wangwang chat record"]
    assert not any(g.fits for g in by_id.values())


def test_return_case() -> None:
    by_id = fits_of(fit_grounds(memory_case(return_case(), return_evidence()),
                                now=t("2025-04-25 10:00")))
    assert not by_id["returned_item_not_ours"].fits  # no serial numbers: the swap is not shown
    assert by_id["returned_item_not_ours"].missing_facts_en == (
        "The returned item's serial number differs from the shipped one",)
    serials = return_case(serial_shipped="A1B2", serial_returned="Z9Y8")
    with_sn = fits_of(fit_grounds(memory_case(serials, return_evidence()), now=t("2025-04-25 10:00")))
    assert with_sn["returned_item_not_ours"].status == "fits"
    assert with_sn["resale_affected"].status == "unverified"  # no caption names any damage
    returned = by_id["return_not_received"]
    assert returned.status == "blocked"
    assert [f.rule for f in returned.blocking] == ["grounds.facts-established", "tracking.return-not-delivered"]


def test_chat_only_case() -> None:
    by_id = fits_of(fit_grounds(memory_case(case(), items(chat())), now=NOW))
    assert by_id["agreed_otherwise"].status == "unverified"
    assert not by_id["goods_signed"].fits
    marked = [item(1, chat(), tag="agreement", marks=[3])]
    agreed = fits_of(fit_grounds(memory_case(case(), marked), now=NOW))["agreed_otherwise"]
    assert agreed.status == "fits"
    assert [(f.id, f.exhibits, f.locator) for f in agreed.facts] == [("agreement", ("E1",), "message 3")]


def test_json() -> None:
    by_id = fits_of(fit_grounds(memory_case(case(), items(chat())), now=NOW))
    data = by_id["goods_signed"].to_json("en")
    assert data == {
        "ground": "goods_signed",
        "name": "Goods delivered and signed for (buyer says not received)",
        "basis": by_id["goods_signed"].basis,
        "fits": False,
        "status": "unverified",
        "missing": ["shipment tracking record (signed status, signer, time)"],
        "facts": [{"fact": "shipped", "statement": "ZTO Express waybill 73518294603127 shipped at 2025-04-16 15:20",
                   "statement_zh": "中通快递运单73518294603127于2025年04月16日15:20发出",
                   "statement_en": "ZTO Express waybill 73518294603127 shipped at 2025-04-16 15:20",
                   "exhibits": [], "locator": "case.toml shipped_at, [shipment]", "source": "case.toml",
                   "values": {"shipped_date": "2025-04-16", "courier_name": "ZTO Express",
                              "waybill": "73518294603127"}}],
        "missing_facts": ["The tracking record's waybill is this order's",
                          "Tracking shows the parcel signed (not refused or returned)",
                          "Signed before the refund request", "The tracking record names the signer"],
        "blocking": [f.to_json("en") for f in by_id["goods_signed"].blocking],
    }
    assert [b["rule"] for b in data["blocking"]] == ["grounds.evidence-present", "grounds.facts-established"]


def test_the_defences_need_their_tagged_evidence() -> None:
    """Issue 11 §6: quality claim, not-as-described, refused delivery, receipt confirmed."""
    from disputekit.models.facts import TrackingStatus
    from rulekit import document, event, photo, screenshot, tracking

    refused = tracking(signed_at=None, signer=None, final_status=TrackingStatus.RETURNED, events=[
        event("2025-04-16 17:32", TrackingStatus.COLLECTED, "【义乌】已揽收"),
        event("2025-04-18 14:05", TrackingStatus.REFUSED, "收件人拒收"),
        event("2025-04-19 09:00", TrackingStatus.RETURNED, "退回寄件人")])
    evidence = [item(1, chat()), item(2, refused, tag="shipment"), item(3, screenshot(), tag="listing"),
                item(4, document(), tag="certificate"), item(5, photo("2025-04-16 14:40"), tag="before_shipment")]
    facts = case(signed_at=None, order_status="shipped", confirmed_at=None)
    by_id = fits_of(fit_grounds(memory_case(facts, evidence), now=NOW))
    assert {g for g in ("refused_delivery", "quality_claim_defence", "description_match_defence")
            if by_id[g].fits} == {"refused_delivery", "quality_claim_defence", "description_match_defence"}
    refused_fact = next(f for f in by_id["refused_delivery"].facts if f.id == "delivery_refused")
    assert (refused_fact.exhibits, refused_fact.locator) == (("E2",), "event 2")
    assert by_id["receipt_confirmed"].status == "unverified"
    confirmed = fits_of(fit_grounds(memory_case(case(confirmed_at=t("2025-04-19 21:00")), signed_evidence()),
                                    now=NOW))["receipt_confirmed"]
    assert confirmed.status == "fits"
    late = fits_of(fit_grounds(memory_case(case(confirmed_at=t("2025-04-20 11:00")), signed_evidence()),
                               now=NOW))["receipt_confirmed"]
    assert late.status == "unverified"  # confirmed after the request: not this defence


def test_a_screenshot_read_with_low_confidence_establishes_no_fact() -> None:
    """A misread must never decide: the screenshot's tracking counts only when read clearly."""
    from disputekit.validate.facts import established_facts
    from rulekit import ctx, photo
    from test_rules_screenshot import read_tracking

    def signed_from(confidence: float) -> list[str]:
        context = ctx(evidence=items(chat(), (read_tracking(confidence=confidence), "shipment"),
                                     (photo("2025-04-16 14:40"), "before_shipment")))
        return [f.id for f in established_facts(context) if f.exhibits == ("E2",)]

    assert "signed" in signed_from(0.99)
    assert signed_from(0.6) == []
