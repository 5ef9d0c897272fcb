"""The daily queue: every open case below a folder, most urgent first (shop rule 9).

Closed, paid, finished and archived cases leave the queue."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from disputekit.case import CASE_FILE, META_DIR, Case, open_case
from disputekit.errors import DisputekitError
from disputekit.manifest import state_hash
from disputekit.models.case import OrderStatus, RefundState
from disputekit.review.decisions import review_state
from disputekit.validate.check import check_case

SKIP_DIRS = {META_DIR, "out", ".git", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class QueueRow:
    case: str
    path: str
    state: str
    deadline: str | None
    estimated: bool
    hours_left: float | None
    ready: bool
    blocking: int
    review: str | None
    error: str | None = None
    seller_acts: bool = True  # the deadline is the seller's (only those alarm)

    @property
    def urgent(self) -> bool:
        """Within 24 h of (or past) a deadline the seller must meet."""
        return self.seller_acts and self.hours_left is not None and self.hours_left < 24

    def to_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def find_cases(root: Path) -> Iterator[Path]:
    """Folders holding a case.toml, not descending into a case's own managed folders."""
    for current, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        if CASE_FILE in files:
            yield Path(current)


def review_status(case_dir: Path) -> str | None:
    return review_state(case_dir)


DONE_STATES = (RefundState.CLOSED, RefundState.SUCCESS)


def finished(case: Case) -> bool:
    """Nothing left to do: the refund is closed or paid, the trade finished, or this very state
    of the case is archived (an archived case alarmed every morning before issue 11)."""
    if case.facts.state in DONE_STATES or case.facts.order_status == OrderStatus.FINISHED:
        return True
    archived = {e.get("details", {}).get("state_hash") for e in case.audit.entries()
                if e.get("action") == "archive"}
    return bool(archived) and state_hash(case) in archived


def row_for(case_dir: Path, now: datetime) -> QueueRow | None:
    """The case's row, or None when it has left the queue (see :func:`finished`)."""
    try:
        case = open_case(case_dir)
        if finished(case):
            return None
        report = check_case(case, now=now)
    except DisputekitError as exc:
        return QueueRow(case_dir.name, str(case_dir), "?", None, False, None, False, 0, None,
                        error=exc.message())
    d = report.deadline
    return QueueRow(
        case=case.case_id, path=str(case_dir), state=case.facts.state.value,
        deadline=d.at.isoformat() if d else None, estimated=bool(d and d.estimated),
        hours_left=d.hours_left(now) if d else None, ready=report.ready,
        blocking=sum(1 for f in report.findings if f.severity == "blocking"),
        review=review_status(case_dir), seller_acts=bool(d is None or d.actor in ("seller", "both")),
    )


def build_queue(root: Path, now: datetime) -> list[QueueRow]:
    rows = [row for path in find_cases(root) if (row := row_for(path, now)) is not None]
    return sorted(rows, key=lambda r: (r.hours_left is None, r.hours_left or 0.0, r.case))
