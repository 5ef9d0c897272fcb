"""What a lead saw: state documents kept by their hash, and what changed since (pure diffs)."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from disputekit.case import CasePaths
from disputekit.manifest import canonical_json
from disputekit.store.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

REVIEWS_DIR = "reviews"



def snapshot_path(paths: CasePaths, digest: str) -> Path:
    return paths.meta / REVIEWS_DIR / f"{digest}.json"


def save_snapshot(paths: CasePaths, document: dict[str, Any]) -> str:
    """Keep the reviewed state document (read-only, named by its SHA-256); returns the hash."""
    data = canonical_json(document)
    digest = hashlib.sha256(data).hexdigest()
    target = snapshot_path(paths, digest)
    if not target.is_file():
        atomic_write_bytes(target, data, mode=0o444)
    return digest


def load_snapshot(paths: CasePaths, digest: str) -> dict[str, Any] | None:
    """The state document saved under ``digest``; None when missing or not matching its name."""
    try:
        data = snapshot_path(paths, digest).read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != digest:
        log.warning("review snapshot %s does not match its hash; ignored", digest)
        return None
    loaded: dict[str, Any] = json.loads(data)
    return loaded


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class StateDiff:
    exhibits_added: list[str] = field(default_factory=list)
    exhibits_removed: list[str] = field(default_factory=list)
    exhibits_changed: list[FieldChange] = field(default_factory=list)
    case_changed: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.exhibits_added or self.exhibits_removed or self.exhibits_changed
                    or self.case_changed)

    def to_json(self) -> dict[str, Any]:
        return {
            "exhibits_added": self.exhibits_added, "exhibits_removed": self.exhibits_removed,
            "exhibits_changed": [c.to_json() for c in self.exhibits_changed],
            "case_changed": [c.to_json() for c in self.case_changed],
        }


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def _changes(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[FieldChange]:
    a, b = _flatten(old), _flatten(new)
    return [FieldChange(prefix + k, a.get(k), b.get(k))
            for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]


def diff_states(old: dict[str, Any], new: dict[str, Any]) -> StateDiff:
    """What differs between two state documents (``manifest.state_document``). Pure."""
    old_ex = {e["id"]: e for e in old.get("exhibits", [])}
    new_ex = {e["id"]: e for e in new.get("exhibits", [])}
    changed: list[FieldChange] = []
    for exhibit in sorted(set(old_ex) & set(new_ex), key=_exhibit_key):
        changed.extend(_changes(old_ex[exhibit], new_ex[exhibit], prefix=exhibit + "."))
    return StateDiff(
        exhibits_added=sorted(set(new_ex) - set(old_ex), key=_exhibit_key),
        exhibits_removed=sorted(set(old_ex) - set(new_ex), key=_exhibit_key),
        exhibits_changed=changed,
        case_changed=_changes(old.get("case", {}), new.get("case", {})),
    )


def _exhibit_key(exhibit: str) -> tuple[int, str]:
    digits = exhibit[1:]
    return (int(digits), exhibit) if digits.isdigit() else (0, exhibit)
