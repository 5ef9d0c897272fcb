"""Review stage: a lead approves or returns a case; the decision is bound to its state hash.

Decisions are audit entries (action ``approve`` / ``return``, details ``reviewer``,
``comment``, ``state_hash``). The state document the lead saw is kept as
``.disputekit/reviews/<state_hash>.json`` (its SHA-256 is its name), so ``review`` can say what
changed since. An approval whose hash no longer matches the case is *stale*.

A decision counts only from a log that verifies: ``approve``/``return`` refuse to append to
a case that is not its audit log's replay, and ``assert_fresh_approval`` (the gate of the
upload bundle and the archive) refuses such a case (exit 4) before reading its decisions.

Whether building the upload bundle (and archiving) needs a fresh approval is a shop setting:
``DISPUTEKIT_REQUIRE_APPROVAL=1|0`` wins; else the nearest ``shop.toml`` above the case folder
with ``[review] require_approval = true``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tomllib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from disputekit.case import Case, open_case
from disputekit.collect.case_integrity import assert_intact
from disputekit.errors import BlockingFindings, DisputekitError, InputFileError, UsageError
from disputekit.manifest import state_document, state_hash
from disputekit.review.approved_dossier import approved_dossier
from disputekit.review.signature import SignKey, load_key
from disputekit.review.snapshots import StateDiff, diff_states, load_snapshot, save_snapshot
from disputekit.store.lock import case_lock
from disputekit.store.timestamps import stamp_entry, tsa_settings
from disputekit.validate.check import CheckReport, check_case

log = logging.getLogger(__name__)

ENV_REQUIRE = "DISPUTEKIT_REQUIRE_APPROVAL"
SHOP_FILE = "shop.toml"
MAX_COMMENT = 2000

LIFECYCLE_FIELDS = frozenset({"state", "state_since", "deadline", "refund_phase", "order_status"})

Action = Literal["approve", "return"]
ACTIONS: tuple[Action, ...] = ("approve", "return")


class ReviewState(StrEnum):
    APPROVED = "approved"
    RETURNED = "returned"
    STALE = "stale"  # approved, but the case changed since


class ApprovalMissing(BlockingFindings):
    """The shop requires a fresh approval and the case does not have one (exit 3)."""


@dataclass(frozen=True)
class Decision:
    action: Action
    reviewer: str
    comment: str
    at: str
    state_hash: str
    seq: int
    dossier: dict[str, Any] | None = None
    """What an approval recorded of ``out/dossier.pdf`` (``approved_dossier.py``), if built."""

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


# --------------------------------------------------------------------------- reading decisions


def decisions(case: Case) -> list[Decision]:
    """Every approve/return entry of the audit log, oldest first."""
    out = []
    for entry in case.audit.entries():
        if entry.get("action") not in ACTIONS:
            continue
        details = entry.get("details") or {}
        out.append(Decision(
            action=entry["action"], reviewer=str(details.get("reviewer", entry.get("actor", ""))),
            comment=str(details.get("comment", "")), at=str(entry.get("at", "")),
            state_hash=str(details.get("state_hash", "")), seq=int(entry.get("seq", 0)),
            dossier=details["dossier"] if isinstance(details.get("dossier"), dict) else None,
        ))
    return out


def state_of(case: Case, history: list[Decision] | None = None) -> ReviewState | None:
    """approved / returned / stale from the last decision, or None when never reviewed."""
    history = decisions(case) if history is None else history
    if not history:
        return None
    last = history[-1]
    if last.action == "return":
        return ReviewState.RETURNED
    return ReviewState.APPROVED if last.state_hash == state_hash(case) else ReviewState.STALE


def review_state(case_dir: Path) -> str | None:
    """The review state of a case folder as a string (used by ``queue``); None if unknown."""
    try:
        case = open_case(case_dir)
        assert_intact(case.paths, "读取复核状态", "read its review state")
        state = state_of(case)
    except (DisputekitError, ValueError, OSError) as exc:
        log.warning("review state of %s unknown: %s", case_dir, exc)
        return None
    return state.value if state else None


# --------------------------------------------------------------------------- deciding


def _reviewer(by: str) -> str:
    reviewer = " ".join(by.split())
    if not reviewer:
        raise UsageError("请用 --by 写明复核人。", "Name the reviewer with --by.")
    return reviewer


def _comment(comment: str | None, action: Action) -> str:
    text = (comment or "").strip()
    if action == "return" and not text:
        raise UsageError(
            "退回案件时必须用 -m 说明缺少什么或要改什么。",
            "Returning a case needs a message (-m) saying what is missing or must change.",
        )
    if len(text) > MAX_COMMENT:
        raise UsageError(f"意见太长（{len(text)} 字，上限 {MAX_COMMENT}）。",
                         f"The comment is too long ({len(text)} characters, limit {MAX_COMMENT}).")
    return text


def _refuse_blocking(report: CheckReport) -> None:
    blocking = [f for f in report.findings if f.severity == "blocking"]
    if not blocking:
        return
    zh = "\n".join("  - " + f.zh for f in blocking)
    en = "\n".join("  - " + f.en for f in blocking)
    raise BlockingFindings(
        f"案件 {report.case_id} 还有 {len(blocking)} 个阻断问题，不能批准：\n{zh}\n",
        f"Case {report.case_id} has {len(blocking)} blocking finding(s) and cannot be approved:\n"
        f"{en}\n",
        fix_zh="请退回案件（disputekit return）让经办人补充证据。",
        fix_en="Return the case (`disputekit return`) so the agent can fix it.",
    )


def _decide(case_dir: Path, action: Action, by: str, comment: str | None, now: datetime,
            profile_path: Path | None, sign: SignKey | None = None) -> Decision:
    reviewer, text = _reviewer(by), _comment(comment, action)
    paths = open_case(case_dir).paths
    key = load_key(sign, now) if sign is not None else None  # a bad key: nothing written
    with case_lock(paths.meta), _build_lock(paths, key is not None):
        case = open_case(case_dir)
        assert_intact(paths, "记录复核决定", "record a decision")  # we hold the lock
        if action == "approve":
            _refuse_blocking(check_case(case, now=now, profile_path=profile_path))
        current = state_hash(case)
        approved = approved_dossier(case, current, key, f"approved by {reviewer}") \
            if action == "approve" else None
        digest = save_snapshot(paths, state_document(case))
        details: dict[str, Any] = {"reviewer": reviewer, "comment": text, "state_hash": digest}
        if approved is not None:
            details["dossier"] = approved.record
        entry = case.audit.prepare(now, reviewer, action, details)
        if (tsa := tsa_settings(case_dir)) is not None:  # RFC 3161 over the head it makes
            stamp_entry(paths.meta, tsa, entry)
        if approved is not None:
            approved.keep(paths)  # the signed file, under its hash, before the entry names it
        case.audit.write(entry)
        if approved is not None:
            approved.publish()
    return decisions(open_case(case_dir))[-1]


def _build_lock(paths: Any, signing: bool) -> contextlib.AbstractContextManager[Any]:
    """Signing rewrites out/dossier.pdf: no build may replace it meanwhile."""
    return case_lock(paths.meta, lock_name="build.lock") if signing else contextlib.nullcontext()


def approve(case_dir: Path, by: str, comment: str | None, now: datetime, *,
            profile_path: Path | None = None, sign: SignKey | None = None) -> Decision:
    """Approve the case as it is now; refused while blocking findings remain.

    When ``out/dossier.pdf`` is a final build of this state, the entry records it (hash, page
    digests); with ``sign`` the dossier is signed with the lead's key first."""
    return _decide(case_dir, "approve", by, comment, now, profile_path, sign)


