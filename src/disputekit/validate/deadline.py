"""Seller deadlines: the platform's countdown from the case wins; otherwise an estimate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from disputekit.models.case import CaseFile, OrderStatus, RefundState
from disputekit.profiles.model import Profile, Timeout


@dataclass(frozen=True)
class Deadline:
    at: datetime
    estimated: bool
    actor: str
    confidence: str
    source: str

    def hours_left(self, now: datetime) -> float:
        return round((self.at - now).total_seconds() / 3600, 2)

    def to_json(self, now: datetime) -> dict[str, object]:
        return {
            "at": self.at.isoformat(),
            "estimated": self.estimated,
            "hours_left": self.hours_left(now),
            "actor": self.actor,
            "confidence": self.confidence,
            "source": self.source,
        }


def is_workday(day: date) -> bool:
    """Chinese working day, honouring public holidays and 调休 （chinese-calendar）."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # year not covered yet: weekends only
        return day.weekday() < 5


def add_timeout(start: datetime, timeout: Timeout) -> datetime:
    if timeout.unit == "hours":
        return start + timedelta(hours=timeout.amount)
    if timeout.unit == "days":
        return start + timedelta(days=timeout.amount)
    remaining = int(timeout.amount)
    current = start
    while remaining > 0:
        current += timedelta(days=1)
        if is_workday(current.date()):
            remaining -= 1
    return current


def compute_deadline(case: CaseFile, profile: Profile) -> Deadline | None:
    """The deadline for whoever must act in the case's current state, or None if unknown."""
    state = profile.state(case.state.value)
    actor = state.actor if state else "seller"
    if case.deadline is not None:
        return Deadline(case.deadline, False, actor, "high", "case.toml deadline (千牛 countdown)")
    unshipped = case.order_status == OrderStatus.PAID and case.state == RefundState.WAITING_SELLER_AGREE
    timeout = profile.unshipped.timeout if unshipped else (state.timeout if state else None)
    start = case.state_since
    if start is None and case.state == RefundState.WAITING_SELLER_AGREE:
        start = case.requested_at
    if timeout is None or start is None:
        return None
    return Deadline(add_timeout(start, timeout), True, actor, timeout.confidence, timeout.source)


def seven_day_end(signed: datetime, days: int) -> datetime:
    """End of the 7-day window: counted from the day after signing (S3 Art. 10), to 24:00."""
    start = (signed + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=days)
