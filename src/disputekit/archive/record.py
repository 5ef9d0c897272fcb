"""The sealed version's ``manifest.json``: every file's hash, the case, and a self-seal.

The file is written in one canonical layout (sorted keys, 2-space indent, UTF-8, final
newline) and carries ``seal`` = SHA-256 of the canonical JSON of everything else. A reader
re-serialises and compares bytes, then checks the seal, so any single-bit change is caught
even where it would still parse (a name in the case facts, a digit of an amount).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from disputekit.archive.paths import ARCHIVE_FORMAT
from disputekit.manifest import canonical_json

OUTCOMES = ("won", "lost", "withdrawn", "agreed", "partial")


def seal_of(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k != "seal"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def sealed(manifest: dict[str, Any]) -> dict[str, Any]:
    return {**manifest, "seal": seal_of(manifest)}


def dumps(manifest: dict[str, Any]) -> bytes:
    """The one byte layout of a manifest file."""
    return (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode()


@dataclass(frozen=True)
class ManifestRead:
    data: dict[str, Any] | None
    problems: list[str]
    sha256: str


def read_manifest(path: Path) -> ManifestRead:
    """Parse and check a sealed manifest; problems are sentences, empty when intact."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return ManifestRead(None, [f"cannot be read ({exc.strerror or exc})"], "")
    digest = hashlib.sha256(raw).hexdigest()
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        return ManifestRead(None, [f"is not valid JSON ({exc})"], digest)
    if not isinstance(data, dict) or data.get("format") != ARCHIVE_FORMAT:
        return ManifestRead(None, [f"is not a {ARCHIVE_FORMAT} manifest"], digest)
    problems = []
    if data.get("seal") != seal_of(data):
        problems.append("content changed (seal does not match)")
    if dumps(data) != raw:
        problems.append("layout changed (bytes differ from the canonical form)")
    if not isinstance(data.get("files"), dict):
        problems.append("has no file list")
    return ManifestRead(data, problems, digest)
