"""No path is followed out: writes, chmods and removals that refuse symbolic links and files
with other hard links, so an edited folder cannot turn a write in a case or an archive into a
write somewhere else (run as root, that would reach any file)."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from disputekit.errors import InputFileError

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def link_refused(path: Path, what_zh: str, what_en: str) -> InputFileError:
    return InputFileError(
        f"{path} 是{what_zh}，disputekit 不会通过它写入。",
        f"{path} is {what_en}; disputekit never writes through one.",
        fix_zh="请把它换成普通文件或文件夹（从备份恢复），然后重试。",
        fix_en="Replace it with a plain file or folder (restore it from a backup), then retry.",
    )


def _symlink(path: Path) -> InputFileError:
    return link_refused(path, "符号链接", "a symbolic link")


def _hardlinked(path: Path, links: int) -> InputFileError:
    return link_refused(path, f"有 {links} 个硬链接的文件", f"a file with {links} hard links")


def open_nofollow(path: Path, flags: int, mode: int = 0o644, *, hard_links: bool = False) -> int:
    """``os.open`` that refuses a symlinked file, a symlinked parent folder, and (unless
    ``hard_links``, for reading) a regular file with more than one hard link. Returns the
    descriptor."""
    refuse_symlinked_dir(path.parent)
    try:
        fd = os.open(path, flags | NOFOLLOW, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP or path.is_symlink():
            raise _symlink(path) from None
        raise
    info = os.fstat(fd)
    if stat.S_ISREG(info.st_mode) and info.st_nlink > 1 and not hard_links:
        os.close(fd)
        raise _hardlinked(path, info.st_nlink)
    return fd


def refuse_symlinked_dir(folder: Path) -> None:
    """Raise when ``folder`` is a symbolic link (a write into it would land elsewhere)."""
    if folder.is_symlink():
        raise _symlink(folder)


def refuse_link(path: Path) -> None:
    """Raise when ``path`` is a symbolic link, or a regular file with other hard links."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise _symlink(path)
    if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
        raise _hardlinked(path, info.st_nlink)


def chmod_nofollow(path: Path, mode: int) -> None:
    """chmod that never follows a symbolic link (a link is left alone): the file is opened
    with O_NOFOLLOW and changed through its descriptor, so no rename can swap a link in
    between."""
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return
        raise
    try:
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
