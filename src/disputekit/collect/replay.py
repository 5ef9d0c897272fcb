"""Replay ``audit.jsonl``: a case *is* its audit log, and ``evidence.json`` must equal its replay.

Each action has one reducer ``(EvidenceList, entry) -> EvidenceList`` in ``REDUCERS`` (the same
shape as ``collect/edits.py``'s). An action without a reducer is a verification problem, never
skipped. ``add`` is the one reducer that needs ``evidence.json``: the log holds only the
*digests* of the parsed facts (``facts_sha256``, one per top-level field), so the facts come
from ``evidence.json`` and each field is kept only if it still hashes to what ``add`` recorded;
a field that does not is replaced by a marker that no later action overwrote → the difference
names the exhibit and the field. Every other field of an exhibit comes from the log alone.

Adding an action that changes an exhibit: write its reducer (pure, from the entry's details)
and register it in ``REDUCERS``. Cases made before the log anchored facts (add entries without
``facts_sha256``/``caption``/``tag``/``size``) still replay; what they never recorded is a
warning ("not anchored"), not a failure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from disputekit.collect.edit_reducers import REDUCERS as EDIT_REDUCERS
from disputekit.models.evidence import EvidenceItem, EvidenceList
from disputekit.store.anchors import ANCHORING_VERSION, LOG_FORMAT, facts_digests

Entry = dict[str, Any]
Reducer = Callable[[EvidenceList, Entry], EvidenceList]

NOT_AS_ADDED = "__disputekit_not_as_added__"
"""Marker for a facts field that no longer hashes to what ``add`` recorded."""

ANCHORED = ("sha256", "size", "name", "kind", "caption", "tag", "added_at", "added_by")
"""Exhibit fields an ``add`` entry records for each exhibit (besides ``facts_sha256``)."""

RESET = {"marks": [], "frames": [], "typed": {}, "withdrawn": None}
"""Fields later actions set: as they are right after ``add``."""


class ReplayProblem(Exception):
    """An entry that cannot be applied (unknown exhibit, bad details)."""


def _details(entry: Entry) -> dict[str, Any]:
    details = entry.get("details")
    return details if isinstance(details, dict) else {}


def _item(evidence: EvidenceList, entry: Entry) -> EvidenceItem:
    exhibit = str(_details(entry).get("exhibit", ""))
    item = evidence.by_id(exhibit) if exhibit else None
    if item is None:
        raise ReplayProblem(f"{entry.get('action')} of unknown exhibit {exhibit!r}")
    return item


def _replace(evidence: EvidenceList, updated: EvidenceItem) -> EvidenceList:
    items = [updated if i.id == updated.id else i for i in evidence.items]
    return evidence.model_copy(update={"items": items})


def reduce_mark(evidence: EvidenceList, entry: Entry) -> EvidenceList:
    """``mark``/``unmark`` of chat messages (``messages``, 1-based)."""
    item = _item(evidence, entry)
    given = {m for m in _details(entry).get("messages") or [] if isinstance(m, int)}
    have = set(item.marks)
    marks = have - given if entry.get("action") == "unmark" else have | given
    return _replace(evidence, item.model_copy(update={"marks": sorted(marks)}))


def unchanged(evidence: EvidenceList, entry: Entry) -> EvidenceList:
    """Actions that do not change evidence.json (``init``, decisions, ``archive``)."""
    return evidence


REDUCERS: dict[str, Reducer] = {
    "init": unchanged,
    "mark": reduce_mark,
    "unmark": reduce_mark,
    "approve": unchanged,
    "return": unchanged,
    "archive": unchanged,
    **EDIT_REDUCERS,  # withdraw, tag, facts, mark/unmark of chat messages and video frames
}


# --------------------------------------------------------------------------- add


@dataclass
class _AddContext:
    recorded: EvidenceList
    problems: list[str]
    absent: list[str]
    unanchored: dict[str, set[str]]


def _added_item(ctx: _AddContext, entry: Entry, record: dict[str, Any]) -> EvidenceItem | None:
    exhibit = str(record.get("id", ""))
    stored = ctx.recorded.by_id(exhibit) if exhibit else None
    if stored is None:
        ctx.absent.append(f"{exhibit or '?'}: in the audit log but not in evidence.json")
        return None
    base = stored.model_dump(mode="json")
    recovered = bool(_details(entry).get("recovered"))
    missing: set[str] = set()
    for key in ANCHORED:
        if key in record:
            base[key] = record[key]
        elif key in ("added_at", "added_by") and not recovered:
            base[key] = entry.get("at" if key == "added_at" else "actor")
        else:
            missing.add(key)
    base.update({k: v for k, v in RESET.items() if k in base})
    digests = record.get("facts_sha256")
    if isinstance(digests, dict):
        base["facts"] = _anchored_facts(base["facts"], digests)
    else:
        missing.add("facts")
    if missing:
        ctx.unanchored[stored.id] = missing
    try:
        return EvidenceItem.model_validate(base)
    except ValidationError as exc:
        ctx.problems.append(f"{stored.id}: the audit log's add entry is invalid ({exc.error_count()}"
                            " problem(s))")
        return None


def _anchored_facts(facts: dict[str, Any], digests: dict[str, Any]) -> dict[str, Any]:
    now = facts_digests(facts)
    out = {k: v if now[k] == digests[k] else {NOT_AS_ADDED: True}
           for k, v in facts.items() if k in digests}
    out.update({k: {NOT_AS_ADDED: True} for k in digests if k not in facts})
    return out


def _reduce_add(ctx: _AddContext) -> Reducer:
    def reduce_add(evidence: EvidenceList, entry: Entry) -> EvidenceList:
        items = list(evidence.items)
        for record in _details(entry).get("exhibits") or []:
            if not isinstance(record, dict):
                raise ReplayProblem("add entry with a malformed exhibit")
            if evidence.by_id(str(record.get("id", ""))) is not None:
                raise ReplayProblem(f"{record.get('id')} added a second time")
            item = _added_item(ctx, entry, record)
            if item is not None:
                items.append(item)
        return evidence.model_copy(update={"items": items})
    return reduce_add


# --------------------------------------------------------------------------- replay


@dataclass
class Replayed:
    evidence: EvidenceList
    log_format: int = 1
    problems: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    """Exhibits the log added that evidence.json lacks."""
    warnings: list[str] = field(default_factory=list)


def replay(entries: list[Entry], recorded: EvidenceList) -> Replayed:
    """Apply every entry in order, starting from an empty evidence list."""
    ctx = _AddContext(recorded, [], [], {})
    table = {**REDUCERS, "add": _reduce_add(ctx)}
    out = Replayed(EvidenceList())
    out.log_format = _log_format(entries)
    evidence = EvidenceList()
    for number, entry in enumerate(entries, start=1):
        if entry.get("seq") != number:
            out.problems.append(f"entry {number}: seq {entry.get('seq')!r}, expected {number}")
        action = str(entry.get("action"))
        reducer = table.get(action)
        if reducer is None:
            out.problems.append(f"entry {number}: unknown action {action!r} "
                                "(made by a newer disputekit, or forged)")
            continue
        try:
            evidence = reducer(evidence, entry)
        except (ReplayProblem, KeyError, TypeError, ValueError) as exc:
            out.problems.append(f"entry {number} ({action}): cannot be replayed ({exc})")
    numbers = [int(i.id[1:]) for i in evidence.items]
    out.evidence = evidence.model_copy(update={"next_number": max(numbers, default=0) + 1})
    out.problems += ctx.problems
    out.absent += ctx.absent
    out.warnings += _unanchored_warnings(ctx.unanchored, out.log_format)
    return out


def _log_format(entries: list[Entry]) -> int:
    """``init``'s ``log`` (a case.toml written by hand has no init); else 2 when an ``add``
    anchored facts (written by this version), else 1 (an older case)."""
    if entries and entries[0].get("action") == "init":
        log = _details(entries[0]).get("log")
        if isinstance(log, int):
            return log
    anchored = any(isinstance(r, dict) and "facts_sha256" in r
                   for e in entries if e.get("action") == "add"
                   for r in _details(e).get("exhibits") or [])
    return LOG_FORMAT if anchored else 1


def _unanchored_warnings(unanchored: dict[str, set[str]], log_format: int) -> list[str]:
    groups: dict[tuple[str, ...], list[str]] = {}
    for exhibit, fields in unanchored.items():
        groups.setdefault(tuple(sorted(fields)), []).append(exhibit)
    made = ("case made before disputekit " + ANCHORING_VERSION) if log_format < LOG_FORMAT \
        else "recorded after a crash"
    return [f"{', '.join(ids)}: {', '.join(fields)} not anchored in the audit log ({made})"
            for fields, ids in groups.items()]


# --------------------------------------------------------------------------- comparing


def differences(replayed: EvidenceList, recorded: EvidenceList) -> list[str]:
    """Each way evidence.json differs from the replay, naming exhibit and field."""
    out: list[str] = []
    want_ids = [i.id for i in replayed.items]
    have_ids = [i.id for i in recorded.items]
    out += [f"{e}: in the audit log but not in evidence.json" for e in want_ids
            if e not in have_ids]
    out += [f"{e}: in evidence.json but no audit entry added it" for e in have_ids
            if e not in want_ids]
    common = [e for e in have_ids if e in want_ids]
    if common != [e for e in want_ids if e in have_ids]:
        out.append("exhibits are not in the order they were added")
    if recorded.next_number != replayed.next_number:
        out.append(f"next_number is {recorded.next_number}, the audit log gives "
                   f"{replayed.next_number}")
    for exhibit in common:
        want, have = replayed.by_id(exhibit), recorded.by_id(exhibit)
        assert want is not None and have is not None
        out += _item_differences(want, have)
    return out


def _item_differences(want: EvidenceItem, have: EvidenceItem) -> list[str]:
    a, b = want.model_dump(mode="json"), have.model_dump(mode="json")
    out = []
    for key in sorted((set(a) | set(b)) - {"facts"}):
        if not _same(key, a.get(key), b.get(key)):
            out.append(f"{want.id}.{key}: evidence.json has {_short(b.get(key))}, the audit log "
                       f"gives {_short(a.get(key))}")
    fa, fb = a.get("facts") or {}, b.get("facts") or {}
    for key in sorted(set(fa) | set(fb)):
        if key not in fb:
            out.append(f"{want.id}.facts.{key}: missing from evidence.json")
        elif key not in fa:
            out.append(f"{want.id}.facts.{key}: not in what add parsed")
        elif isinstance(fa[key], dict) and fa[key].get(NOT_AS_ADDED):
            out.append(f"{want.id}.facts.{key}: differs from what add parsed (edited after "
                       "adding)")
        elif fa[key] != fb[key]:
            out.append(f"{want.id}.facts.{key}: differs from the replay of the audit log")
    return out


def _same(key: str, want: Any, got: Any) -> bool:
    if key in ("added_at", "at") and isinstance(want, str) and isinstance(got, str):
        try:
            return datetime.fromisoformat(want) == datetime.fromisoformat(got)
        except ValueError:
            return want == got
    return bool(want == got)


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 80 else text[:79] + "…"
