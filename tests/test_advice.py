"""Advice (shop rules 2–4): agree when small, negotiate when weak or medium, refuse when strong."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from disputekit.profiles.load import load_profile
from disputekit.validate.advice import advise, strength_of
from disputekit.validate.rules.finding import Finding, Severity
from rulekit import case, return_case

TAOBAO = load_profile("taobao")
ESCALATE_EN = "Negotiation failed, so intervention is reasonable."
ESCALATE_ZH = "协商已失败时可申请客服介入。"


def finding(severity: Severity, rule: str = "chat.timestamps") -> Finding:
    return Finding(rule=rule, severity=severity, zh="问题", en="problem")


STRONG: list[Finding] = [finding(Severity.INFO)]
MEDIUM = [finding(Severity.WARNING)]
WEAK = [finding(Severity.WARNING), finding(Severity.BLOCKING, "grounds.evidence-present")]


@pytest.mark.parametrize(
    ("findings", "strength"),
    [([], "strong"), (STRONG, "strong"), (MEDIUM, "medium"), (WEAK, "weak"),
     ([finding(Severity.WARNING, "deadline.timeout")], "strong")],
    ids=["none", "info-only", "a-warning", "a-blocker", "deadline-warning-is-not-weakness"],
)
def test_strength(findings: list[Finding], strength: str) -> None:
    assert strength_of(findings) == strength


@pytest.mark.parametrize("findings", [STRONG, MEDIUM, WEAK], ids=["strong", "medium", "weak"])
def test_small_amount_is_agreed_whatever_the_evidence(findings: list[Finding]) -> None:
    advice = advise(case(amount=Decimal("50.00")), TAOBAO, findings)
    assert advice.action == "agree"
    assert advice.en == ("50.00 CNY is within the shop's 50 CNY threshold: agree quickly, as the "
                         "shop rules ask, to avoid a dispute.")
    assert advice.zh.startswith("金额 50.00 元不超过店铺设定的 50 元")


def test_weak_evidence_means_negotiate_without_the_platform() -> None:
    advice = advise(case(), TAOBAO, WEAK)
    assert (advice.action, advice.strength) == ("negotiate", "weak")
    assert "do not call in the platform" in advice.en
    assert "不要申请客服介入" in advice.zh


def test_medium_evidence_means_negotiate_while_refusing() -> None:
    advice = advise(case(), TAOBAO, MEDIUM)
    assert (advice.action, advice.strength) == ("negotiate", "medium")
    assert advice.en.startswith("The evidence is usable but has weak points")


def test_strong_evidence_means_refuse() -> None:
    advice = advise(case(), TAOBAO, STRONG)
    assert (advice.action, advice.strength) == ("refuse", "strong")
    assert advice.en.startswith("The evidence is strong: refuse and upload the proof.")


@pytest.mark.parametrize("state", ["seller_refused", "cs_intervening"])
def test_escalation_only_after_negotiation_failed(state: str) -> None:
    advice = advise(case(state=state), TAOBAO, STRONG)
    assert ESCALATE_EN in advice.en
    assert ESCALATE_ZH in advice.zh


@pytest.mark.parametrize("state", ["waiting_seller_agree", "waiting_seller_confirm"])
def test_no_escalation_while_negotiating(state: str) -> None:
    advice = advise(case(state=state), TAOBAO, STRONG)
    assert ESCALATE_EN not in advice.en
    assert ESCALATE_ZH not in advice.zh
    assert "Still talk to the buyer first" in advice.en


@pytest.mark.parametrize("findings", [MEDIUM, WEAK], ids=["medium", "weak"])
@pytest.mark.parametrize("state", ["seller_refused", "cs_intervening"])
def test_no_escalation_without_strong_evidence(state: str, findings: list[Finding]) -> None:
    advice = advise(case(state=state), TAOBAO, findings)
    assert advice.action == "negotiate"
    assert ESCALATE_EN not in advice.en


def test_threshold_from_a_shop_profile(tmp_path: Path) -> None:
    shop = tmp_path / "shop.toml"
    shop.write_text('[thresholds]\nsmall_amount_cny = { value = 200, source = "shop rules 3", '
                    'confidence = "high" }\n', "utf-8")
    assert advise(case(), TAOBAO, STRONG).action == "refuse"
    assert advise(case(), load_profile("taobao", shop), STRONG).action == "agree"


def test_json_shape() -> None:
    advice = advise(case(), TAOBAO, STRONG)
    data = advice.to_json("en")
    assert data["action"] == "refuse"
    assert data["why"] == advice.en
    assert advice.to_json("zh")["why"] == advice.zh


# ------------------------------------------------------------------ offers (issue 11 §5)


def test_offers_carry_their_basis_and_amount() -> None:
    from disputekit.validate.offers import offers_for

    facts = case(refund_type="return_and_refund", gift_value=Decimal("15.00"),
                 shipping_fee=Decimal("12.00"), postage_refund=Decimal("10.00"))
    offers = {o.kind: o for o in offers_for(facts, TAOBAO, [])}
    assert sorted(offers) == ["deduct_freight", "deduct_gift", "postage_transfer"]
    assert (offers["deduct_gift"].basis, offers["deduct_gift"].amount) == ("S1 第61条；办法 第12条", Decimal("15.00"))
    assert offers["deduct_gift"].zh == "赠品未退回：同意退货，退款中扣除赠品价值15.00 元。"
    assert offers["deduct_freight"].basis == "S1 第53条；办法 第18条"
    assert offers["postage_transfer"].basis == "店铺规则第10条"
    assert offers["postage_transfer"].message_zh == (
        "您好，邮费 10.00 元我们将通过支付宝转账退给您，收到后请关闭本次退款申请，谢谢。")
    assert not any(o.needs_approval for o in offers.values())


def test_an_offer_above_the_shop_threshold_needs_the_lead() -> None:
    from disputekit.validate.offers import offers_for

    (gift,) = offers_for(case(amount=Decimal("500.00"), gift_value=Decimal("150.00")), TAOBAO, [])
    assert gift.needs_approval
    assert gift.zh.endswith("金额超过 100 元，需组长批准。")
    assert gift.en.endswith("Over 100 CNY: the lead must approve.")


def test_wear_shown_by_a_captioned_unboxing_photo_offers_a_partial_refund() -> None:
    from disputekit.validate.facts import established_facts
    from rulekit import return_ctx, return_evidence

    evidence = return_evidence()
    evidence[2] = evidence[2].model_copy(update={"caption": "开箱：吊牌已剪，有污渍"})
    context = return_ctx(return_case(ground="resale_affected"), evidence)
    advice = advise(context.case, TAOBAO, [], established_facts(context))
    (offer,) = advice.offers
    assert offer.kind == "partial_refund"
    assert offer.zh.startswith("退回商品有损耗或缺件（证据E3）")
    assert advice.to_json("en")["offers"][0]["basis"] == "办法 第8、9、12条；店铺规则第3、4条"


def test_no_offer_without_its_facts() -> None:
    assert advise(case(), TAOBAO, []).offers == ()
