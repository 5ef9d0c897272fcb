"""Terminal rendering of check reports and the queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from disputekit.i18n import current_lang, pick
from disputekit.validate.rules.finding import Severity

if TYPE_CHECKING:
    from disputekit.validate.check import CheckReport
    from disputekit.validate.queue import QueueRow

HEADINGS = {
    Severity.BLOCKING: ("阻断（必须解决）", "Blocking (must fix)"),
    Severity.WARNING: ("警告（削弱证据）", "Warnings (weaken the case)"),
    Severity.INFO: ("提示", "Info"),
}
REVIEW = {"approved": ("已批准", "approved"), "returned": ("已退回", "returned"), "stale": ("批准已失效", "stale")}
ACTIONS = {"refuse": ("拒绝", "refuse"), "negotiate": ("协商", "negotiate"), "agree": ("同意", "agree")}


def check_lines(report: CheckReport) -> list[str]:
    lang = current_lang()
    lines = [pick(f"案件 {report.case_id}", f"Case {report.case_id}")]
    lines.append(pick("结论：", "Verdict: ") + (pick("可以提交", "ready") if report.ready else pick("还不能提交", "not ready")))
    if report.deadline:
        d = report.deadline
        est = pick("（估算）", " (estimated)") if d.estimated else ""
        left = d.hours_left(report.now)
        lines.append(pick(f"期限：{d.at:%Y-%m-%d %H:%M}{est}，剩余 {left:.1f} 小时",
                          f"Deadline: {d.at:%Y-%m-%d %H:%M}{est}, {left:.1f} h left"))
    a = report.advice
    lines.append(pick("建议：", "Advice: ") + pick(ACTIONS[a.action][0], ACTIONS[a.action][1])
                 + " — " + (a.zh if lang == "zh" else a.en))
    for severity in (Severity.BLOCKING, Severity.WARNING, Severity.INFO):
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(pick(HEADINGS[severity][0], HEADINGS[severity][1]) + f" ({len(group)})")
        for f in group:
            ex = f" [{', '.join(f.exhibits)}]" if f.exhibits else ""
            lines.append(f"  - {f.message(lang)}{ex}  ({f.rule})")
    if not report.findings:
        lines.append(pick("没有发现问题。", "No findings."))
    return lines


def queue_lines(rows: Sequence[QueueRow]) -> list[str]:
    if not rows:
        return [pick("没有找到案件。", "No cases found.")]
    lines = [pick("案件                     状态                    期限               剩余（时）  就绪  复核",
                  "case                     state                   deadline           hours   ready review")]
    for r in rows:
        if r.error:
            lines.append(f"{r.case:<24} " + pick("错误：", "error: ") + r.error)
            continue
        left = f"{r.hours_left:8.1f}" if r.hours_left is not None else "       ?"
        when = (r.deadline or "?")[:16].replace("T", " ") + ("*" if r.estimated else " ")
        flag = "!" if r.hours_left is not None and r.hours_left < 24 else " "
        ready = pick("是", "yes") if r.ready else pick("否", "no ")
        review = pick(*REVIEW[r.review]) if r.review in REVIEW else "-"
        lines.append(f"{flag}{r.case:<23} {r.state:<23} {when:<18} {left}  {ready}   {review}")
    lines.append(pick("* 估算期限，请以千牛倒计时为准", "* estimated deadline; the Qianniu countdown wins"))
    return lines
