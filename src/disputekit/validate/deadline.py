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
    beyond_calendar: bool = False  # working days counted past the holiday table's years

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


# Fixed-date public holidays (《全国年节及纪念日放假办法》): used only past the years the
# chinese-calendar table covers, where 调休 and the lunar holidays are unknown.
FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


def in_calendar(day: date) -> bool:
    """Does the chinese-calendar table cover this day (holidays and 调休 known)?"""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    """Chinese working day, honouring public holidays and 调休 （chinese-calendar）. Past the
    table's years: weekdays that are not a fixed-date holiday (an estimate: see in_calendar)."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS


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


def beyond_calendar(start: datetime, timeout: Timeout) -> bool:
    """Working days counted into years the holiday table does not cover."""
    if timeout.unit != "working_days":
        return False
    end = add_timeout(start, timeout)
    return not (in_calendar(start.date()) and in_calendar(end.date()))


def compute_deadline(case: CaseFile, profile: Profile, *,
                     return_shipped: datetime | None = None) -> Deadline | None:
    """The deadline for whoever must act in the case's current state, or None if unknown.

    ``return_shipped``: the first scan of the buyer's return (waiting_seller_confirm's clock
    starts when the buyer ships it, not when the warehouse registers it)."""
    state = profile.state(case.state.value)
    actor = state.actor if state else "seller"
    if case.deadline is not None:
        return Deadline(case.deadline, False, actor, "high", "case.toml deadline (千牛 countdown)")
    unshipped = case.order_status == OrderStatus.PAID and case.state == RefundState.WAITING_SELLER_AGREE
    timeout = profile.unshipped.timeout if unshipped else (state.timeout if state else None)
    start = case.state_since
    note = ""
    if case.state == RefundState.WAITING_SELLER_CONFIRM and return_shipped is not None:
        start, note = return_shipped, "; clock from the return's first scan"
    if start is None and case.state == RefundState.WAITING_SELLER_AGREE:
        start = case.requested_at
    if timeout is None or start is None:
        return None
    return Deadline(add_timeout(start, timeout), True, actor, timeout.confidence, timeout.source + note,
                    beyond_calendar(start, timeout))


def seven_day_end(signed: datetime, days: int) -> datetime:
    """End of the 7-day window: counted from the day after signing (S3 Art. 10), to 24:00."""
    start = (signed + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return start + timedelta(days=days)
