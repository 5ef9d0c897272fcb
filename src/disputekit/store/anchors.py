"""What the audit log anchors about an exhibit's parsed facts: SHA-256 digests of canonical JSON.

``add`` records ``facts_sha256`` (one digest per top-level facts field, so a difference names
the field) in its audit entry; the replay (``collect/replay.py``) and the state hash
(``manifest.py``) check the facts in ``evidence.json`` against them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

LOG_FORMAT = 2
"""``init`` details carry ``"log": 2`` from the version that anchors facts and keeps the log's
head in ``.disputekit/head``; a case whose init lacks it was made before (0.1.0): what it never
recorded is reported as *not anchored* (a warning), not as a failure."""

ANCHORING_VERSION = "0.1.0+anchors"
"""Shown in the warning for older cases."""


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def facts_digests(facts: dict[str, Any]) -> dict[str, str]:
    """SHA-256 of the canonical JSON of each top-level facts field."""
    return {key: hashlib.sha256(canonical(value)).hexdigest() for key, value in facts.items()}


def facts_sha256(facts: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of all the facts (what the state hash covers)."""
    return hashlib.sha256(canonical(facts)).hexdigest()
