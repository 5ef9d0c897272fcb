"""Where things live in an archive folder, and how to tell an archive from anything else.

```
ARCHIVE/
  .disputekit-archive        marker (JSON: format), written when the archive is created
  index.sqlite               derived search index; `disputekit reindex ARCHIVE` rebuilds it
  YYYY/MM/<case-id>/v1/      one sealed, read-only version per distinct case state/outcome
                    v2/      a later version; its manifest links to v1 ("previous")
```

YYYY/MM is the month the buyer asked for the refund (China time); a case keeps the folder of
its first archiving even if that date is edited later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from disputekit.clock import CHINA_TZ
from disputekit.errors import InputFileError
from disputekit.store.atomic import atomic_write_text, remove_stale_temps

MARKER = ".disputekit-archive"
ARCHIVE_FORMAT = "disputekit-archive/1"
INDEX_FILE = "index.sqlite"
STAGING = ".staging"
LOCK_FILE = ".lock"
MANIFEST = "manifest.json"
MANIFEST_TOKEN = "manifest.tsr"  # RFC 3161 token over manifest.json, when the shop has a TSA
VERSION_RE = re.compile(r"^v([1-9][0-9]*)$")


def is_archive(root: Path) -> bool:
    return (root / MARKER).is_file()


def not_an_archive(root: Path) -> InputFileError:
    return InputFileError(
        f"{root} 不是 disputekit 归档文件夹（缺少 {MARKER}）。",
        f"{root} is not a disputekit archive (no {MARKER} file).",
        fix_zh="请指定已有的归档文件夹，或一个空的/新的文件夹。",
        fix_en="Give an existing archive folder, or an empty or new folder.",
    )


def ensure_archive(root: Path) -> None:
    """Create the archive (marker) in a new or empty folder; refuse any other folder."""
    if is_archive(root):
        return
    if root.is_dir():
        remove_stale_temps(root)  # a creation killed before the marker was in place
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise not_an_archive(root)
    root.mkdir(parents=True, exist_ok=True)
    atomic_write_text(root / MARKER, json.dumps({"format": ARCHIVE_FORMAT}) + "\n")


def require_archive(root: Path) -> None:
    if not is_archive(root):
        raise not_an_archive(root)


def _linked(root: Path, path: Path) -> bool:
    """Is ``path`` or a folder between it and ``root`` a symbolic link?"""
    while path != root and path != path.parent:
        if path.is_symlink():
            return True
        path = path.parent
    return False


def linked_entries(root: Path) -> list[Path]:
    """Symbolic links where an archive keeps years, months, cases and versions: never
    followed (one would lead verify, search or archive into a foreign folder)."""
    pattern = "[0-9][0-9][0-9][0-9]"
    found = [p for glob in (pattern, f"{pattern}/[0-9][0-9]", f"{pattern}/[0-9][0-9]/*",
                            f"{pattern}/[0-9][0-9]/*/v*") for p in root.glob(glob)
             if p.is_symlink() and not _linked(root, p.parent)]
    return sorted(found)


def case_folders(root: Path) -> Iterator[Path]:
    """Every ``YYYY/MM/<case-id>`` folder, sorted; symbolic links are not followed."""
    for folder in sorted(root.glob("[0-9][0-9][0-9][0-9]/[0-9][0-9]/*")):
        if folder.is_dir() and not folder.name.startswith(".") and not _linked(root, folder):
            yield folder


def versions(case_folder: Path) -> list[tuple[int, Path]]:
    """(number, path) of the sealed versions in a case folder, oldest first."""
    found = []
    if case_folder.is_dir():
        for child in case_folder.iterdir():
            match = VERSION_RE.match(child.name)
            if match and not child.is_symlink() and (child / MANIFEST).is_file():
                found.append((int(match.group(1)), child))
    return sorted(found)


def case_folder_for(root: Path, case_id: str, requested_at: datetime) -> Path:
    """The existing folder of ``case_id`` if any, else ``YYYY/MM/<case-id>`` of the request."""
    for existing in root.glob(f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/{case_id}"):
        if _linked(root, existing):
            raise InputFileError(
                f"{existing} 是符号链接（或在符号链接之下），disputekit 不会通过它写入。",
                f"{existing} is (or is under) a symbolic link; disputekit never writes through "
                "one.", fix_zh="请把它换成真正的文件夹（从备份恢复）。",
                fix_en="Replace it with a real folder (restore it from a backup).")
        if existing.is_dir():
            return existing
    local = requested_at.astimezone(CHINA_TZ)
    return root / f"{local.year:04d}" / f"{local.month:02d}" / case_id


def all_versions(root: Path) -> Iterator[Path]:
    for folder in case_folders(root):
        for _, path in versions(folder):
            yield path
