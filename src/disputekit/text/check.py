"""Terminal rendering of check reports and the queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from disputekit.i18n import current_lang, pick
from disputekit.validate.rules.finding import Severity

if TYPE_CHECKING:
    from disputekit.validate.check import CheckReport
    from disputekit.validate.grounds import GroundFit
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
    for o in a.offers:
        lines.append("  " + pick("可提议：", "may offer: ") + (o.zh if lang == "zh" else o.en)
                     + pick(f"（依据：{o.basis}）", f" (basis: {o.basis})"))
        message = o.message_zh if lang == "zh" else o.message_en
        if message:
            lines.append("    " + pick("留言：", "message: ") + message)
    for severity in (Severity.BLOCKING, Severity.WARNING, Severity.INFO):
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(pick(HEADINGS[severity][0], HEADINGS[severity][1]) + f" ({len(group)})")
        for f in group:
            ex = f" [{', '.join(f.exhibits)}]" if f.exhibits else ""
            rule = f"  ({f.rule})" if lang != "zh" else ""  # ids only where the words are English
            lines.append(f"  - {f.message(lang)}{ex}{rule}")
    if not report.findings:
        lines.append(pick("没有发现问题。", "No findings."))
    return lines


def state_label(state: str, lang: str | None = None) -> str:
    """A refund state's name in the user's language (from the shipped profiles), never its id
    when a name is known."""
    from disputekit.profiles.load import load_profile, shipped_platforms

    for platform in shipped_platforms():
        found = load_profile(platform).state(state)
        if found is not None:
            return pick(found.label_zh, found.label_en, lang)
    return state


def _pad(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns (a CJK character takes two)."""
    import unicodedata

    cols = sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)
    return text + " " * max(width - cols, 0)


GROUND_MARKS = {"fits": "✔", "unverified": "?", "blocked": "✘"}
GROUND_STATUS = {"fits": ("可用", "fits"), "unverified": ("未经核实", "unverified"), "blocked": ("不可用", "blocked")}


def ground_lines(fits: Sequence[GroundFit]) -> list[str]:
    """`disputekit grounds`: each ground's status, its established facts and what it lacks."""
    lang = current_lang()
    lines = []
    for g in fits:
        basis = f"（{g.basis}）" if lang == "zh" else f"({g.basis})"
        status = pick(*GROUND_STATUS[g.status])
        lines.append(f"{GROUND_MARKS[g.status]} {g.id:<24} {g.name_zh if lang == 'zh' else g.name_en}  {basis}  [{status}]")
        for f in g.facts:
            where = "、".join(f.exhibits) if f.exhibits else (f.locator or f.source)
            lines.append("    " + pick("已证明：", "shown: ") + (f.zh if lang == "zh" else f.en) + f"  [{where}]")
        for m in (g.missing_zh if lang == "zh" else g.missing_en):
            lines.append("    " + pick("缺少证据：", "missing evidence: ") + m)
        for m in (g.missing_facts_zh if lang == "zh" else g.missing_facts_en):
            lines.append("    " + pick("未证明：", "not shown: ") + m)
        for f in g.blocking:
            if f.rule not in ("grounds.evidence-present", "grounds.facts-established"):
                lines.append("    " + f.message(lang))
    return lines


def queue_lines(rows: Sequence[QueueRow]) -> list[str]:
    if not rows:
        return [pick("没有找到案件。", "No cases found.")]
    lines = [pick("案件                     状态                    期限               剩余（时）  就绪  复核  文件夹",
                  "case                     state                   deadline           hours   ready review  folder")]
    for r in rows:
        if r.error:
            lines.append(f"{r.case:<24} " + pick("错误：", "error: ") + r.error + f"  ({r.path})")
            continue
        left = f"{r.hours_left:8.1f}" if r.hours_left is not None else "       ?"
        when = (r.deadline or "?")[:16].replace("T", " ") + ("*" if r.estimated else " ")
        flag = "!" if r.urgent else " "
        ready = pick("是", "yes") if r.ready else pick("否", "no ")
        review = pick(*REVIEW[r.review]) if r.review in REVIEW else "-"
        lines.append(f"{flag}{r.case:<23} {_pad(state_label(r.state), 23)} {when:<18} {left}  {ready}   "
                     f"{_pad(review, 5)} {r.path}")
    lines.append(pick("* 估算期限，请以千牛倒计时为准", "* estimated deadline; the Qianniu countdown wins"))
    return lines
