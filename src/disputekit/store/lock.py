"""One lock per case folder, so two agents (or processes) never interleave writes."""

from __future__ import annotations

import contextlib
import math
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from disputekit.errors import CaseBusy, UsageError

TIMEOUT_ENV = "DISPUTEKIT_LOCK_TIMEOUT"
FALLBACK_TIMEOUT_S = 30.0


def _parse_timeout(raw: str | None) -> float | None:
    """Seconds from the environment value; None when absent or not a finite number ≥ 0."""
    if raw is None or not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


DEFAULT_TIMEOUT_S = _parse_timeout(os.environ.get(TIMEOUT_ENV)) or FALLBACK_TIMEOUT_S
"""The timeout when the process started (kept for importers; ``lock_timeout`` is current)."""


def lock_timeout() -> float:
    """``DISPUTEKIT_LOCK_TIMEOUT`` as read now (seconds, finite, ≥ 0); 30 when unset.

    Read at each use, not at import, so a long-lived process sees changes. A negative or
    non-numeric value would mean "wait forever" to filelock (-1) or crash: refused instead.
    """
    raw = os.environ.get(TIMEOUT_ENV)
    if raw is None or not raw.strip():
        return FALLBACK_TIMEOUT_S
    value = _parse_timeout(raw)
    if value is None:
        raise UsageError(
            f"环境变量 {TIMEOUT_ENV}={raw!r} 无效，应为不小于 0 的秒数。",
            f"{TIMEOUT_ENV}={raw!r} is not valid; it must be a number of seconds ≥ 0.",
            fix_zh=f"例如设置 {TIMEOUT_ENV}=30，或删除该变量。",
            fix_en=f"Set e.g. {TIMEOUT_ENV}=30, or unset it.",
        )
    return value


_HELD: set[tuple[str, int, int]] = set()
"""Locks this process holds (per pid: a forked child holds none), per thread: a nested ``case_lock`` on the same file re-enters
instead of waiting for itself until the timeout."""


@contextlib.contextmanager
def case_lock(meta_dir: Path, timeout: float | None = None, lock_name: str = "lock") -> Iterator[None]:
    """Hold ``.disputekit/lock`` (or ``lock_name`` in another folder, e.g. the build output)
    for the block; wait up to ``timeout`` seconds (default: ``lock_timeout()``), then raise
    CaseBusy. Never waits forever."""
    meta_dir.mkdir(parents=True, exist_ok=True)
    key = (str((meta_dir / lock_name).resolve()), os.getpid(), threading.get_ident())
    if key in _HELD:  # this thread holds it already (e.g. a check run inside approve): re-enter
        yield
        return
    wait = lock_timeout() if timeout is None else max(0.0, timeout)
    lock = FileLock(str(meta_dir / lock_name), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise CaseBusy(
            f"案件正被另一个进程使用，等待 {wait:.0f} 秒后仍未释放。",
            f"The case is busy: another process held it for {wait:.0f} s.",
            fix_zh=f"请稍后重试，或设置 {TIMEOUT_ENV} 延长等待。",
            fix_en=f"Try again shortly, or raise {TIMEOUT_ENV}.",
        ) from None
    _HELD.add(key)
    try:
        yield
    finally:
        _HELD.discard(key)
        lock.release()
