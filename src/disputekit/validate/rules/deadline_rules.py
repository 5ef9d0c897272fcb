"""Deadline rules: never let a refund time out (shop rules 1 and 9)."""

from __future__ import annotations

from disputekit.validate.deadline import Deadline, compute_deadline
from disputekit.validate.rules.context import RuleContext
from disputekit.validate.rules.finding import Finding, Severity
from disputekit.validate.rules.registry import make, rule

CONFIDENCE_ZH = {"high": "高", "medium": "中", "low": "低"}
W, B, INFO = Severity.WARNING, Severity.BLOCKING, Severity.INFO


def deadline_of(ctx: RuleContext) -> Deadline | None:
    """The case's deadline; waiting_seller_confirm counts from the return's first scan."""
    firsts = [f.events[0].time for _, f in ctx.return_tracking() if f.events]
    return compute_deadline(ctx.case, ctx.profile, return_shipped=min(firsts) if firsts else None)


@rule("deadline.timeout", B, zh="处理期限", en="Handling deadline",
      source="profile states.*.timeout; case.toml deadline wins; shop rules 1, 9")
def timeout(ctx: RuleContext) -> list[Finding]:
    deadline = deadline_of(ctx)
    state = ctx.profile.state(ctx.case.state.value)
    if deadline is None and state is not None and state.actor in ("seller", "both"):
        return [make(W,
            f"不知道“{state.label_zh}”的处理期限。请读取千牛倒计时，写入 case.toml 的 deadline，切勿超时。",
            f"The deadline of '{state.label_en}' is unknown. Read the Qianniu countdown and put it in case.toml as deadline; never let it time out.")]
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
    if deadline.beyond_calendar:
        out.append(make(W,
            f"期限按工作日估算到 {deadline.at:%Y-%m-%d}，但节假日表（chinese-calendar）不含该年份：只排除了周末和元旦、劳动节、国庆的固定假日，春节等农历假日和调休未计。请以千牛倒计时为准。",
            f"The deadline counts working days to {deadline.at:%Y-%m-%d}, past the years the holiday table (chinese-calendar) covers: only weekends and the fixed-date holidays are skipped, not the lunar holidays or 调休. The Qianniu countdown wins."))
    if deadline.estimated:
        out.append(make(INFO,
            f"期限为估算值（可信度{CONFIDENCE_ZH.get(deadline.confidence, deadline.confidence)}：{deadline.source}）。请以千牛倒计时为准，写入 case.toml 的 deadline。",
            f"The deadline is estimated (confidence {deadline.confidence}: {deadline.source}). Read the Qianniu countdown and put it in case.toml as deadline."))
    return out
