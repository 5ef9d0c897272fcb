"""Deadline rules: never let a refund time out (shop rules 1 and 9)."""

from __future__ import annotations

from disputekit.validate.deadline import compute_deadline
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低"}
W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO


@rule("deadline.timeout", B, zh="处理期限", en="Handling deadline",
      source="profile states.*.timeout; case.toml deadline wins; shop rules 1, 9")
def timeout(ctx: RuleContext) -> list[Finding]:
    deadline = compute_deadline(ctx.case, ctx.profile)
    if deadline is None or deadline.actor not in ("seller", "both"):
        return []
    hours = deadline.hours_left(ctx.now)
    warn = ctx.profile.thresholds.deadline_warn_hours.value
    out = []
    if hours < 0:
        out.append(make(B,
            f"处理期限 {deadline.at:%Y-%m-%d %H:%M} 已过 {-hours:.1f} 小时，退款可能已自动完成。请立即在千牛核实状态。",
            f"The deadline {deadline.at:%Y-%m-%d %H:%M} passed {-hours:.1f} h ago; the refund may have completed automatically. Check its state in Qianniu now."))
    elif hours < warn:
        out.append(make(W,
            f"距处理期限 {deadline.at:%Y-%m-%d %H:%M} 只剩 {hours:.1f} 小时，请今天处理，切勿超时。",
            f"Only {hours:.1f} h left until {deadline.at:%Y-%m-%d %H:%M}: handle it today, never let it time out."))
    if deadline.estimated:
        out.append(make(INFO,
            f"期限为估算值（可信度{CONFIDENCE_ZH.get(deadline.confidence, deadline.confidence)}：{deadline.source}）。请以千牛倒计时为准，写入 case.toml 的 deadline。",
            f"The deadline is estimated (confidence {deadline.confidence}: {deadline.source}). Read the Qianniu countdown and put it in case.toml as deadline."))
    return out
