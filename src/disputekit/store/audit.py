"""Append-only, hash-chained audit log (``audit.jsonl``).

Each line is one JSON object: ``seq``, ``at``, ``actor``, ``action``, ``details``, ``prev``
(the previous line's ``hash``; "0"*64 for the first) and ``hash`` = SHA-256 of the canonical
JSON of the entry without ``hash``. Editing, removing or reordering any line breaks the chain.

The chain alone cannot show that its *last* lines were removed, so every append also writes the
log's head (``seq`` and ``hash`` of the last entry) to ``head`` beside it, atomically; ``verify``
compares the two. (Someone who can write the folder can rewrite both: only an anchor outside
the case — the archive index, a timestamp — catches that; see docs/security.md.)

The log is never written through a symbolic link or a file with other hard links (a ``cp -al``
backup would be appended too): ``append`` refuses them.
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
from disputekit.store.atomic import fsync_dir
from disputekit.store.nofollow import open_nofollow

GENESIS = "0" * 64
HEAD_FILE = "head"


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

    @property
    def head_path(self) -> Path:
        return self.path.with_name(HEAD_FILE)

    def head(self) -> dict[str, Any] | None:
        """``{"seq", "hash"}`` of the last entry as the last append wrote it; None if absent
        or unreadable."""
        try:
            data = json.loads(self.head_path.read_bytes())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _trim_torn_tail(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            fd = open_nofollow(self.path, os.O_WRONLY)
            try:
                os.ftruncate(fd, keep)
            finally:
                os.close(fd)

    def append(self, at: datetime, actor: str, action: str, details: dict[str, Any]) -> str:
        """Append one entry (caller holds the case lock); returns its hash."""
        return self.write(self.prepare(at, actor, action, details))

    def prepare(self, at: datetime, actor: str, action: str,
                details: dict[str, Any]) -> dict[str, Any]:
        """The entry ``append`` would write now, hash included (e.g. to timestamp it first)."""
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
        return entry

    def write(self, entry: dict[str, Any]) -> str:
        """Append a prepared entry (caller holds the case lock since ``prepare``)."""
        self._trim_torn_tail()
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = open_nofollow(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        with os.fdopen(fd, "ab") as handle:
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        self._write_head({"seq": entry["seq"], "hash": entry["hash"]})
        return str(entry["hash"])

    def _write_head(self, head: dict[str, Any]) -> None:
        """Replace ``head`` atomically through a fixed temp name (``head.new``): a writer killed
        here leaves nothing for others to sweep, and the next append overwrites it."""
        tmp = self.head_path.with_name(HEAD_FILE + ".new")
        fd = open_nofollow(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        with os.fdopen(fd, "wb") as handle:
            handle.write((json.dumps(head, sort_keys=True) + "\n").encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.head_path)
        fsync_dir(self.head_path.parent)

    def head_problems(self, entries: list[dict[str, Any]], required: bool) -> list[str]:
        """Does the log still reach the head the last append recorded? A log *ahead* of its
        head is a crash between the two writes (the next append fixes it); a log that stops
        before the head, or differs at it, lost or rewrote lines. ``required``: the case was
        made by a version that keeps the head."""
        head = self.head()
        if head is None:
            return ["missing or unreadable (the log's last lines cannot be checked)"] \
                if required else []
        seq = head.get("seq")
        if not isinstance(seq, int) or seq < 1:
            return ["damaged"]
        if seq > len(entries):
            return [f"the log ends at entry {len(entries)} but the head records entry {seq}: "
                    "lines were removed from the end"]
        if entries[seq - 1].get("hash") != head.get("hash"):
            return [f"entry {seq} differs from the one the head records: the log was rewritten"]
        return []

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
