"""A case checked against what the archive sealed of it: the archive is an anchor outside the
case folder. Every version sealed from the case holds a copy of its audit log; the case's log
must still begin with it (a case rolled back or rewritten before an archived state no longer
does, even with its chain and head recomputed). The case's own ``archive`` entries name each
version and its manifest SHA-256; a reachable version must still have that manifest.

Used by ``verify CASE`` (the versions the log names) and ``verify CASE --against ARCHIVE``
(every version of the case in that archive, whatever the log says)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from disputekit.archive.paths import MANIFEST, versions
from disputekit.archive.record import read_manifest
from disputekit.errors import DisputekitError
from disputekit.store.audit import AuditLog

AUDIT = ".disputekit/audit.jsonl"


def _prefix_problem(entries: list[dict[str, Any]], version: Path) -> str | None:
    try:
        sealed = AuditLog(version / "audit.jsonl").entries()
    except DisputekitError:
        return None  # the version's own verify reports its damaged log
    for number, entry in enumerate(sealed, start=1):
        if number > len(entries):
            return (f"ends at entry {len(entries)}, but {version} sealed {len(sealed)} entries: "
                    "the case was rolled back")
        if entries[number - 1].get("hash") != entry.get("hash"):
            return f"entry {number} differs from the one sealed in {version}: rewritten"
    return None


def logged_version_problems(entries: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(problems, warnings) for the versions the case's ``archive`` entries name."""
    problems: list[str] = []
    warnings: list[str] = []
    for entry in entries:
        details = entry.get("details") or {}
        if entry.get("action") != "archive" or not isinstance(details, dict):
            continue
        version = Path(str(details.get("archive", "")))
        if not (version / MANIFEST).is_file():
            warnings.append(f"{AUDIT}: archived version {version} not reachable from here")
            continue
        sha = read_manifest(version / MANIFEST).sha256
        if sha != details.get("manifest_sha256"):
            problems.append(f"{AUDIT}: {version}/{MANIFEST} is not the manifest this case "
                            f"archived (sha256 {details.get('manifest_sha256')}, now {sha})")
        if (why := _prefix_problem(entries, version)) is not None:
            problems.append(f"{AUDIT}: {why}")
    return problems, warnings


def archive_versions(archive: Path, case_id: str) -> list[Path]:
    """Every sealed version of ``case_id`` in ``archive``."""
    found = []
    for folder in sorted(archive.glob(f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/{case_id}")):
        if not folder.is_symlink():
            found += [path for _, path in versions(folder)]
    return found


def against_archive_problems(entries: list[dict[str, Any]], archive: Path,
                             case_id: str) -> list[str]:
    """The case's log must begin with the log sealed in each of its archived versions."""
    problems = []
    for version in archive_versions(archive, case_id):
        if (why := _prefix_problem(entries, version)) is not None:
            problems.append(f"{AUDIT}: {why}")
    return problems
