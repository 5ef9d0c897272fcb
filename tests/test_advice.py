"""Advice (shop rules 2–4): agree when small, negotiate when weak or medium, refuse when strong."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from disputekit.profiles.load import load_profile
from disputekit.validate.advice import advise, strength_of
from disputekit.validate.rules.finding import Finding, Severity
from rulekit import case

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
