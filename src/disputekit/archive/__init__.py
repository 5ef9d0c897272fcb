"""The sealed archive: ``archive_case`` (seal), ``verify_path``, the search index and stats.

Modules: ``layout`` (folders), ``seal`` (the archive stage), ``pdfa`` (PDF/A-3b dossier),
``record`` (the sealed manifest), ``index`` (SQLite search), ``verify``, ``stats``, ``chart``,
``render`` (terminal text). See docs/archive.md.
"""

from __future__ import annotations

from disputekit.archive.index import Query, reindex, search
from disputekit.archive.seal import ArchiveResult, archive_case
from disputekit.archive.stats import archive_stats
from disputekit.archive.verify import VerifyOptions, VerifyReport, verify_path

__all__ = [
    "ArchiveResult", "Query", "VerifyOptions", "VerifyReport", "archive_case", "archive_stats",
    "reindex", "search", "verify_path",
]
