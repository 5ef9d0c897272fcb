"""Corrections that destroy nothing: withdraw an exhibit, retag or recaption it, type facts a
record lacks, mark video frames. Every edit is one audit entry whose ``details`` are enough to
replay it (``REDUCERS``: action → pure function of the evidence list and the entry).

Crash safety: the audit entry is written first, then evidence.json as its reducer makes it. A
command killed between the two leaves an edit the log holds and evidence.json lacks; the next
command that writes the case completes it (``collect/edit_recovery.py``). Withdrawing an
exhibit again for the same reason is a no-op, so the interrupted command can simply be run
again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from disputekit.case import Case, load_evidence, open_case, write_evidence
from disputekit.collect.edit_reducers import REDUCERS
from disputekit.collect.evidence_ops import _safe_caption, recover_after_crash
from disputekit.collect.parse.waybill import normalize_waybill, resolve_courier
from disputekit.errors import UsageError
from disputekit.models.evidence import EvidenceItem, EvidenceList
from disputekit.store.lock import case_lock
from disputekit.text.evidence import clock

__all__ = ["REDUCERS", "mark_frames", "tag_exhibit", "type_facts", "withdraw_exhibit"]


# ------------------------------------------------------------------------------ checks
def _not_found(exhibit: str) -> UsageError:
    return UsageError(
        f"{exhibit} 不是本案的证据。", f"{exhibit} is not an exhibit of this case.",
        fix_zh="用 disputekit list 查看证据编号。", fix_en="See `disputekit list` for ids.",
    )


def _withdrawn(item: EvidenceItem) -> UsageError:
    reason = item.withdrawn.reason if item.withdrawn else ""
    return UsageError(
        f"{item.id} 已撤回（{reason}），不能再修改。",
        f"{item.id} was withdrawn ({reason}) and cannot be changed.",
        fix_zh="如需使用该文件，请用 disputekit add 重新添加（会得到新的编号）。",
        fix_en="To use the file again, add it anew with `disputekit add` (it gets a new id).",
    )


def in_force_item(evidence: EvidenceList, exhibit: str) -> EvidenceItem:
    """The exhibit, which must exist and not be withdrawn."""
    item = evidence.by_id(exhibit)
    if item is None:
        raise _not_found(exhibit)
    if item.withdrawn:
        raise _withdrawn(item)
    return item


def _apply(case: Case, action: str, details: dict[str, Any], at: datetime, actor: str,
           evidence: EvidenceList) -> EvidenceList:
    """Apply one edit: its audit entry first, then evidence.json as its reducer makes it."""
    entry = {"at": at.isoformat(), "actor": actor, "action": action, "details": details}
    updated = REDUCERS[action](evidence, entry)  # before writing: a bad edit writes nothing
    case.audit.append(at, actor, action, details)
    write_evidence(case.paths, updated)
    return updated


def _locked_edit(
    root: Path, exhibit: str, at: datetime, actor: str,
    plan: Callable[[Case, EvidenceItem], list[tuple[str, dict[str, Any]]]],
    *, done: Callable[[EvidenceItem], bool] = lambda item: False,
) -> EvidenceItem:
    """Run ``plan``'s edits on an exhibit in force; ``done``: a withdrawn exhibit on which
    the edit is already made (returned unchanged, nothing written)."""
    case = open_case(root)
    with case_lock(case.paths.meta):
        evidence = load_evidence(case.paths.evidence)
        evidence = recover_after_crash(case, evidence, at, actor)
        found = evidence.by_id(exhibit)
        if found is not None and found.withdrawn and done(found):
            return found
        item = in_force_item(evidence, exhibit)
        for action, details in plan(case, item):
            evidence = _apply(case, action, details, at, actor, evidence)
        found = evidence.by_id(item.id)
        assert found is not None, "reducers never remove an item"
        return found


# ------------------------------------------------------------------------------ public
def withdraw_exhibit(root: Path, exhibit: str, reason: str, *, at: datetime,
                     actor: str) -> EvidenceItem:
    """Withdraw an exhibit: it leaves every rule and output; nothing is deleted."""
    why = _safe_caption(reason)
    if not why:
        raise UsageError(
            "撤回证据需要说明原因（--reason）。", "Withdrawing an exhibit needs a reason (--reason).",
            fix_zh='例如：--reason "其他订单的照片"', fix_en='e.g. --reason "photo of another order"',
        )
    return _locked_edit(root, exhibit, at, actor, lambda case, item: [
        ("withdraw", {"exhibit": item.id, "reason": why})],
        done=lambda item: item.withdrawn is not None and item.withdrawn.reason == why)


def tag_exhibit(root: Path, exhibit: str, *, tag: str | None, caption: str | None,
                at: datetime, actor: str) -> EvidenceItem:
    """Change an exhibit's tag and/or caption (an empty caption removes it)."""
    if tag is None and caption is None:
        raise UsageError(
            "请给出 --tag 或 --caption。", "Give --tag and/or --caption.",
            fix_zh="例如：disputekit tag CASE E4 --tag returned_item",
            fix_en="e.g. disputekit tag CASE E4 --tag returned_item",
        )
    shown = None if caption is None else (_safe_caption(caption) or "")
    return _locked_edit(root, exhibit, at, actor, lambda case, item: [
        ("tag", {"exhibit": item.id, "tag": tag, "caption": shown})])


