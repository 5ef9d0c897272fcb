"""Tier 1–2: atomic writes, the object store, the audit chain, the per-case lock."""

from __future__ import annotations

import json
import multiprocessing
import os
import stat
from datetime import datetime
from pathlib import Path

import pytest

from disputekit.clock import CHINA_TZ
from disputekit.errors import CaseBusy
from disputekit.store.atomic import atomic_write_bytes, remove_stale_temps
from disputekit.store.audit import GENESIS, AuditLog
from disputekit.store.hashing import sha256_bytes, sha256_file
from disputekit.store.lock import case_lock
from disputekit.store.objects import ObjectStore

AT = datetime(2025, 4, 20, 10, 0, tzinfo=CHINA_TZ)


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "f.json"
    atomic_write_bytes(target, b"old")
    atomic_write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]


def test_atomic_write_failure_leaves_old_file(tmp_path: Path) -> None:
    from disputekit.store.atomic import atomic_open

    target = tmp_path / "f.json"
    atomic_write_bytes(target, b"old")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write(b"half")
        raise RuntimeError("crash")
    assert target.read_bytes() == b"old"
    assert remove_stale_temps(tmp_path) == 0


def test_object_store_is_content_addressed_and_read_only(tmp_path: Path) -> None:
    src = tmp_path / "photo.jpg"
    src.write_bytes(b"\xff\xd8 not really a jpeg")
    store = ObjectStore(tmp_path / "objects")
    first = store.put(src)
    again = store.put(src)
    path = store.path_for(first.sha256)
    assert first.sha256 == sha256_bytes(src.read_bytes())
    assert path.parent.name == first.sha256[:2] and path.name == first.sha256[2:]
    assert (first.existed, again.existed) == (False, True)
    assert not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert store.verify(first.sha256)


def test_object_store_detects_a_flipped_bit(tmp_path: Path) -> None:
    src = tmp_path / "a.bin"
    src.write_bytes(bytes(range(256)) * 10)
    store = ObjectStore(tmp_path / "objects")
    digest = store.put(src).sha256
    path = store.path_for(digest)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[100] ^= 0x01
    path.write_bytes(bytes(data))
    assert not store.verify(digest)


def test_sha256_file_streams_same_as_bytes(tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 7)
    (tmp_path / "x").write_bytes(data)
    assert sha256_file(tmp_path / "x") == (sha256_bytes(data), len(data))


def test_audit_chain_links_entries_and_detects_edits(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    h1 = log.append(AT, "agent", "init", {"case_id": "x"})
    log.append(AT, "agent", "add", {"exhibits": ["E1"]})
    entries = log.entries()
    assert [e["seq"] for e in entries] == [1, 2]
    assert entries[0]["prev"] == GENESIS and entries[1]["prev"] == h1
    assert log.verify() == []
    lines = log.path.read_text("utf-8").splitlines()
    edited = json.loads(lines[0])
    edited["actor"] = "someone else"
    log.path.write_text(json.dumps(edited) + "\n" + lines[1] + "\n", "utf-8")
    assert [p.problem for p in log.verify()] == ["entry changed (hash differs)"]


def test_audit_detects_removed_line(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    for n in range(3):
        log.append(AT, "agent", f"step{n}", {})
    lines = log.path.read_text("utf-8").splitlines()
    log.path.write_text(lines[0] + "\n" + lines[2] + "\n", "utf-8")
    assert [p.problem for p in log.verify()] == ["chain broken (prev hash differs)"]


def test_audit_append_trims_torn_tail(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.jsonl")
    log.append(AT, "agent", "init", {})
    with log.path.open("ab") as handle:
        handle.write(b'{"seq": 2, "torn')
    assert log.verify()[0].problem == "truncated last line"
    log.append(AT, "agent", "add", {})
    assert log.verify() == []
    assert [e["seq"] for e in log.entries()] == [1, 2]


def _hold_lock(meta: str, ready: multiprocessing.synchronize.Event, release: multiprocessing.synchronize.Event) -> None:
    with case_lock(Path(meta)):
        ready.set()
        release.wait(10)


def test_lock_times_out_with_case_busy(tmp_path: Path) -> None:
    ready, release = multiprocessing.Event(), multiprocessing.Event()
    holder = multiprocessing.Process(target=_hold_lock, args=(str(tmp_path), ready, release))
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(CaseBusy) as caught, case_lock(tmp_path, timeout=0.2):
            pass
        assert caught.value.message("en") == (
            "The case is busy: another process held it for 0 s. "
            "Try again shortly, or raise DISPUTEKIT_LOCK_TIMEOUT."
        )
    finally:
        release.set()
        holder.join(10)
