"""Pure reducers of the evidence edits: ``(EvidenceList, audit entry) -> EvidenceList``.

One per action of ``collect/edits.py`` (withdraw, tag, facts, mark/unmark). They read only
the entry (``at``, ``actor``, ``details``) and the list, so the audit-log replay
(``collect/replay.py``) rebuilds evidence.json from the log with exactly the code that wrote it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from disputekit.collect.parse.waybill import resolve_courier, waybill_plausible
from disputekit.models.evidence import EvidenceItem, EvidenceList, Withdrawal

Entry = dict[str, Any]
Reducer = Callable[[EvidenceList, Entry], EvidenceList]


def _replace(evidence: EvidenceList, updated: EvidenceItem) -> EvidenceList:
    items = [updated if i.id == updated.id else i for i in evidence.items]
    return evidence.model_copy(update={"items": items})


def _item(evidence: EvidenceList, entry: Entry) -> EvidenceItem:
    exhibit = str(entry["details"]["exhibit"])
    item = evidence.by_id(exhibit)
    if item is None:
        raise KeyError(exhibit)
    return item


def reduce_withdraw(evidence: EvidenceList, entry: Entry) -> EvidenceList:
    item = _item(evidence, entry)
    gone = Withdrawal(at=entry["at"], by=entry["actor"], reason=entry["details"]["reason"])
    return _replace(evidence, item.model_copy(update={"withdrawn": gone}))


def reduce_tag(evidence: EvidenceList, entry: Entry) -> EvidenceList:
    """``tag``/``caption`` null = unchanged; an empty caption clears it."""
    item = _item(evidence, entry)
    details = entry["details"]
    update: dict[str, Any] = {}
    if details.get("tag") is not None:
        update["tag"] = details["tag"]
    if details.get("caption") is not None:
        update["caption"] = details["caption"] or None
    return _replace(evidence, item.model_copy(update=update))


def tracking_with(facts: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    """A tracking record's facts with typed courier/waybill applied (name and plausibility
    recomputed from them)."""
    out = dict(facts)
    if fields.get("courier") is not None:
        known = resolve_courier(fields["courier"])
        out["courier"] = known.code if known else fields["courier"]
        out["courier_name"] = known.name_zh if known else None
    if fields.get("waybill") is not None:
        out["waybill"] = fields["waybill"]
    if out.get("waybill"):
        out["waybill_plausible"] = waybill_plausible(out.get("courier"), out["waybill"])
    return out


def reduce_facts(evidence: EvidenceList, entry: Entry) -> EvidenceList:
    item = _item(evidence, entry)
    fields = {k: v for k, v in entry["details"]["fields"].items() if v is not None}
    typed = {**item.typed, **fields}
    if item.kind == "screenshot":  # what OCR read stays as read; the typed values go over it
        return _replace(evidence, item.model_copy(update={"typed": typed}))
    facts = tracking_with(item.facts, fields)
    return _replace(evidence, item.model_copy(update={"typed": typed, "facts": facts}))


def reduce_mark(evidence: EvidenceList, entry: Entry) -> EvidenceList:
    """``mark``/``unmark``: chat messages (``messages``) or video frames (``frames``, s)."""
    item = _item(evidence, entry)
    details, update = entry["details"], {}
    for key in ("messages", "frames"):
        if key in details:
            field = "marks" if key == "messages" else "frames"
            have, given = set(getattr(item, field)), set(details[key])
            update[field] = sorted(have - given if entry["action"] == "unmark" else have | given)
    return _replace(evidence, item.model_copy(update=update))


REDUCERS: dict[str, Reducer] = {
    "withdraw": reduce_withdraw,
    "tag": reduce_tag,
    "facts": reduce_facts,
    "mark": reduce_mark,
    "unmark": reduce_mark,
}
