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


YEARS = range(2000, 2101)
"""The span a command's moment may fall in (as case.toml's times): outside it is a typo, and
deadline arithmetic near year 9999 would overflow."""


def now(explicit: str | datetime | None = None) -> datetime:
    """The moment commands reason about: --now, else SOURCE_DATE_EPOCH, else the clock.

    A value that is not a time (``--now garbage``, an offset of ``+99:00``, a year outside
    2000–2100, ``SOURCE_DATE_EPOCH=abc`` or ``=99999999999999``) is a usage error (exit 2)."""
    if isinstance(explicit, datetime):
        return explicit if explicit.tzinfo else explicit.replace(tzinfo=CHINA_TZ)
    if explicit:
        try:
            return _in_years(parse_time(explicit))
        except (ValueError, OverflowError):
            raise _bad_time("--now", explicit) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip():
        try:
            return _in_years(datetime.fromtimestamp(int(epoch.strip()), tz=CHINA_TZ))
        except (ValueError, OverflowError, OSError):
            raise _bad_time("SOURCE_DATE_EPOCH", epoch) from None
    return datetime.now(tz=CHINA_TZ)


def _in_years(moment: datetime) -> datetime:
    if moment.year not in YEARS:
        raise ValueError(f"year {moment.year} is outside {YEARS.start}–{YEARS.stop - 1}")
    return moment


def _bad_time(option: str, value: str) -> Exception:
    from disputekit.errors import UsageError
    from disputekit.text.printable import printable

    shown = printable(repr(value[:60]))
    return UsageError(
        f"{option} 的时间无法识别：{shown}（应为 2000–2100 年间的 ISO 8601 时间）。",
        f"{option}: {shown} is not a usable time (ISO 8601, years 2000–2100).",
        fix_zh="例如 --now 2025-04-21T09:00:00+08:00；SOURCE_DATE_EPOCH 须为 Unix 秒数。",
        fix_en="e.g. --now 2025-04-21T09:00:00+08:00; SOURCE_DATE_EPOCH must be Unix seconds.",
    )