def _link_tag(case: Case, item: EvidenceItem, waybill: str | None) -> list[tuple[str, dict[str, Any]]]:
    """An untagged tracking record whose waybill is the case's return/shipment waybill."""
    if item.tag or not waybill:
        return []
    for tag, shipment in (("return", case.facts.return_shipment),
                          ("shipment", case.facts.shipment)):
        if shipment.waybill and normalize_waybill(shipment.waybill) == waybill:
            return [("tag", {"exhibit": item.id, "tag": tag, "caption": None})]
    return []


def type_facts(root: Path, exhibit: str, *, courier: str | None, waybill: str | None,
               at: datetime, actor: str) -> EvidenceItem:
    """Courier and/or waybill of a tracking record, typed by the agent (shown as such)."""
    fields = typed_fields(courier, waybill)

    def plan(case: Case, item: EvidenceItem) -> list[tuple[str, dict[str, Any]]]:
        if item.kind != "tracking" and item.facts.get("reads_as") != "tracking":
            raise UsageError(
                f"{item.id} 不是物流记录，只有物流记录（或识别为物流页面的截图）可以录入快递公司和运单号。",
                f"{item.id} is not a tracking record; only tracking records (or screenshots read "
                "as a tracking page) take a courier and waybill.",
                fix_zh="用 disputekit list 查看证据种类。", fix_en="See kinds with `disputekit list`.",
            )
        steps = [("facts", {"exhibit": item.id, "fields": fields, "typed": True})]
        return steps + _link_tag(case, item, fields.get("waybill"))

    return _locked_edit(root, exhibit, at, actor, plan)


def typed_fields(courier: str | None, waybill: str | None) -> dict[str, str | None]:
    courier = (courier or "").strip() or None
    number = normalize_waybill(waybill) if waybill and waybill.strip() else None
    if courier is None and number is None:
        raise UsageError(
            "请给出 --courier 或 --waybill。", "Give --courier and/or --waybill.",
            fix_zh="例如：disputekit facts CASE E3 --courier 中通 --waybill 73512345678901",
            fix_en="e.g. disputekit facts CASE E3 --courier zhongtong --waybill 73512345678901",
        )
    known = resolve_courier(courier) if courier else None
    return {"courier": known.code if known else courier, "waybill": number}


def mark_frames(root: Path, exhibit: str, seconds: list[float], *, at: datetime, actor: str,
                unmark: bool = False) -> EvidenceItem:
    """Mark (or unmark) moments of a video exhibit; the dossier shows those frames large."""

    def plan(case: Case, item: EvidenceItem) -> list[tuple[str, dict[str, Any]]]:
        if item.kind != "video":
            raise UsageError(
                f"{item.id} 不是视频证据，--at 只用于视频。",
                f"{item.id} is not a video exhibit; --at is for videos.",
                fix_zh="聊天记录用 --message 标记消息序号。",
                fix_en="For a chat, mark message numbers with --message.",
            )
        duration = float(item.facts.get("duration_s") or 0)
        late = ", ".join(clock(s) for s in seconds if duration and s > duration)
        if late:
            raise UsageError(
                f"{late} 超出视频长度（{clock(duration)}）。",
                f"{late} is past the end of the video ({clock(duration)}).",
                fix_zh="用 disputekit inspect 查看视频时长。",
                fix_en="See the duration with `disputekit inspect`.",
            )
        return [("unmark" if unmark else "mark", {"exhibit": item.id, "frames": sorted(seconds)})]

    return _locked_edit(root, exhibit, at, actor, plan)


def type_after_add(root: Path, exhibits: list[str], *, courier: str | None, waybill: str | None,
                   at: datetime, actor: str) -> list[EvidenceItem]:
    """``add --waybill``: the waybill (and the courier, where the record names none) typed on
    each newly added tracking record, as ``disputekit facts`` would."""
    if not waybill:
        return []
    evidence = open_case(root).record
    done = []
    for exhibit in exhibits:
        item = evidence.by_id(exhibit)
        if item is None or item.kind != "tracking":
            continue
        given = None if item.facts.get("courier") else courier
        done.append(type_facts(root, exhibit, courier=given, waybill=waybill, at=at, actor=actor))
    return done
