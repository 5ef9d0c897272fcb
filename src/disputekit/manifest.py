"""The case manifest: what a dossier, a review and an archive are bound to.

``state_hash`` covers everything a lead approves: the case facts (case.toml as validated),
every exhibit's id, sha256, kind, caption, tag, marks and the SHA-256 of its parsed facts
(what the dossier quotes: an edited message, signer or capture time changes the hash, so an
approval goes stale and the dossier id changes). Any change to evidence, reason or
facts changes it, which makes an earlier approval stale.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from disputekit import __version__
from disputekit.case import Case
from disputekit.store.anchors import facts_sha256


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def exhibit_entries(case: Case) -> list[dict[str, Any]]:
    return [
        {"id": i.id, "sha256": i.sha256, "size": i.size, "name": i.name, "kind": i.kind,
         "caption": i.caption, "tag": i.tag, "marks": i.marks, "facts_sha256": facts_sha256(i.facts)}
        for i in case.evidence.items
    ]


def state_document(case: Case) -> dict[str, Any]:
    return {
        "case": case.facts.model_dump(mode="json"),
        "exhibits": exhibit_entries(case),
    }


def state_hash(case: Case) -> str:
    return hashlib.sha256(canonical_json(state_document(case))).hexdigest()


def build_manifest(case: Case, *, profile_id: str, profile_version: str, generated_at: str) -> dict[str, Any]:
    """manifest.json of a dossier: exhibits → sha256/size/name, plus what produced it."""
    return {
        "format": "disputekit-manifest/1",
        "case_id": case.case_id,
        "state_hash": state_hash(case),
        "generated_at": generated_at,
        "tool_version": __version__,
        "profile": {"id": profile_id, "version": profile_version},
        "case": case.facts.model_dump(mode="json"),
        "exhibits": exhibit_entries(case),
    }


def dossier_id(manifest: dict[str, Any]) -> str:
    """Short id printed on every page: hash of the manifest without its generation time."""
    body = {k: v for k, v in manifest.items() if k != "generated_at"}
    return hashlib.sha256(canonical_json(body)).hexdigest()[:16]
