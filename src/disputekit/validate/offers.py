"""Partial refunds and deductions the shop may offer instead of refusing, each with its basis
(shop rules 2–4, 10: negotiate before escalating). Amounts come from case.toml; wear and missing
parts from established facts; an offer above the shop's threshold needs the lead's approval."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from disputekit.models.case import CaseFile, RefundType
from disputekit.profiles.model import Profile
from disputekit.validate.fact_model import EstablishedFact


@dataclass(frozen=True)
class Offer:
    kind: str  # deduct_gift, deduct_freight, partial_refund, postage_transfer
    zh: str
    en: str
    basis: str
    amount: Decimal | None = None
    needs_approval: bool = False
    message_zh: str = ""  # a drafted 留言 to send with it, when there is one
    message_en: str = ""

    def to_json(self, lang: str) -> dict[str, object]:
        return {"kind": self.kind, "offer": self.zh if lang == "zh" else self.en, "offer_zh": self.zh,
                "offer_en": self.en, "basis": self.basis,
                "amount": str(self.amount) if self.amount is not None else None,
                "needs_approval": self.needs_approval,
                "message": (self.message_zh if lang == "zh" else self.message_en) or None}


def _gift_mentioned(case: CaseFile, facts: list[EstablishedFact]) -> bool:
    texts = [case.buyer_claim or "", *(f.zh for f in facts if f.id == "parts_missing")]
    return any("赠品" in t for t in texts)


def offers_for(case: CaseFile, profile: Profile, facts: list[EstablishedFact]) -> list[Offer]:
    value = profile.thresholds.offer_approval_cny.value
    limit = Decimal(str(value))
    shown = f"{value:g}"
    out: list[Offer] = []
    if case.gift_value is not None or _gift_mentioned(case, facts):
        v = case.gift_value
        out.append(Offer("deduct_gift",
            f"赠品未退回：同意退货，退款中扣除赠品价值{f'{v} 元' if v is not None else '（请在 case.toml 填写 gift_value）'}。",
            f"The gift was not returned: agree to the return and deduct its value{f' ({v} CNY)' if v is not None else ' (set gift_value in case.toml)'}.",
            "S1 第61条；办法 第12条", v))
    if case.shipping_fee is not None and case.refund_type == RefundType.RETURN_AND_REFUND:
        v = case.shipping_fee
        out.append(Offer("deduct_freight",
            f"包邮商品部分退货、不再满足包邮条件时，可扣除发货运费 {v} 元。",
            f"If a partial return breaks the free-shipping condition, the outbound freight ({v} CNY) may be deducted.",
            "S1 第53条；办法 第18条", v))
    wear = [f for f in facts if f.id in ("resale_damage", "parts_missing")]
    if wear:
        where = "、".join(e for f in wear for e in f.exhibits)
        out.append(Offer("partial_refund",
            f"退回商品有损耗或缺件（证据{where}）：可与买家协商部分退款，按损耗折价。",
            f"The return shows wear or missing parts (exhibits {where}): negotiate a partial refund for the loss.",
            "办法 第8、9、12条；店铺规则第3、4条"))
    if case.postage_refund is not None:
        v = case.postage_refund
        out.append(Offer("postage_transfer",
            f"退邮费 {v} 元：与买家协商后用支付宝转账，再请买家关闭退款申请。",
            f"Refund the postage ({v} CNY) by Alipay transfer once the buyer agrees, then ask them to close the request.",
            "店铺规则第10条", v,
            message_zh=f"您好，邮费 {v} 元我们将通过支付宝转账退给您，收到后请关闭本次退款申请，谢谢。",
            message_en=f"Hello, we will refund the postage ({v} CNY) by Alipay transfer; once you receive it, please close this refund request. Thank you."))
    return [o if o.amount is None or o.amount <= limit else
            Offer(o.kind, o.zh + f"金额超过 {shown} 元，需组长批准。", o.en + f" Over {shown} CNY: the lead must approve.",
                  o.basis, o.amount, True, o.message_zh, o.message_en)
            for o in out]
