"""Rules on the chosen refusal ground: it exists, fits the refund, and has its evidence."""

from __future__ import annotations

from disputekit.profiles.model import Need
from disputekit.validate.fact_model import alternatives
from disputekit.validate.facts import fact_specs, missing_facts
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO


def need_met(ctx: RuleContext, need: Need) -> list[str]:
    """Exhibit ids satisfying ``need`` (untagged tracking counts as the shipment's)."""
    hits = []
    for e in ctx.exhibits:
        if not e.counts_as & set(need.kinds):  # a tracking screenshot counts as tracking
            continue
        tag = e.item.tag
        if need.tag is None or tag == need.tag or (need.tag == "shipment" and tag is None):
            hits.append(e.id)
    return hits


def missing_needs(ctx: RuleContext, ground_id: str) -> list[Need]:
    ground = ctx.profile.grounds[ground_id]
    return [n for n in ground.needs if not need_met(ctx, n)]


@rule("evidence.none", B, zh="案件有证据", en="The case has evidence", source="S1 Art. 8–9")
def no_evidence(ctx: RuleContext) -> list[Finding]:
    if ctx.exhibits:
        return []
    return [make(B,
        "本案还没有任何证据。请用 disputekit add 添加聊天记录、物流记录和照片。",
        "The case has no evidence yet. Add the chat, tracking record and photos with `disputekit add`.")]


@rule("grounds.chosen", B, zh="已选择拒绝理由", en="A refusal ground is chosen",
      source="S4 taobao.refund.refuse needs a reason")
def chosen(ctx: RuleContext) -> list[Finding]:
    if ctx.ground_id:
        return []
    return [make(B,
        "还没有选择拒绝理由。运行 disputekit grounds CASE 查看适用的理由，再在 case.toml 中设置 ground。",
        "No refusal ground chosen. Run `disputekit grounds CASE` to see which fit, then set `ground` in case.toml.")]


@rule("grounds.evidence-present", B, zh="理由所需的证据齐全", en="The ground's evidence is present",
      source="profile grounds.*.needs (taobao.md §4)")
def evidence_present(ctx: RuleContext) -> list[Finding]:
    if not ctx.ground_id:
        return []
    missing = missing_needs(ctx, ctx.ground_id)
    if not missing:
        return []
    zh = ";".join(n.zh + (f"(添加时用 --tag {n.tag})" if n.tag else "") for n in missing)
    en = "; ".join(n.en + (f" (add with --tag {n.tag})" if n.tag else "") for n in missing)
    name = ctx.profile.grounds[ctx.ground_id]
    return [make(B,
        f"以“{name.name_zh}”拒绝还缺少：{zh}。",
        f"To refuse as '{name.name_en}' you still need: {en}.")]


@rule("grounds.facts-established", B, zh="理由所需的事实都有证据证明",
      en="Every fact the ground needs is established by evidence",
      source="profile grounds.*.facts (validate/facts.py); S1 第8、9条 (举证)")
def facts_established(ctx: RuleContext) -> list[Finding]:
    """A ground stands only on established facts; until then it is unverified, never drafted."""
    ground = ctx.ground
    if ground is None:
        return []
    missing = missing_facts(ctx, ground.facts)
    if not missing:
        return []
    specs = fact_specs()
    zh = ";".join("或".join(specs[a].zh for a in alternatives(r)) + "（" + specs[alternatives(r)[0]].how_zh + "）"
                  for r in missing)
    en = "; ".join(" or ".join(specs[a].en for a in alternatives(r)) + " (" + specs[alternatives(r)[0]].how_en + ")"
                   for r in missing)
    return [make(B,
        f"以“{ground.name_zh}”拒绝，以下事实还没有证据证明（理由未经核实，不能起草）：{zh}。",
        f"'{ground.name_en}' is unverified: these facts are not yet shown by evidence, so no reason is drafted: {en}.")]


@rule("grounds.refund-type", B, zh="理由适用于此退款类型", en="Ground fits the refund type",
      source="profile grounds.*.refund_types")
def refund_type(ctx: RuleContext) -> list[Finding]:
    ground = ctx.ground
    if ground is None or ctx.case.refund_type.value in ground.refund_types:
        return []
    return [make(B,
        f"“{ground.name_zh}”不适用于{'仅退款' if ctx.case.refund_type.value == 'refund_only' else '退货退款'}。请换一个理由。",
        f"'{ground.name_en}' does not apply to a {ctx.case.refund_type.value.replace('_', ' ')} request. Choose another ground.")]


@rule("grounds.gift-not-sole-ground", B, zh="赠品缺失不能作为拒绝理由", en="A missing gift is not a refusal ground",
      source="S1 Art. 61; S3 Art. 12", ground_specific=True)
def gift(ctx: RuleContext) -> list[Finding]:
    c = ctx.case
    texts = " ".join(t for t in (c.reason, c.buyer_claim) if t)
    texts += " ".join(e.item.caption or "" for e in ctx.exhibits)
    if c.gift_value is None and "赠品" not in texts:
        return []
    value = f"{c.gift_value} 元" if c.gift_value is not None else "赠品价值"
    return [make(B,
        f"缺少的是赠品时不能拒绝退货（第61条）。请同意退货并在退款中扣除{value}，或与买家协商。",
        "A missing gift is not a ground to refuse a return (Art. 61). Agree to the return and deduct the gift's value, or negotiate with the buyer.")]


@rule("grounds.tmall-requirements", B, zh="天猫：需要凭证图片和售中/售后阶段",
      en="Tmall: proof image and refund phase required", source="S4 taobao.refund.refuse docId 10480")
def tmall(ctx: RuleContext) -> list[Finding]:
    req = ctx.profile.requirements
    out = []
    if req.proof_image_required.value and not ctx.photos():
        out.append(make(B,
            "天猫拒绝退款必须上传凭证图片。请添加至少一张照片或截图。",
            "A Tmall refusal must carry a proof image. Add at least one photo or screenshot."))
    if req.refund_phase_required.value and ctx.case.refund_phase is None:
        out.append(make(B,
            "天猫需要注明售中/售后阶段。请在 case.toml 设置 refund_phase = \"onsale\" 或 \"aftersale\"。",
            "Tmall needs the refund phase. Set refund_phase = \"onsale\" or \"aftersale\" in case.toml."))
    return out
