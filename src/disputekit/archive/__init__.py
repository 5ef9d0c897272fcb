"""The sealed archive: ``archive_case`` (seal), ``verify_path``, the search index and stats.

Modules: ``layout`` (folders), ``seal`` (the archive stage), ``pdfa`` (PDF/A-3b dossier),
``record`` (the sealed manifest), ``index`` (SQLite search), ``verify``, ``stats``, ``chart``,
``render`` (terminal text). See docs/archive.md. Names are imported on first use, so that
``search`` does not pay for loading the sealing machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from disputekit.archive.index import Query, reindex, search
    from disputekit.archive.seal import ArchiveResult, archive_case
    from disputekit.archive.stats import archive_stats
    from disputekit.archive.verify import VerifyOptions, VerifyReport, verify_path

_HOME = {
    "Query": "index", "reindex": "index", "search": "index", "ArchiveResult": "seal",
    "archive_case": "seal", "archive_stats": "stats", "VerifyOptions": "verify",
    "VerifyReport": "verify", "verify_path": "verify",
}

__all__ = [
    "ArchiveResult", "Query", "VerifyOptions", "VerifyReport", "archive_case", "archive_stats",
    "reindex", "search", "verify_path",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'disputekit.archive' has no attribute {name!r}")
    return getattr(importlib.import_module(f"disputekit.archive.{_HOME[name]}"), name)
