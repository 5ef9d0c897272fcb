"""One lock per case folder, so two agents (or processes) never interleave writes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from disputekit.errors import CaseBusy

DEFAULT_TIMEOUT_S = float(os.environ.get("DISPUTEKIT_LOCK_TIMEOUT", "30"))


@contextlib.contextmanager
def case_lock(meta_dir: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold ``.disputekit/lock`` for the block; wait up to ``timeout`` seconds, then CaseBusy."""
    meta_dir.mkdir(parents=True, exist_ok=True)
    wait = DEFAULT_TIMEOUT_S if timeout is None else timeout
    lock = FileLock(str(meta_dir / "lock"), timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        raise CaseBusy(
            f"案件正被另一个进程使用，等待 {wait:.0f} 秒后仍未释放。",
            f"The case is busy: another process held it for {wait:.0f} s.",
            fix_zh="请稍后重试，或设置 DISPUTEKIT_LOCK_TIMEOUT 延长等待。",
            fix_en="Try again shortly, or raise DISPUTEKIT_LOCK_TIMEOUT.",
        ) from None
    try:
        yield
    finally:
        lock.release()
