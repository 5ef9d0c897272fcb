"""Edits are written log first: a command killed between its audit entry and evidence.json is
completed by the next command that writes the case.

``withdraw``, ``tag``, ``facts`` and ``mark --at`` append their audit entry, then write
evidence.json as the entry's reducer makes it (``collect/edits.py``). The audit log is the
authority here (hash-chained, and it holds everything an edit needs), so after a kill between
the two writes evidence.json is exactly the replay of the log *without* its last edit
entries. :func:`pending_edits` recognises that state and nothing else: a hand edit of
evidence.json does not match it and stays a verification problem (never "recovered").
:func:`complete_pending_edits` applies those entries with the reducers that wrote them.

(``add`` and chat ``mark`` still write evidence.json first; their recovery records what
evidence.json holds: ``evidence_ops.recover_after_crash``.)
"""

from __future__ import annotations

from typing import Any

from disputekit.case import Case, write_evidence
from disputekit.collect.edit_reducers import REDUCERS
from disputekit.collect.replay import differences, replay
from disputekit.models.evidence import EvidenceList

Entry = dict[str, Any]

LOG_FIRST = frozenset({"withdraw", "tag", "facts", "mark", "unmark"})
"""Actions whose entry may precede evidence.json (``mark``/``unmark`` of video frames are
written log first; of chat messages evidence first — both reduce the same way)."""

MAX_PENDING = 4
"""Entries one edit command appends at most (``facts`` + the ``tag`` linking the record)."""


def pending_edits(entries: list[Entry], recorded: EvidenceList) -> list[Entry]:
    """The last edit entries evidence.json does not reflect yet, when it equals the replay of
    the log without them; else [] (evidence.json agrees with the log, or differs otherwise)."""
    if not entries or not differences(replay(entries, recorded).evidence, recorded):
        return []
    for count in range(1, min(MAX_PENDING, len(entries)) + 1):
        tail = entries[-count:]
        if tail[0].get("action") not in LOG_FIRST:
            break
        if not differences(replay(entries[:-count], recorded).evidence, recorded):
            return tail
    return []


def complete_pending_edits(case: Case, evidence: EvidenceList) -> EvidenceList:
    """Apply edits the log holds but evidence.json lacks (caller holds the case lock); the
    evidence list as it now is."""
    entries = case.audit.entries()
    tail = pending_edits(entries, evidence)
    if not tail:
        return evidence
    done = evidence
    for entry in tail:
        done = REDUCERS[str(entry["action"])](done, entry)
    if differences(replay(entries, done).evidence, done):
        return evidence  # not what the log gives after all: leave it to verify
    write_evidence(case.paths, done)
    return done


def pending_problem(tail: list[Entry]) -> str:
    """How ``verify`` names the state (the gates refuse it until the next command)."""
    steps = ", ".join(f"{e.get('action')} {(e.get('details') or {}).get('exhibit', '?')}"
                      for e in tail)
    return (f"the audit log's last edit(s) ({steps}) are not in evidence.json: a command was "
            "interrupted (or the file was edited by hand); the next add, mark or edit of this "
            "case applies them from the log")
