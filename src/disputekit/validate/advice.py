"""Advice from amount, evidence strength and shop threshold (shop rules 2–4)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from disputekit.models.case import CaseFile, RefundState
from disputekit.profiles.model import Profile
from disputekit.validate.fact_model import EstablishedFact
from disputekit.validate.offers import Offer, offers_for
from disputekit.validate.rules.finding import Finding, Severity

Strength = Literal["strong", "medium", "weak"]


@dataclass(frozen=True)
class Advice:
    action: Literal["refuse", "negotiate", "agree"]
    strength: Strength
    zh: str
    en: str
    offers: tuple[Offer, ...] = ()

    def to_json(self, lang: str) -> dict[str, object]:
        return {"action": self.action, "strength": self.strength,
                "why": self.zh if lang == "zh" else self.en, "why_zh": self.zh, "why_en": self.en,
                "offers": [o.to_json(lang) for o in self.offers]}


def strength_of(findings: list[Finding]) -> Strength:
    if any(f.severity == Severity.BLOCKING for f in findings):
        return "weak"
    warnings = sum(1 for f in findings if f.severity == Severity.WARNING and f.rule != "deadline.timeout")
    return "strong" if warnings == 0 else "medium"


def advise(case: CaseFile, profile: Profile, findings: list[Finding],
           facts: list[EstablishedFact] | None = None) -> Advice:
    """The action, with the partial refunds and deductions the shop may offer (validate/offers)."""
    advice = _advise(case, profile, findings)
    offers = tuple(offers_for(case, profile, facts or []))
    return replace(advice, offers=offers) if offers else advice


def _advise(case: CaseFile, profile: Profile, findings: list[Finding]) -> Advice:
    strength = strength_of(findings)
    if any(f.rule == "delivery.in-transit-request" for f in findings):
        return Advice("agree", strength,
            "申请退款时包裹仍在途：按第23条先联系快递拦截，拦截成功或退回签收后同意退款；不要拒绝。",
            "The parcel was in transit when the refund was requested: intercept it first (Art. 23), then agree to the refund once it is stopped or back; do not refuse.")
    small = float(case.amount) <= profile.thresholds.small_amount_cny.value
    limit = profile.thresholds.small_amount_cny.value
    if small:
        return Advice("agree", strength,
            f"金额 {case.amount} 元不超过店铺设定的 {limit:.0f} 元：按店铺规则尽快同意，避免纠纷和超时。",
            f"{case.amount} CNY is within the shop's {limit:.0f} CNY threshold: agree quickly, as the shop rules ask, to avoid a dispute.")
    if strength == "weak":
        return Advice("negotiate", strength,
            "证据还有阻断问题：先与买家协商（部分退款、补寄或转账退邮费），不要申请客服介入。",
            "The evidence has blocking problems: negotiate with the buyer (partial refund, reshipping, postage by transfer); do not call in the platform.")
    if strength == "medium":
        return Advice("negotiate", strength,
            "证据可用但有弱点：可以拒绝并附证据，同时积极协商；协商不成再考虑客服介入。",
            "The evidence is usable but has weak points: refuse with it while negotiating; consider intervention only if that fails.")
    escalate = case.state in (RefundState.SELLER_REFUSED, RefundState.CS_INTERVENING)
    return Advice("refuse", strength,
        "证据充分：可以拒绝并上传凭证。" + ("协商已失败时可申请客服介入。" if escalate else "仍应先与买家沟通，协商不成且证据充分时才申请客服介入。"),
        "The evidence is strong: refuse and upload the proof. " + ("Negotiation failed, so intervention is reasonable." if escalate else "Still talk to the buyer first; ask for intervention only if that fails."))
