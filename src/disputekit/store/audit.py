"""Append-only, hash-chained audit log (``audit.jsonl``).

Each line is one JSON object: ``seq``, ``at``, ``actor``, ``action``, ``details``, ``prev``
(the previous line's ``hash``; "0"*64 for the first) and ``hash`` = SHA-256 of the canonical
JSON of the entry without ``hash``. Editing, removing or reordering any line breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from disputekit.errors import CaseError

GENESIS = "0" * 64


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical(body)).hexdigest()


def _damaged(path: Path, line: int) -> CaseError:
    return CaseError(
        f"审计日志 {path} 第 {line} 行已损坏（不是完整的 JSON）。",
        f"The audit log {path} is damaged at line {line} (not a complete JSON entry).",
        fix_zh="运行 disputekit verify CASE 查看详情，或从备份恢复该文件。",
        fix_en="Run `disputekit verify CASE` for details, or restore the file from a backup.",
    )


@dataclass(frozen=True)
class AuditProblem:
    line: int
    problem: str


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[dict[str, Any]]:
        """Every entry; a torn final line (a writer killed mid-append, no newline yet) is not
        an entry — the next ``append`` removes it and ``verify`` reports it until then."""
        if not self.path.exists():
            return []
        data = self.path.read_bytes()
        lines = data.split(b"\n")
        if not data.endswith(b"\n"):
            lines = lines[:-1]
        out = []
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                entry = None
            if not isinstance(entry, dict):
                raise _damaged(self.path, number)
            out.append(entry)
        return out

    def _tail(self) -> tuple[int, str]:
        """(last seq, last hash), ignoring a torn final line left by a crash."""
        if not self.path.exists():
            return 0, GENESIS
        lines = self.path.read_bytes().split(b"\n")
        for raw in reversed(lines):
            if not raw.strip():
                continue
            try:
                last = json.loads(raw)
                return int(last["seq"]), str(last["hash"])
            except (ValueError, KeyError, TypeError):
                continue
        return 0, GENESIS

    def _trim_torn_tail(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            with self.path.open("r+b") as handle:
                handle.truncate(keep)

    def append(self, at: datetime, actor: str, action: str, details: dict[str, Any]) -> str:
        """Append one entry (caller holds the case lock); returns its hash."""
        self._trim_torn_tail()
        seq, prev = self._tail()
        entry: dict[str, Any] = {
            "seq": seq + 1,
            "at": at.isoformat(),
            "actor": actor,
            "action": action,
            "details": details,
            "prev": prev,
        }
        entry["hash"] = entry_hash(entry)
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("ab") as handle:
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        return str(entry["hash"])

    def verify(self) -> list[AuditProblem]:
        """Every problem in the chain; empty when intact."""
        if not self.path.exists():
            return []
        problems: list[AuditProblem] = []
        prev = GENESIS
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            problems.append(AuditProblem(data.count(b"\n") + 1, "truncated last line"))
        for number, raw in enumerate(data.split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                entry = json.loads(raw)
            except ValueError:
                entry = None
            if not isinstance(entry, dict):
                problems.append(AuditProblem(number, "not valid JSON"))
                prev = ""
                continue
            if entry.get("prev") != prev:
                problems.append(AuditProblem(number, "chain broken (prev hash differs)"))
            if entry_hash(entry) != entry.get("hash"):
                problems.append(AuditProblem(number, "entry changed (hash differs)"))
            prev = str(entry.get("hash"))
        return problems
