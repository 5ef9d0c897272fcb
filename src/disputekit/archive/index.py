"""The search index: ``ARCHIVE/index.sqlite``, derived from the sealed manifests.

The sealed folders are the truth; ``reindex`` rebuilds the index from them (into a temporary
file, then one atomic replace). ``archive`` adds each new version; a missing or damaged index
is rebuilt there. ``search`` never repairs: it says to run ``disputekit reindex ARCHIVE``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from disputekit.archive.paths import INDEX_FILE, MANIFEST, all_versions, require_archive
from disputekit.archive.record import read_manifest
from disputekit.clock import parse_time
from disputekit.errors import InputFileError

SCHEMA_VERSION = "1"
REFUSED_STATES = ("seller_refused", "cs_intervening")

COLUMNS = (
    "path", "case_id", "version", "latest", "platform", "order_id", "refund_id", "buyer",
    "seller", "amount", "amount_fen", "refund_type", "refund_state", "ground", "outcome",
    "requested_at", "requested_ts", "refused_ts", "archived_at", "archived_ts", "reviewer",
    "state_hash", "manifest_sha256",
)

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE versions (
  path TEXT PRIMARY KEY, case_id TEXT NOT NULL, version INTEGER NOT NULL,
  latest INTEGER NOT NULL, platform TEXT, order_id TEXT, refund_id TEXT, buyer TEXT,
  seller TEXT, amount TEXT, amount_fen INTEGER, refund_type TEXT, refund_state TEXT,
  ground TEXT, outcome TEXT, requested_at TEXT, requested_ts INTEGER, refused_ts INTEGER,
  archived_at TEXT, archived_ts INTEGER, reviewer TEXT, state_hash TEXT, manifest_sha256 TEXT
);
CREATE INDEX by_order ON versions (order_id);
CREATE INDEX by_refund ON versions (refund_id);
CREATE INDEX by_buyer ON versions (buyer);
CREATE INDEX by_seller ON versions (seller);
CREATE INDEX by_ground ON versions (ground, outcome);
CREATE INDEX by_outcome ON versions (outcome);
CREATE INDEX by_requested ON versions (latest, requested_ts);
CREATE INDEX by_case ON versions (case_id, version);
"""


def index_unusable(root: Path, why: str) -> InputFileError:
    return InputFileError(
        f"归档索引不可用（{why}）。", f"The archive index cannot be used ({why}).",
        fix_zh=f"请运行 disputekit reindex {root} 从归档文件夹重建索引。",
        fix_en=f"Run `disputekit reindex {root}` to rebuild it from the sealed folders.",
    )


# --------------------------------------------------------------------------- rows


def _ts(value: Any) -> int | None:
    if not value:
        return None
    try:
        return int(parse_time(str(value)).timestamp())
    except ValueError:
        return None


def _fen(amount: Any) -> int | None:
    try:
        return int(Decimal(str(amount)) * 100)
    except (InvalidOperation, ValueError):
        return None


def row_of(manifest: dict[str, Any], rel: str, sha: str) -> dict[str, Any]:
    """One index row from a sealed manifest (``rel``: the version's path in the archive)."""
    case = manifest.get("case", {})
    approval = manifest.get("approval") or {}
    refused = case.get("state_since") if case.get("state") in REFUSED_STATES else None
    return {
        "path": rel, "case_id": manifest.get("case_id"), "version": manifest.get("version"),
        "latest": 1, "platform": case.get("platform"), "order_id": case.get("order_id"),
        "refund_id": case.get("refund_id"), "buyer": case.get("buyer"),
        "seller": case.get("seller"), "amount": case.get("amount"),
        "amount_fen": _fen(case.get("amount")), "refund_type": case.get("refund_type"),
        "refund_state": case.get("state"), "ground": case.get("ground"),
        "outcome": (manifest.get("outcome") or {}).get("outcome"),
        "requested_at": case.get("requested_at"), "requested_ts": _ts(case.get("requested_at")),
        "refused_ts": _ts(refused), "archived_at": manifest.get("archived_at"),
        "archived_ts": _ts(manifest.get("archived_at")), "reviewer": approval.get("reviewer"),
        "state_hash": manifest.get("state_hash"), "manifest_sha256": sha,
    }


def _insert(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    marks = ", ".join("?" for _ in COLUMNS)
    conn.executemany(f"INSERT OR REPLACE INTO versions ({', '.join(COLUMNS)}) VALUES ({marks})",
                     [tuple(r[c] for c in COLUMNS) for r in rows])


def _mark_latest(conn: sqlite3.Connection, case_ids: list[str] | None = None) -> None:
    where = f"WHERE case_id IN ({', '.join('?' for _ in case_ids)})" if case_ids else ""
    conn.execute(f"UPDATE versions SET latest = (version = (SELECT MAX(v.version) FROM versions v "
                 f"WHERE v.case_id = versions.case_id)) {where}", case_ids or [])


# --------------------------------------------------------------------------- building


@dataclass
class ReindexResult:
    indexed: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, why)

    def to_json(self) -> dict[str, Any]:
        return {"indexed": self.indexed,
                "skipped": [{"path": p, "why": w} for p, w in self.skipped]}


