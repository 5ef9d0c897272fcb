"""Terminal text for archive, verify, search and stats results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from disputekit.i18n import pick
from disputekit.privacy.pii import mask_text
from disputekit.text.printable import printable

if TYPE_CHECKING:
    from disputekit.archive.seal import ArchiveResult
    from disputekit.archive.stats import Stats
    from disputekit.archive.verify import VerifyReport

OUTCOME_ZH = {"won": "胜诉", "lost": "败诉", "withdrawn": "买家撤诉", "agreed": "协商一致",
              "partial": "部分退款", "pending": "未结"}


def archive_lines(result: ArchiveResult) -> list[str]:
    if not result.created:
        return [pick(f"此状态已归档为 v{result.version}，未新建版本：{result.path}",
                     f"Already archived as v{result.version} (same state); nothing new written: "
                     f"{result.path}")]
    lines = [pick(f"已归档为 v{result.version}：{result.path}",
                  f"Archived as v{result.version}: {result.path}")]
    if result.previous:
        lines.append(pick(f"链接到上一版本：{result.previous}",
                          f"Linked to the previous version: {result.previous}"))
    lines.append(pick("清单 SHA-256：", "Manifest SHA-256: ") + result.manifest_sha256)
    return lines


def verify_lines(report: VerifyReport) -> list[str]:
    size = f"{report.bytes / 1e6:.1f} MB"
    warnings = [f"  ! {printable(str(p))}" for p in report.warnings]
    if report.ok:
        return [pick(f"完好：{report.target}（{report.files} 个文件，{size}）",
                     f"Intact: {report.target} ({report.files} files, {size})"), *warnings]
    lines = [pick(f"校验失败：{report.target} 有 {len(report.problems)} 处问题",
                  f"Verification failed: {report.target} has {len(report.problems)} problem(s)")]
    lines += [f"  ✘ {printable(str(p))}" for p in report.problems]  # values from edited files
    return lines + warnings


def hit_line(row: dict[str, Any]) -> str:
    """One line per hit: date, case, order, buyer, amount, ground, outcome, version, path."""
    date = (row.get("requested_at") or "")[:10]
    outcome = row.get("outcome") or "pending"
    shown = pick(OUTCOME_ZH.get(outcome, outcome), outcome)
    buyer = mask_text(str(row.get("buyer") or "-"))  # a nickname may be a phone number
    return printable(  # the index is a file someone may have edited
        f"{date}  {row['case_id']}  {pick('订单', 'order')} {row.get('order_id')}  "
        f"{buyer}  ¥{row.get('amount')}  {_ground(row)}  {shown}  "
        f"v{row.get('version')}  {row.get('path')}")


def _ground(row: dict[str, Any]) -> str:
    """The ground's name in the user's language (its id only when the profile does not know it)."""
    from disputekit.profiles.load import load_profile, shipped_platforms

    ground, platform = row.get("ground"), row.get("platform")
    if not ground or platform not in shipped_platforms():
        return ground or "-"
    found = load_profile(platform).grounds.get(ground)
    return pick(found.name_zh, ground) if found is not None else ground  # English keeps the id


def stats_lines(stats: Stats) -> list[str]:
    rate = f"{stats.win_rate:.0%}" if stats.win_rate is not None else "—"
    days = (f"{stats.median_days_to_refusal} " + pick("天", "days")
            if stats.median_days_to_refusal is not None else "—")
    archive_days = (f"{stats.median_days_to_archive} " + pick("天", "days")
                    if stats.median_days_to_archive is not None else "—")
    lines = [
        pick(f"案件：{stats.cases}  胜率（胜诉+撤诉 / 已有结果）：{rate}",
             f"Cases: {stats.cases}  win rate (won+withdrawn / with an outcome): {rate}"),
        pick(f"申请到拒绝的中位时间：{days}（样本 {stats.refusals_timed}）",
             f"Median request → refusal: {days} ({stats.refusals_timed} timed)"),
        pick(f"申请到归档的中位时间：{archive_days}", f"Median request → archive: {archive_days}"),
        pick(f"保住金额 ¥{stats.amount_kept:.2f}  已退款 ¥{stats.amount_refunded:.2f}  "
             f"协商/部分 ¥{stats.amount_settled:.2f}  未结 ¥{stats.amount_pending:.2f}",
             f"Kept ¥{stats.amount_kept:.2f}  refunded ¥{stats.amount_refunded:.2f}  "
             f"agreed/partial at stake ¥{stats.amount_settled:.2f}  "
             f"pending ¥{stats.amount_pending:.2f}"),
        pick("按理由的结果：", "Outcomes by ground:"),
    ]
    for ground, counts in stats.by_ground.items():
        parts = ", ".join(f"{pick(OUTCOME_ZH.get(o, o), o)} {n}" for o, n in counts.items())
        lines.append(f"  {ground:<24} {parts}")
    return lines
