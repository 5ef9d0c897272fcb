"""Stats for leads: cases, outcomes by ground, win rate, time to refusal, money kept/refunded.

Computed from the index (latest version of each case). Definitions (docs/archive.md):
favourable = won + withdrawn; win rate = favourable / cases with an outcome. Kept = amount of
favourable cases; refunded = amount of lost cases; settled = amount at stake in agreed and
partial cases (the part refunded is not recorded); pending = no outcome yet.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from disputekit.archive.index import Query, rows
from disputekit.archive.record import OUTCOMES

FAVOURABLE = ("won", "withdrawn")
SETTLED = ("agreed", "partial")
PENDING = "pending"
DAY_S = 86400.0


@dataclass(frozen=True)
class Stats:
    cases: int
    by_outcome: dict[str, int]
    by_ground: dict[str, dict[str, int]]
    win_rate: float | None
    median_days_to_refusal: float | None
    refusals_timed: int
    median_days_to_archive: float | None
    amount_kept: Decimal
    amount_refunded: Decimal
    amount_settled: Decimal
    amount_pending: Decimal

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        for key in ("amount_kept", "amount_refunded", "amount_settled", "amount_pending"):
            data[key] = f"{data[key]:.2f}"
        return data


def _median_days(values: list[float]) -> float | None:
    return round(statistics.median(values) / DAY_S, 2) if values else None


def summarize(records: list[dict[str, Any]]) -> Stats:
    """Pure: the stats of index rows (one per case)."""
    outcomes: Counter[str] = Counter()
    grounds: dict[str, Counter[str]] = defaultdict(Counter)
    money = {"kept": Decimal(0), "refunded": Decimal(0), "settled": Decimal(0),
             "pending": Decimal(0)}
    to_refusal, to_archive = [], []
    for r in records:
        outcome = r.get("outcome") or PENDING
        outcomes[outcome] += 1
        grounds[r.get("ground") or "none"][outcome] += 1
        bucket = ("kept" if outcome in FAVOURABLE else "refunded" if outcome == "lost"
                  else "settled" if outcome in SETTLED else "pending")
        money[bucket] += Decimal(str(r.get("amount") or 0))
        start = r.get("requested_ts")
        if start is not None and r.get("refused_ts") is not None:
            to_refusal.append(float(r["refused_ts"] - start))
        if start is not None and r.get("archived_ts") is not None:
            to_archive.append(float(r["archived_ts"] - start))
    decided = sum(n for o, n in outcomes.items() if o != PENDING)
    favourable = sum(outcomes[o] for o in FAVOURABLE)
    order = [*OUTCOMES, PENDING]
    return Stats(
        cases=len(records), by_outcome={o: outcomes[o] for o in order if outcomes[o]},
        by_ground={g: {o: c[o] for o in order if c[o]} for g, c in sorted(grounds.items())},
        win_rate=round(favourable / decided, 4) if decided else None,
        median_days_to_refusal=_median_days(to_refusal), refusals_timed=len(to_refusal),
        median_days_to_archive=_median_days(to_archive), amount_kept=money["kept"],
        amount_refunded=money["refunded"], amount_settled=money["settled"],
        amount_pending=money["pending"],
    )


def archive_stats(root: Path, since: datetime | None = None,
                  until: datetime | None = None) -> Stats:
    """Stats of the cases whose refund was requested in [since, until)."""
    return summarize(list(rows(root, Query(since=since, until=until, limit=0))))
