"""The index as an anchor outside each case folder: every version it knows must still exist,
with the manifest hash it recorded, and its row must equal the row the sealed manifest gives
(a deleted ``v1`` or latest version, a deleted case folder, a re-sealed manifest, or ``128.50``
edited to ``928.50`` inside ``index.sqlite`` are all problems).

The index is derived and written after the seal, so a version it does not know yet (an
``archive`` killed before indexing) or a missing index is a warning: ``reindex`` fixes it.
Someone who can write the whole archive can rewrite the index too; docs/security.md says what
anchors hold then (timestamps, a copy kept elsewhere)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any, Protocol

from disputekit.archive.index import COLUMNS, row_of
from disputekit.archive.paths import INDEX_FILE, MANIFEST, all_versions
from disputekit.archive.record import read_manifest

COMPARED = tuple(c for c in COLUMNS if c != "latest")


class Report(Protocol):
    def add(self, path: str, message: str) -> None: ...
    def warn(self, path: str, message: str) -> None: ...


def _indexed_rows(root: Path) -> list[dict[str, Any]] | None:
    path = root / INDEX_FILE
    if path.is_symlink() or not path.is_file():
        return None
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute("SELECT * FROM versions")]
    except sqlite3.DatabaseError:
        return None


def check_index(root: Path, report: Report) -> None:
    """Compare ``index.sqlite`` with the sealed versions on disk."""
    rows = _indexed_rows(root)
    if rows is None:
        report.warn(INDEX_FILE, "missing or unreadable: versions and cases cannot be checked "
                                "against it (run `disputekit reindex`)")
        return
    on_disk = {v.relative_to(root).as_posix(): v for v in all_versions(root)}
    for row in sorted(rows, key=lambda r: str(r.get("path"))):
        rel = str(row.get("path"))
        version = on_disk.get(rel)
        if version is None:
            report.add(rel, "in the index but missing on disk (a version or case deleted)")
            continue
        read = read_manifest(version / MANIFEST)
        if read.data is None:
            continue  # the version's own check reports its manifest
        if row.get("manifest_sha256") != read.sha256:
            report.add(rel + "/" + MANIFEST, f"differs from the manifest the index recorded "
                       f"(sha256 {row.get('manifest_sha256')}, now {read.sha256}): re-sealed")
            continue
        want = row_of(read.data, rel, read.sha256)
        changed = [c for c in COMPARED if str(row.get(c)) != str(want.get(c))]
        for column in changed:
            report.add(f"{INDEX_FILE}:{rel}", f"{column} is {row.get(column)!r}, the sealed "
                                              f"manifest says {want.get(column)!r}")
    for rel in sorted(set(on_disk) - {str(r.get("path")) for r in rows}):
        report.warn(rel, "not in the index yet (run `disputekit reindex`)")
