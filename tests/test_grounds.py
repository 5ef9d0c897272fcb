"""`grounds`: which refusal grounds fit a case, and what each still needs."""

from __future__ import annotations

from disputekit.models.case import GROUND_IDS
from disputekit.validate.grounds import GroundFit, fit_grounds
from rulekit import (
    NOW,
    case,
    chat,
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
    assert [g.id for g in results if g.fits] == sorted(
        ["goods_signed", "custom_made", "agreed_otherwise"])


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
    assert (window.fits, window.missing_en) == (False, [])
    assert [f.rule for f in window.blocking] == ["timeline.beyond-7-days"]


def test_no_evidence_lists_every_need() -> None:
    by_id = fits_of(fit_grounds(memory_case(case()), now=NOW))
    assert by_id["goods_signed"].missing_en == [
        "shipment tracking record (signed status, signer, time)", "Qianniu/Wangwang chat record"]
    assert not any(g.fits for g in by_id.values())


def test_return_case() -> None:
    by_id = fits_of(fit_grounds(memory_case(return_case(), return_evidence()),
                                now=t("2025-04-25 10:00")))
    assert by_id["returned_item_not_ours"].fits
    assert by_id["resale_affected"].fits
    returned = by_id["return_not_received"]
    assert not returned.fits
    assert [f.rule for f in returned.blocking] == ["tracking.return-not-delivered"]


def test_chat_only_case() -> None:
    by_id = fits_of(fit_grounds(memory_case(case(), items(chat())), now=NOW))
    assert by_id["agreed_otherwise"].fits
    assert not by_id["goods_signed"].fits


def test_json() -> None:
    by_id = fits_of(fit_grounds(memory_case(case(), items(chat())), now=NOW))
    data = by_id["goods_signed"].to_json("en")
    assert data == {
        "ground": "goods_signed",
        "name": "Goods delivered and signed for (buyer says not received)",
        "basis": by_id["goods_signed"].basis,
        "fits": False,
        "missing": ["shipment tracking record (signed status, signer, time)"],
        "blocking": [f.to_json("en") for f in by_id["goods_signed"].blocking],
    }
    assert [b["rule"] for b in data["blocking"]] == ["grounds.evidence-present"]
