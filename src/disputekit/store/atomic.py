"""Atomic file writes: write a temp file in the same folder, fsync, then ``os.replace``."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from disputekit.store.nofollow import refuse_symlinked_dir

TEMP_PREFIX = ".dk-tmp-"


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(path: Path, mode: int = 0o644) -> Iterator[IO[bytes]]:
    """Yield a binary file; on success it replaces ``path`` atomically, else it vanishes.

    A symbolic link as the folder (``out``, ``reviews``, ``objects/ab``…) or its parent is
    refused: the write would land outside the case or archive. (``path`` itself being a link
    is harmless: the rename replaces the link, not its target.)"""
    refuse_symlinked_dir(path.parent)
    refuse_symlinked_dir(path.parent.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o644) -> None:
    with atomic_open(path, mode) as handle:
        handle.write(data)


def atomic_write_text(path: Path, text: str, mode: int = 0o644) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def remove_stale_temps(folder: Path) -> int:
    """Delete temp files left by a killed process; returns how many were removed."""
    removed = 0
    for tmp in folder.glob(TEMP_PREFIX + "*"):
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed += 1
    return removed
