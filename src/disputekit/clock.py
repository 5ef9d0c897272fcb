"""The clock seam: --now, SOURCE_DATE_EPOCH, or the system clock; always timezone-aware."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def parse_time(text: str, tz: timezone = CHINA_TZ) -> datetime:
    """Parse ISO 8601 or 'YYYY-MM-DD HH:MM[:SS]' (also with '/' and one-digit parts).

    A time without an offset is taken in ``tz`` (China Standard Time by default).
    Raises ValueError on anything else.
    """
    raw = text.strip().replace("/", "-")
    if raw.endswith("Z"):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        value = _parse_loose(raw)
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _parse_loose(raw: str) -> datetime:
    date_part, _, time_part = raw.partition(" ")
    y, m, d = (int(p) for p in date_part.split("-"))
    hms = [int(p) for p in time_part.split(":")] if time_part else [0, 0]
    while len(hms) < 3:
        hms.append(0)
    return datetime(y, m, d, hms[0], hms[1], hms[2])


def now(explicit: str | datetime | None = None) -> datetime:
    """The moment commands reason about: --now, else SOURCE_DATE_EPOCH, else the clock."""
    if isinstance(explicit, datetime):
        return explicit if explicit.tzinfo else explicit.replace(tzinfo=CHINA_TZ)
    if explicit:
        return parse_time(explicit)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=CHINA_TZ)
    return datetime.now(tz=CHINA_TZ)
