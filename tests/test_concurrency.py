"""Concurrent agents on one case: 2 and 8 processes adding at once, building or archiving
while another adds, and a lock held too long (exit 6, "case is busy", never a deadlock).

Children are forked from the test process (``crashkit.spawn``) and released together through
a pipe gate, so they really race for the case lock.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from conftest import tree_snapshot
from crashkit import (
    NOW,
    SAMPLE,
    archive_problems,
    case_problems,
    copy_case,
    evidence_of,
    finish,
    gate,
    make_template,
    out_problems,
    run_cli,
    spawn,
)
from disputekit.case import CasePaths
from disputekit.store.audit import AuditLog
from disputekit.store.hashing import sha256_file
from disputekit.store.lock import case_lock

BUSY_EN = ("Error: The case is busy: another process held it for {s} s. "
           "Try again shortly, or raise DISPUTEKIT_LOCK_TIMEOUT.\n")


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_template(tmp_path_factory.mktemp("conc") / "tpl", photo=True)


def pictures(folder: Path, count: int, start: int = 0) -> list[Path]:
    """``count`` distinct small PNGs (different colours → different bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(start, start + count):
        path = folder / f"pic{n:03}.png"
        Image.new("RGB", (48, 32), (n * 7 % 256, n * 13 % 256, 200)).save(path)
        paths.append(path)
    return paths


def add_entries(case: Path) -> list[dict[str, object]]:
    return [e for e in AuditLog(CasePaths(case).audit).entries() if e["action"] == "add"]


@pytest.mark.parametrize("processes", [2, 8])
def test_processes_adding_at_once_lose_nothing(template: Path, tmp_path: Path,
                                               processes: int) -> None:
    case = copy_case(template, tmp_path / "case")
    before = len(evidence_of(case))
    audited_before = len(add_entries(case))
    files = {n: pictures(tmp_path / f"agent{n}", 2, start=2 * n) for n in range(processes)}
    with gate() as (fd, open_gate):
        children = [spawn(["add", str(case), *map(str, files[n]), "--by", f"agent{n}",
                           "--now", NOW], tmp_path / f"logs{n}", gate=fd)
                    for n in range(processes)]
        open_gate(processes)
        outcomes = [finish(child) for child in children]
    assert [o.code for o in outcomes] == [0] * processes, [o.stderr for o in outcomes]
    ids = [ex_id for ex_id, _ in evidence_of(case)]
    total = before + 2 * processes
    assert ids == [f"E{n}" for n in range(1, total + 1)]
    stored = {digest for _, digest in evidence_of(case)}
    assert {sha256_file(p)[0] for group in files.values() for p in group} <= stored
    entries = add_entries(case)[audited_before:]
    assert sorted(str(e["actor"]) for e in entries) == sorted(f"agent{n}" for n in range(processes))
    for entry in entries:  # each process's files got consecutive ids under one lock hold
        numbers = [int(str(x["id"])[1:]) for x in entry["details"]["exhibits"]]  # type: ignore[index]
        assert numbers == [numbers[0], numbers[0] + 1]
    assert AuditLog(CasePaths(case).audit).verify() == []
    assert case_problems(case) == []


def test_build_while_adding(template: Path, tmp_path: Path) -> None:
    """build takes no lock: it reads one consistent snapshot (evidence.json is replaced
    atomically, objects never change) while the add proceeds; both succeed."""
    from disputekit.archive.pdfa import read_embedded

    for round_, delay in enumerate((0.0, 0.05, 0.15)):
        case = copy_case(template, tmp_path / f"case{round_}")
        extra = pictures(tmp_path / f"extra{round_}", 2, start=100 + 2 * round_)
        with gate() as (fd, open_gate):
            builder = spawn(["build", str(case), "--jobs", "1", "--now", NOW],
                            tmp_path / f"b{round_}", gate=fd)
            open_gate(1)
            time.sleep(delay)
            added = run_cli(["add", str(case), *map(str, extra), "--now", NOW],
                            tmp_path / f"a{round_}")
            built = finish(builder)
        assert (built.code, added.code) == (0, 0), (built.describe(), added.describe())
        assert case_problems(case) == [] and out_problems(case) == []
        manifest = read_embedded(case / "out" / "dossier.pdf").manifest
        assert manifest is not None
        import json

        exhibits = [e["id"] for e in json.loads(manifest)["exhibits"]]
        assert exhibits in (["E1", "E2", "E3"], ["E1", "E2", "E3", "E4", "E5"])
        assert len(evidence_of(case)) == 5


def test_archive_while_adding(template: Path, tmp_path: Path) -> None:
    """Archiving checks, under the lock, that the case did not change since it started:
    it either seals or refuses cleanly (exit 5); the add always succeeds."""
    pytest.importorskip("pikepdf")
    for round_, delay in enumerate((0.0, 0.1)):
        case = copy_case(template, tmp_path / f"case{round_}")
        root = tmp_path / f"archive{round_}"
        extra = pictures(tmp_path / f"extra{round_}", 1, start=200 + round_)
        with gate() as (fd, open_gate):
            archiver = spawn(["archive", str(case), "--to", str(root), "--now", NOW],
                             tmp_path / f"arc{round_}", gate=fd,
                             env={"DISPUTEKIT_REQUIRE_APPROVAL": "0"})
            open_gate(1)
            time.sleep(delay)
            added = run_cli(["add", str(case), *map(str, extra), "--now", NOW],
                            tmp_path / f"add{round_}")
            archived = finish(archiver)
        assert added.code == 0, added.describe()
        assert archived.code in (0, 5), archived.describe()
        if archived.code == 5:
            assert "The case changed while archiving; nothing was archived." in archived.stderr
        assert case_problems(case) == [] and archive_problems(root) == []


def test_lock_held_too_long_is_busy_not_a_deadlock(template: Path, tmp_path: Path) -> None:
    """A forked child reads DISPUTEKIT_LOCK_TIMEOUT when it needs the lock (the package was
    imported long before): exit 6 with the message, the case untouched."""
    case = copy_case(template, tmp_path / "case")
    before = tree_snapshot(case)
    with case_lock(CasePaths(case).meta):
        start = time.monotonic()
        outcome = run_cli(["add", str(case), str(SAMPLE / "photos" / "packing_2.jpg"),
                           "--now", NOW], tmp_path / "busy",
                          env={"DISPUTEKIT_LOCK_TIMEOUT": "1"})
        waited = time.monotonic() - start
    assert outcome.code == 6, outcome.describe()
    assert outcome.stderr == BUSY_EN.format(s=1)
    assert 0.9 <= waited < 10
    assert tree_snapshot(case) == before


@pytest.mark.slow
def test_lock_timeout_from_the_environment_of_a_fresh_process(template: Path,
                                                               tmp_path: Path) -> None:
    """The real entry point (``python -m disputekit``) as an agent's script runs it."""
    case = copy_case(template, tmp_path / "case")
    env = {**os.environ, "DISPUTEKIT_LOCK_TIMEOUT": "1", "DISPUTEKIT_LANG": "en"}
    with case_lock(CasePaths(case).meta):
        done = subprocess.run(
            [sys.executable, "-m", "disputekit", "add", str(case),
             str(SAMPLE / "photos" / "packing_2.jpg")],
            env=env, capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stderr) == (6, BUSY_EN.format(s=1))


def test_adder_waits_for_a_short_hold(template: Path, tmp_path: Path) -> None:
    """Within the timeout the second writer simply waits, then succeeds."""
    case = copy_case(template, tmp_path / "case")
    with gate() as (fd, open_gate), case_lock(CasePaths(case).meta):
        child = spawn(["add", str(case), str(SAMPLE / "photos" / "packing_2.jpg"),
                       "--now", NOW], tmp_path / "wait", gate=fd,
                      env={"DISPUTEKIT_LOCK_TIMEOUT": "20"})
        open_gate(1)
        time.sleep(0.5)
        assert os.waitpid(child.pid, os.WNOHANG) == (0, 0)  # still waiting for the lock
    outcome = finish(child)
    assert outcome.code == 0, outcome.describe()
    assert [i for i, _ in evidence_of(case)] == ["E1", "E2", "E3", "E4"]


@pytest.mark.parametrize("value", ["abc", "-1", "nan"])
def test_invalid_lock_timeout_is_a_usage_error(template: Path, tmp_path: Path,
                                               value: str) -> None:
    """-1 would make filelock wait forever; garbage used to crash at import."""
    case = copy_case(template, tmp_path / "case")
    outcome = run_cli(["add", str(case), str(SAMPLE / "photos" / "packing_2.jpg")],
                      tmp_path / "bad", env={"DISPUTEKIT_LOCK_TIMEOUT": value})
    assert outcome.code == 2, outcome.describe()
    assert outcome.stderr == (
        f"Error: DISPUTEKIT_LOCK_TIMEOUT={value!r} is not valid; it must be a number of "
        "seconds ≥ 0. Set e.g. DISPUTEKIT_LOCK_TIMEOUT=30, or unset it.\n")