def _create(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    return conn


def reindex(root: Path) -> ReindexResult:
    """Rebuild the index from every sealed manifest; damaged ones are skipped and listed."""
    require_archive(root)
    result = ReindexResult()
    rows = []
    for version in all_versions(root):
        rel = version.relative_to(root).as_posix()
        read = read_manifest(version / MANIFEST)
        if read.data is None or read.problems:
            result.skipped.append((rel, "; ".join(read.problems)))
            continue
        rows.append(row_of(read.data, rel, read.sha256))
    for stale in root.glob(f"{INDEX_FILE}.tmp-*"):  # left by a rebuild that was killed
        stale.unlink(missing_ok=True)
    tmp = root / f"{INDEX_FILE}.tmp-{os.getpid()}"
    try:
        with contextlib.closing(_create(tmp)) as conn, conn:
            _insert(conn, rows)
            _mark_latest(conn)
            conn.execute("ANALYZE")  # lets the planner pick by_order/by_buyer over by_requested
        os.replace(tmp, root / INDEX_FILE)
    finally:
        tmp.unlink(missing_ok=True)
    result.indexed = len(rows)
    return result


def record_version(root: Path, version: Path) -> None:
    """Add one newly sealed version; rebuild the whole index if it is missing or damaged."""
    read = read_manifest(version / MANIFEST)
    if read.data is None:
        return
    row = row_of(read.data, version.relative_to(root).as_posix(), read.sha256)
    try:
        with contextlib.closing(_connect(root, write=True)) as conn, conn:
            _insert(conn, [row])
            _mark_latest(conn, [str(row["case_id"])])
            conn.execute("PRAGMA optimize")
    except (InputFileError, sqlite3.DatabaseError):
        reindex(root)


def _connect(root: Path, write: bool = False) -> sqlite3.Connection:
    path = root / INDEX_FILE
    if path.is_symlink():  # never read or write another archive's index through a link
        raise index_unusable(root, "index.sqlite is a symbolic link")
    if not path.is_file():
        raise index_unusable(root, "index.sqlite is missing")
    mode = "rw" if write else "ro"
    try:
        # a URI built from the path by hand breaks on '#', '?' and '%' (and creates a file)
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
        found = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError as exc:
        raise index_unusable(root, f"index.sqlite is damaged: {exc}") from None
    if found is None or found[0] != SCHEMA_VERSION:
        conn.close()
        raise index_unusable(root, "index.sqlite has another schema version")
    return conn


# --------------------------------------------------------------------------- searching


@dataclass(frozen=True)
class Query:
    order: str | None = None
    refund: str | None = None
    buyer: str | None = None
    seller: str | None = None
    ground: str | None = None
    outcome: str | None = None  # an outcome, or "pending" for none recorded
    since: datetime | None = None  # requested at or after
    until: datetime | None = None  # requested before
    all_versions: bool = False
    limit: int = 100

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        for column, value in (("order_id", self.order), ("refund_id", self.refund),
                              ("buyer", self.buyer), ("seller", self.seller),
                              ("ground", self.ground)):
            if value is not None:
                clauses.append(f"{column} = ?")
                args.append(value)
        if self.outcome == "pending":
            clauses.append("outcome IS NULL")
        elif self.outcome is not None:
            clauses.append("outcome = ?")
            args.append(self.outcome)
        if self.since is not None:
            clauses.append("requested_ts >= ?")
            args.append(int(self.since.timestamp()))
        if self.until is not None:
            clauses.append("requested_ts < ?")
            args.append(int(self.until.timestamp()))
        if not self.all_versions:
            clauses.append("latest = 1")
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def rows(root: Path, query: Query) -> Iterator[dict[str, Any]]:
    require_archive(root)
    where, args = query.where()
    limit = f" LIMIT {int(query.limit)}" if query.limit > 0 else ""
    sql = (f"SELECT {', '.join(COLUMNS)} FROM versions{where} "
           f"ORDER BY requested_ts DESC, case_id, version DESC{limit}")
    with contextlib.closing(_connect(root)) as conn:
        try:
            cursor = conn.execute(sql, args)
            for record in cursor:
                yield dict(zip(COLUMNS, record, strict=True))
        except sqlite3.DatabaseError as exc:
            raise index_unusable(root, f"index.sqlite is damaged: {exc}") from None


def search(root: Path, query: Query) -> list[dict[str, Any]]:
    """Matching versions (the latest of each case unless ``all_versions``), newest first."""
    return list(rows(root, query))


def count(root: Path, query: Query) -> int:
    where, args = query.where()
    with contextlib.closing(_connect(root)) as conn:
        try:
            return int(conn.execute(f"SELECT COUNT(*) FROM versions{where}", args).fetchone()[0])
        except sqlite3.DatabaseError as exc:
            raise index_unusable(root, f"index.sqlite is damaged: {exc}") from None