def return_case(case_dir: Path, by: str, comment: str | None, now: datetime) -> Decision:
    """Send the case back to the agent; the comment (what is missing) is required."""
    return _decide(case_dir, "return", by, comment, now, None)


# --------------------------------------------------------------------------- shop setting


_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")


def find_shop_file(case_dir: Path) -> Path | None:
    """The nearest ``shop.toml`` in a folder above the case (not inside it)."""
    for folder in case_dir.resolve().parents:
        candidate = folder / SHOP_FILE
        if candidate.is_file():
            return candidate
    return None


def _shop_setting(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputFileError(f"{path} 无法读取：{exc}", f"{path} cannot be read: {exc}") from None
    section = data.get("review", {})
    unknown = sorted(set(section) - {"require_approval"}) if isinstance(section, dict) else []
    value = section.get("require_approval", False) if isinstance(section, dict) else None
    if unknown or not isinstance(value, bool):
        raise InputFileError(
            f"{path}：[review] 只能有 require_approval = true/false。",
            f"{path}: [review] may only hold require_approval = true/false.",
        )
    return value


def approval_required(case_dir: Path, env: dict[str, str] | None = None) -> bool:
    """Does this shop require a fresh approval before the upload bundle and archiving?"""
    env = dict(os.environ) if env is None else env
    raw = env.get(ENV_REQUIRE)
    if raw is not None and raw.strip():
        value = raw.strip().lower()
        if value not in _TRUE + _FALSE:
            raise UsageError(f"{ENV_REQUIRE}={raw!r} 无法识别（应为 1 或 0）。",
                             f"{ENV_REQUIRE}={raw!r} is not understood (use 1 or 0).")
        return value in _TRUE
    shop = find_shop_file(case_dir)
    return _shop_setting(shop) if shop else False


def lifecycle_only(diff: StateDiff) -> bool:
    """True when only the dispute's progress (state, its times) changed, not the evidence."""
    return not (diff.exhibits_added or diff.exhibits_removed or diff.exhibits_changed) and all(
        c.field in LIFECYCLE_FIELDS for c in diff.case_changed)


def _still_holds(case: Case, last: Decision) -> bool:
    before = load_snapshot(case.paths, last.state_hash)
    return before is not None and lifecycle_only(diff_states(before, state_document(case)))


def assert_fresh_approval(case: Case, env: dict[str, str] | None = None, *,
                          allow_lifecycle: bool = False) -> None:
    """Raise ApprovalMissing when the shop requires approval and the case lacks a fresh one.

    ``allow_lifecycle`` (used by ``archive``) accepts an approval when only the refund's
    state and its times changed since: recording how the dispute went on is not new evidence.
    """
    if not approval_required(case.paths.root, env):
        return
    assert_intact(case.paths, "确认批准", "accept its approval", lock=True)  # a decision counts
    history = decisions(case)  # only from a log that verifies
    state = state_of(case, history)
    if state == ReviewState.APPROVED:
        return
    if state == ReviewState.STALE and allow_lifecycle and _still_holds(case, history[-1]):
        return
    fix = ("请组长复核并批准：disputekit approve CASE --by 姓名",
           "Ask the lead to review and approve: disputekit approve CASE --by NAME")
    last = history[-1] if history else None
    if last is None:
        zh, en = "本店要求组长批准后才能继续，此案尚未批准。", \
            "The shop requires a lead's approval first; this case has not been approved."
    elif state == ReviewState.RETURNED:
        zh = f"此案已被 {last.reviewer} 退回（{last.at}）：{last.comment}"
        en = f"This case was returned by {last.reviewer} ({last.at}): {last.comment}"
    else:
        zh = f"{last.reviewer} 于 {last.at} 批准后案件又有改动，批准已失效。"
        en = f"The case changed after {last.reviewer} approved it ({last.at}); the approval is stale."
    raise ApprovalMissing(zh, en, fix_zh=fix[0], fix_en=fix[1])


# --------------------------------------------------------------------------- for the dossier


@dataclass(frozen=True)
class SignOff:
    """The dossier's sign-off section: the last decision and whether it still holds."""

    decision: Action
    reviewer: str
    at: str
    comment: str
    reviewed_hash: str
    fresh: bool

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def sign_off(case: Case) -> SignOff | None:
    history = decisions(case)
    if not history:
        return None
    last = history[-1]
    return SignOff(last.action, last.reviewer, last.at, last.comment, last.state_hash,
                   fresh=last.state_hash == state_hash(case))


# --------------------------------------------------------------------------- the lead's view


@dataclass(frozen=True)
class ReviewSummary:
    case: Case
    report: CheckReport
    state: ReviewState | None
    state_hash: str
    last: Decision | None
    changes: StateDiff | None  # vs the state the last decision saw; None if unknown
    required: bool

    def to_json(self, lang: str) -> dict[str, Any]:
        facts = self.case.facts
        return {
            "case": self.case.case_id, "state": self.state.value if self.state else None,
            "state_hash": self.state_hash, "approval_required": self.required,
            "facts": {"order_id": facts.order_id, "refund_id": facts.refund_id,
                      "buyer": facts.buyer, "amount": str(facts.amount), "ground": facts.ground,
                      "refund_type": facts.refund_type.value, "state": facts.state.value},
            "exhibits": len(self.case.evidence.items),
            "last_decision": self.last.to_json() if self.last else None,
            "changes": self.changes.to_json() if self.changes else None,
            "check": self.report.to_json(lang),
        }


def review_summary(case: Case, now: datetime, *, profile_path: Path | None = None,
                   env: dict[str, str] | None = None) -> ReviewSummary:
    assert_intact(case.paths, "显示复核视图", "show the review")  # never "approved" from a
    history = decisions(case)  # log that lost its last lines
    last = history[-1] if history else None
    changes = None
    if last is not None:
        before = load_snapshot(case.paths, last.state_hash)
        changes = diff_states(before, state_document(case)) if before is not None else None
    return ReviewSummary(
        case=case, report=check_case(case, now=now, profile_path=profile_path),
        state=state_of(case, history), state_hash=state_hash(case), last=last, changes=changes,
        required=approval_required(case.paths.root, env),
    )
