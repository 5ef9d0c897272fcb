"""The lead's view of a case as terminal text (``review``)."""

from __future__ import annotations

from typing import Any

from disputekit.i18n import pick
from disputekit.profiles.load import load_profile
from disputekit.review.decisions import Decision, ReviewState, ReviewSummary
from disputekit.review.snapshots import StateDiff
from disputekit.text.check import check_lines
from disputekit.text.printable import printable

STATE_LABELS = {
    None: ("未复核", "not reviewed"),
    ReviewState.APPROVED: ("已批准", "approved"),
    ReviewState.RETURNED: ("已退回", "returned"),
    ReviewState.STALE: ("批准已失效（批准后有改动）", "stale (changed after approval)"),
}


def _value(value: Any) -> str:
    return "—" if value in (None, "", []) else str(value)


def change_lines(diff: StateDiff, lang: str) -> list[str]:
    if diff.empty:
        return ["  " + pick("没有改动。", "Nothing changed.", lang)]
    lines = []
    if diff.exhibits_added:
        lines.append("  + " + pick("新增证据：", "exhibits added: ", lang) + ", ".join(diff.exhibits_added))
    if diff.exhibits_removed:
        lines.append("  - " + pick("移除证据：", "exhibits removed: ", lang)
                     + ", ".join(diff.exhibits_removed))
    for c in diff.exhibits_changed + diff.case_changed:
        lines.append(f"  ~ {c.field}: {_value(c.old)} → {_value(c.new)}")
    return lines


def _ground_name(platform: str, ground: str | None, lang: str) -> str:
    found = load_profile(platform).grounds.get(ground or "")
    if found is None:
        return _value(ground)
    return found.name_zh if lang == "zh" else f"{found.name_en} ({ground})"


def summary_lines(summary: ReviewSummary, lang: str) -> list[str]:
    """The lead's view as text: facts, review state, what changed, then the check report."""
    f = summary.case.facts
    label = STATE_LABELS[summary.state]
    ground = _ground_name(f.platform, f.ground, lang)
    lines = [
        pick(f"订单 {f.order_id}  退款 {f.refund_id}  买家 {f.buyer}  金额 {f.amount} 元",
             f"Order {f.order_id}  refund {f.refund_id}  buyer {f.buyer}  amount {f.amount} CNY",
             lang),
        pick(f"理由：{ground}  证据 {len(summary.case.evidence.items)} 件",
             f"Ground: {ground}  {len(summary.case.evidence.items)} exhibit(s)", lang),
        pick("复核状态：", "Review: ", lang) + (label[0] if lang == "zh" else label[1])
        + (pick("（本店要求批准）", " (the shop requires approval)", lang) if summary.required else ""),
    ]
    if summary.last is not None:
        d = summary.last
        verb = pick("批准" if d.action == "approve" else "退回",
                    "approved" if d.action == "approve" else "returned", lang)
        lines.append(pick(f"上次：{d.reviewer} 于 {d.at} {verb}", f"Last: {verb} by {d.reviewer} at {d.at}",
                          lang) + (f" — {d.comment}" if d.comment else ""))
        lines.append(pick("此后的改动：", "Changed since:", lang))
        lines.extend(change_lines(summary.changes, lang) if summary.changes is not None
                     else ["  " + pick("（复核时的快照缺失，无法比较）",
                                       "(the reviewed snapshot is missing; cannot compare)", lang)])
    lines.append(pick(f"状态哈希：{summary.state_hash}", f"State hash: {summary.state_hash}", lang))
    lines.append("")
    return lines + check_lines(summary.report)


def approved_lines(decision: Decision) -> list[str]:
    """What ``approve`` prints: who approved, and the dossier it recorded or signed."""
    lines = [pick(f"已批准（复核人 {decision.reviewer}，状态哈希 {decision.state_hash[:16]}…）",
                  f"Approved by {decision.reviewer} (state hash {decision.state_hash[:16]}…)")]
    rec = decision.dossier
    if rec is None:
        return lines
    pages, root = rec.get("pages"), str(rec.get("page_root", ""))[:16]
    lines.append(pick(f"已记录 {rec.get('file')}：{pages} 页，页面根摘要 {root}…",
                      f"Recorded {rec.get('file')}: {pages} pages, page root {root}…"))
    sig = rec.get("signature")
    if isinstance(sig, dict):
        subject = printable(str(sig.get("signer_subject", "")))
        lines.append(pick(f"已用 {subject} 的证书签名（PAdES {sig.get('level')}），"
                          f"文件 SHA-256 {str(rec.get('sha256'))[:16]}…",
                          f"Signed with {subject}'s certificate (PAdES {sig.get('level')}), "
                          f"file SHA-256 {str(rec.get('sha256'))[:16]}…"))
    return lines
