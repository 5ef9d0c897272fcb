"""What a reason template may state: the case's established facts, their values per language."""

from __future__ import annotations

from disputekit.collect.parse.waybill import resolve_courier
from disputekit.privacy.pii import mask
from disputekit.validate.fact_model import EstablishedFact
from disputekit.validate.facts import established_facts
from disputekit.validate.rules.context import RuleContext


def courier_label(code: str | None, lang: str) -> str:
    if not code:
        return "快递" if lang == "zh" else "the courier"
    courier = resolve_courier(code)
    if courier is None:
        return code
    return courier.name_zh if lang == "zh" else courier.name_en


def template_facts(ctx: RuleContext) -> dict[str, EstablishedFact]:
    """Established facts by id (quotes come only from messages the agent marked for them)."""
    return {f.id: f for f in established_facts(ctx)}


def fact_values(facts: dict[str, EstablishedFact], ctx: RuleContext, lang: str) -> dict[str, dict[str, str]]:
    """Each fact's template variables in ``lang``; quoted buyer text is masked (phones, addresses)."""
    out = {}
    for fid, f in facts.items():
        values = f.template_values(lang)
        out[fid] = {k: (mask(v, ctx.profile.privacy) if k.endswith("_quote") else v) for k, v in values.items()}
    return out
