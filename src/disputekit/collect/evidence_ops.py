"""Add evidence to a case and mark key chat messages: check everything first, then write."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from disputekit.case import Case, load_evidence, open_case, write_evidence
from disputekit.collect.inspect import AnyFacts, inspect_file
from disputekit.collect.screenshot import OCR_DIR, ScreenCase, store_text
from disputekit.errors import InputFileError, UsageError
from disputekit.models.evidence import EvidenceItem, EvidenceList
from disputekit.models.facts import PhotoFacts, TrackingFacts
from disputekit.models.screen import OcrText
from disputekit.store.anchors import facts_digests
from disputekit.store.atomic import remove_stale_temps
from disputekit.store.hashing import sha256_file
from disputekit.store.lock import case_lock
from disputekit.text.printable import printable

MAX_NAME = 200


@dataclass(frozen=True)
class AddOutcome:
    source: Path
    exhibit: str
    kind: str
    status: Literal["added", "duplicate"]


def display_name(path: Path) -> str:
    """The original file name, safe to print: no control characters, no path separators,
    bounded length. Display only: objects are named by their SHA-256."""
    name = "".join(ch for ch in path.name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"\s+", " ", name.replace("/", "_").replace("\\", "_")).strip() or "unnamed"
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


def _safe_caption(caption: str | None) -> str | None:
    """A caption as one printable line (terminal control and bidi-override characters go)."""
    if caption is None:
        return None
    return re.sub(r"\s+", " ", printable(caption)).strip() or None


def recover_after_crash(case: Case, evidence: EvidenceList, at: datetime,
                        actor: str) -> EvidenceList:
    """Repair what a killed writer can leave (caller holds the case lock): sweep unfinished
    temp copies, complete edits the log holds but evidence.json lacks (edits are written log
    first: ``collect/edit_recovery.py``), and record in the audit log exhibits that reached
    evidence.json just before the process died (``add`` writes evidence.json before its audit
    entry). Returns the evidence list as it now is."""
    from disputekit.collect.edit_recovery import complete_pending_edits

    remove_stale_temps(case.paths.objects)
    remove_stale_temps(case.paths.meta)
    evidence = complete_pending_edits(case, evidence)
    audited = {
        exhibit.get("id")
        for entry in case.audit.entries() if entry.get("action") == "add"
        for exhibit in entry.get("details", {}).get("exhibits", [])
    }
    missing = [item for item in evidence.items if item.id not in audited]
    if missing:
        case.audit.append(at, actor, "add", {"recovered": True, "exhibits": [
            {**add_record(i), "added_at": i.added_at.isoformat(), "added_by": i.added_by}
            for i in missing]})
    _recover_marks(case, evidence, at, actor)
    return evidence


def add_record(item: EvidenceItem) -> dict[str, Any]:
    """What an ``add`` entry records of an exhibit: enough to replay it, and the digest of
    each parsed facts field, so an edited fact is caught (``collect/replay.py``)."""
    return {"id": item.id, "sha256": item.sha256, "size": item.size, "name": item.name,
            "kind": item.kind, "caption": item.caption, "tag": item.tag,
            "facts_sha256": facts_digests(item.facts)}


def _recover_marks(case: Case, evidence: EvidenceList, at: datetime, actor: str) -> None:
    """Marks written to evidence.json by a ``mark`` killed before its audit entry."""
    from disputekit.collect.replay import replay

    replayed = replay(case.audit.entries(), evidence).evidence
    for item in evidence.items:
        logged = replayed.by_id(item.id)
        if logged is None or logged.marks == item.marks:
            continue
        gained = sorted(set(item.marks) - set(logged.marks))
        lost = sorted(set(logged.marks) - set(item.marks))
        for action, messages in (("mark", gained), ("unmark", lost)):
            if messages:
                case.audit.append(at, actor, action, {"exhibit": item.id, "messages": messages,
                                                      "recovered": True})


def _auto_tag(case: Case, facts: AnyFacts, tag: str | None) -> str | None:
    if isinstance(facts, PhotoFacts) and facts.tracking is not None:
        facts = facts.tracking  # a tracking page read from a screenshot
    if tag or not isinstance(facts, TrackingFacts) or not facts.waybill:
        return tag
    if facts.waybill == case.facts.return_shipment.waybill:
        return "return"
    if facts.waybill == case.facts.shipment.waybill:
        return "shipment"
    return None


def _parse_all(
    case: Case, files: list[Path], as_kind: str | None, courier: str | None
) -> list[tuple[Path, str, AnyFacts]]:
    parsed = []
    for path in files:
        digest_before, _ = (None, 0) if not path.is_file() else sha256_file(path)
        facts = inspect_file(
            path, as_kind=as_kind, buyer=case.facts.buyer, seller=case.facts.seller,
            courier=courier, screen=screen_case(case), ocr_cache=case.paths.meta / OCR_DIR,
            sha256=digest_before,
        )
        parsed.append((path, digest_before or "", facts))
    return parsed


def add_files(
    root: Path,
    files: list[Path],
    *,
    at: datetime,
    actor: str,
    caption: str | None = None,
    as_kind: str | None = None,
    tag: str | None = None,
    courier: str | None = None,
) -> list[AddOutcome]:
    """Parse every file first (any failure → nothing written), then store them under the lock."""
    case = open_case(root)
    parsed = _parse_all(case, files, as_kind, courier)
    with case_lock(case.paths.meta):
        evidence = recover_after_crash(case, load_evidence(case.paths.evidence), at, actor)
        outcomes: list[AddOutcome] = []
        items = list(evidence.items)
        number = evidence.next_number
        for path, digest_before, facts in parsed:
            stored = case.store.put(path)
            if stored.sha256 != digest_before:
                raise InputFileError(
                    f"{path} 在添加过程中被修改。", f"{path} changed while it was being added.",
                    fix_zh="请等文件写完后重试。", fix_en="Wait until it is fully written, retry.",
                )
            known = next((item for item in items
                          if item.sha256 == stored.sha256 and not item.withdrawn), None)
            if known:
                outcomes.append(AddOutcome(path, known.id, known.kind, "duplicate"))
                continue
            item = EvidenceItem(
                id=f"E{number}", kind=facts.kind, name=display_name(path),
                sha256=stored.sha256, size=stored.size, added_at=at, added_by=actor,
                caption=_safe_caption(caption), tag=_auto_tag(case, facts, tag),  # type: ignore[arg-type]
                facts=facts.model_dump(mode="json"),
            )
            number += 1
            items.append(item)
            outcomes.append(AddOutcome(path, item.id, item.kind, "added"))
        added = [o for o in outcomes if o.status == "added"]
        if added:
            write_evidence(case.paths, EvidenceList(next_number=number, items=items))
            keep_screen_text(case, items[len(evidence.items):])
            case.audit.append(at, actor, "add", {"exhibits": [
                add_record(i) for i in items[len(evidence.items):]]})
    return outcomes


def mark_messages(
    root: Path, exhibit: str, messages: list[int], *, at: datetime, actor: str, unmark: bool = False
) -> EvidenceItem:
    """Mark (or unmark) key messages of a chat exhibit; they are highlighted in the dossier."""
    case = open_case(root)
    with case_lock(case.paths.meta):
        evidence = recover_after_crash(case, load_evidence(case.paths.evidence), at, actor)
        item = evidence.by_id(exhibit)
        if item is not None and item.withdrawn:
            from disputekit.collect.edits import in_force_item

            in_force_item(evidence, item.id)  # refuses: a withdrawn exhibit is not marked
        if item is None or item.kind != "chat":
            raise UsageError(
                f"{exhibit} 不是本案的聊天记录证据。", f"{exhibit} is not a chat exhibit of this case.",
                fix_zh="用 disputekit list 查看证据编号。", fix_en="See `disputekit list` for ids.",
            )
        count = len(item.facts.get("messages", []))
        bad = [m for m in messages if not 1 <= m <= count]
        if bad:
            raise UsageError(
                f"消息序号超出范围：{bad}(共 {count} 条)。",
                f"Message number out of range: {bad} ({count} messages).",
                fix_zh="用 disputekit inspect 查看消息序号。",
                fix_en="See message numbers with `disputekit inspect`.",
            )
        marks = set(item.marks)
        marks = marks - set(messages) if unmark else marks | set(messages)
        updated = item.model_copy(update={"marks": sorted(marks)})
        items = [updated if i.id == item.id else i for i in evidence.items]
        write_evidence(case.paths, evidence.model_copy(update={"items": items}))
        case.audit.append(at, actor, "unmark" if unmark else "mark",
                          {"exhibit": item.id, "messages": sorted(messages)})
    return updated


def screen_case(case: Case) -> ScreenCase:
    """What the case tells the screenshot readers (years of month-day times, nicknames)."""
    f = case.facts
    return ScreenCase(
        ordered_at=f.ordered_at, shipped_at=f.shipped_at, requested_at=f.requested_at,
        buyer=f.buyer, seller=f.seller, courier=f.shipment.courier, waybill=f.shipment.waybill,
    )


def keep_screen_text(case: Case, added: list[EvidenceItem]) -> None:
    """Cache the OCR text of newly added screenshots (only once the add is recorded)."""
    for item in added:
        text = item.facts.get("text") if item.kind == "screenshot" else None
        if text:
            store_text(case.paths.meta / OCR_DIR, item.sha256, OcrText.model_validate(text))
