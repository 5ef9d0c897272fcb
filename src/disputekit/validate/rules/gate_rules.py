"""The gate: what `build`, `approve` or `archive` would refuse is a finding of `check` too.

The inputs that need the case folder (object hashes, the shop's approval setting) are gathered
by ``check.check_case`` into ``RuleContext.extra``; the reason text is checked here.
"""

from __future__ import annotations

from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO
BAD_OBJECTS = "gate.bad_objects"  # extra: exhibit ids whose original fails its SHA-256
APPROVAL = "gate.approval"  # extra: (zh, en) why the shop's required approval is missing
INTEGRITY = "gate.integrity"  # extra: (zh, en) another refusal of the case folder (audit log…)


@rule("gate.objects-intact", B, zh="证据原件完好（SHA-256 一致）", en="Originals intact (SHA-256 matches)",
      source="S1 第9条（真实性）; build/verify refuse a changed original")
def objects_intact(ctx: RuleContext) -> list[Finding]:
    out = []
    other = ctx.extra.get(INTEGRITY)
    if isinstance(other, tuple):
        out.append(make(B, " ".join(other[0].split()), " ".join(other[1].split())))
    bad = ctx.extra.get(BAD_OBJECTS)
    if not isinstance(bad, list) or not bad:
        return out
    ids = ", ".join(str(b) for b in bad)
    return [*out, make(B,
        f"证据 {ids} 的原始文件已缺失或被改动（SHA-256 不符），不能生成证据包。请运行 disputekit verify CASE，从备份恢复原件。",
        f"The original of {ids} is missing or changed (SHA-256 mismatch); no dossier can be built. Run `disputekit verify CASE` and restore it from a backup.",
        [str(b) for b in bad])]


@rule("gate.reason-text", B, zh="拒绝理由可以起草且通过文字检查", en="The refusal reason drafts and passes the text checks",
      source="S4 taobao.refund.refuse refuse_message 2–200 字; profile [wording]")
def reason_text(ctx: RuleContext) -> list[Finding]:
    """Exactly what ``draft``/``build`` check: the agent's own reason, else the drafted one."""
    if ctx.ground is None:
        return []
    from disputekit.draft.reason import ReasonError, draft_reason  # the draft stage's own checks

    try:
        draft_reason(ctx, ctx.case.lang)
    except ReasonError as exc:
        return [make(B,
            f"拒绝理由无法通过检查，build 会拒绝：{' '.join(exc.zh.split())}",
            f"The refusal reason fails its checks, so build would refuse: {' '.join(exc.en.split())}")]
    return []


@rule("gate.approval", W, zh="本店要求的组长批准", en="The lead's approval the shop requires",
      source="shop.toml [review] require_approval / DISPUTEKIT_REQUIRE_APPROVAL (review/decisions.py)")
def approval(ctx: RuleContext) -> list[Finding]:
    """Not blocking (approving needs a check without blocking findings), but not ready either."""
    why = ctx.extra.get(APPROVAL)
    if not isinstance(why, tuple):
        return []
    zh, en = why
    return [make(W,
        f"{zh} 生成上传包前需要组长批准（disputekit approve CASE --by 姓名）。",
        f"{en} The upload bundle needs the lead's approval first (`disputekit approve CASE --by NAME`).")]
