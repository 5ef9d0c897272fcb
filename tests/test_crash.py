"""Crash safety: SIGKILL ``add``, ``build``, ``archive`` and the edits (``withdraw``, ``tag``,
``facts``) at many points, then check the case.

Two harnesses (helpers in ``crashkit``):

- random: the command runs in a forked child that is SIGKILLed (with its process group) after
  a seeded random delay in [0, 1.2 × a clean run's time]; ≥ 200 kills across the commands,
  two at a time (2 cores). Seed: ``DISPUTEKIT_CRASH_SEED``; runs scale with
  ``DISPUTEKIT_CRASH_SCALE`` (default 1).
- deterministic: the child kills itself just before its N-th file-system commit
  (``os.replace``/``os.rename``/``os.fsync``), for every N the command makes.

After every kill: case.toml and evidence.json load, exhibit ids are E1..En, every referenced
object exists and hashes right, every file in objects/ hashes to its name, the audit chain
verifies (a torn last line is tolerated until the next command), out/dossier.pdf is absent or
byte-identical to a clean build, an archive verifies. Then the same command again succeeds and
leaves everything strict (no temp files in .disputekit, every exhibit audited).

Defects it found in assemble.py and archive/* are regression tests at the end of the module.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from crashkit import (
    NOW,
    SAMPLE,
    Job,
    Outcome,
    archive_problems,
    audit_actions,
    case_problems,
    copy_case,
    evidence_of,
    integrity_problems,
    make_template,
    out_problems,
    run_batch,
    run_cli,
)
from disputekit.case import CasePaths, load_evidence
from disputekit.models.evidence import EvidenceList
from disputekit.store.audit import AuditLog

SEED = int(os.environ.get("DISPUTEKIT_CRASH_SEED", "20250421"))
SCALE = float(os.environ.get("DISPUTEKIT_CRASH_SCALE", "1"))
RUNS = {"add": 100, "build": 60, "archive": 50}  # 210 kills
RECOVER_EVERY = {"add": 1, "build": 2, "archive": 2}
"""A recovery run after every kill for add; after every 2nd for the slower commands (the
other kills are still checked for consistency and byte-identical output)."""
PARALLEL = 2
NEW_FILES = [SAMPLE / "photos" / "packing_2.jpg", SAMPLE / "screenshots" / "tracking.png",
             SAMPLE / "photos" / "packing_1.jpg"]


def runs(command: str) -> int:
    return max(1, round(RUNS[command] * SCALE))


def add_argv(case: Path) -> list[str]:
    return ["add", str(case), *map(str, NEW_FILES), "--now", NOW]


def build_argv(case: Path) -> list[str]:
    return ["build", str(case), "--jobs", "1", "--now", NOW]


def archive_argv(case: Path) -> list[str]:
    return ["archive", str(case), "--to", str(archive_root(case)), "--outcome", "won",
            "--now", NOW]


def archive_root(case: Path) -> Path:
    return case.parent / (case.name + "-archive")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


LOCK_FILES = {"lock", "build.lock"}  # empty lock files are not state


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in LOCK_FILES}


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crash")


@pytest.fixture(scope="module")
def small_case(work: Path, photo_case: Path) -> Path:
    """E1 chat, E2 tracking: the case ``add`` adds three photos to (after the warm-up)."""
    return make_template(work / "tpl-small")


@pytest.fixture(scope="module")
def photo_case(work: Path) -> Path:
    """E1 chat, E2 tracking, E3 photo: the case ``build`` and ``archive`` run on; with an
    empty archive (marker + index) next to it."""
    case = make_template(work / "tpl-photo", photo=True)
    from disputekit.archive.index import reindex
    from disputekit.archive.paths import ensure_archive

    ensure_archive(archive_root(case))
    reindex(archive_root(case))
    _warm_up(case, work / "warm-up")
    return case


def _warm_up(template: Path, dest: Path) -> None:
    """Archive a copy in this process once: fonts, profiles and templates are then cached
    before the children fork, so a build takes ~0.25 s instead of ~1 s."""
    from disputekit.archive.seal import archive_case
    from disputekit.clock import parse_time

    copy_case(template, dest)
    archive_case(dest, dest.parent / "warm-up-archive", None, parse_time(NOW),
                 env={"DISPUTEKIT_REQUIRE_APPROVAL": "0"})


def fresh(template: Path, dest: Path) -> Path:
    case = copy_case(template, dest)
    if archive_root(template).exists():
        shutil.copytree(archive_root(template), archive_root(case))
    return case


def clean_run(template: Path, work: Path, name: str,
              argv: Callable[[Path], list[str]]) -> tuple[Path, Outcome, float]:
    case = fresh(template, work / name)
    start = time.monotonic()
    outcome = run_cli(argv(case), work / f"{name}.logs")
    assert outcome.code == 0, outcome.describe()
    return case, outcome, time.monotonic() - start


def assert_ok(outcome: Outcome) -> None:
    assert not outcome.killed and outcome.code == 0, outcome.describe()


# --------------------------------------------------------------------------- random kills


def kill_loop(command: str, template: Path, work: Path, argv: Callable[[Path], list[str]],
              check: Callable[[Path, bool], None]) -> Counter[str]:
    """``runs(command)`` kills in batches of PARALLEL; check after each kill, recover, check."""
    seconds = sorted(clean_run(template, work, f"{command}-clean{n}", argv)[2]
                     for n in range(3))[1]
    rng = random.Random(f"{SEED}-{command}")
    seen: Counter[str] = Counter()
    for first in range(0, runs(command), PARALLEL):
        numbers = range(first, min(first + PARALLEL, runs(command)))
        cases = [fresh(template, work / f"{command}{n}") for n in numbers]
        jobs = [Job(tuple(argv(c)), work / f"{command}{n}.logs", rng.uniform(0, 1.2 * seconds))
                for n, c in zip(numbers, cases, strict=True)]
        for outcome, case in zip(run_batch(jobs), cases, strict=True):
            assert outcome.killed or outcome.code == 0, outcome.describe()
            seen["killed" if outcome.killed else "finished"] += 1
            check(case, True)
        again = [(n, c) for n, c in zip(numbers, cases, strict=True)
                 if n % RECOVER_EVERY[command] == 0]
        recovered = run_batch([Job(tuple(argv(c)), work / f"{command}{n}.again")
                               for n, c in again])
        for outcome, (_, case) in zip(recovered, again, strict=True):
            assert_ok(outcome)
            check(case, False)
            seen["recovered"] += 1
        for case in cases:
            shutil.rmtree(case)
            shutil.rmtree(archive_root(case), ignore_errors=True)
    assert seen["killed"] >= runs(command) // 5, seen  # the delays do land inside the command
    return seen


@pytest.mark.slow
def test_add_survives_random_kills(small_case: Path, work: Path) -> None:
    clean, _, _ = clean_run(small_case, work, "add-reference", add_argv)
    before, after = evidence_of(small_case), evidence_of(clean)
    states: Counter[str] = Counter()

    def check(case: Path, after_kill: bool) -> None:
        assert case_problems(case, after_kill=after_kill) == []
        now = evidence_of(case)
        assert now in (before, after) if after_kill else now == after
        states["unchanged" if now == before else "added"] += after_kill

    seen = kill_loop("add", small_case, work, add_argv, check)
    assert states["unchanged"] and seen["recovered"] == runs("add"), (states, seen)


@pytest.mark.slow
def test_build_survives_random_kills(photo_case: Path, work: Path) -> None:
    clean, _, _ = clean_run(photo_case, work, "build-reference", build_argv)
    reference_pdf = sha(clean / "out" / "dossier.pdf")
    reference_upload = tree(clean / "out" / "upload")
    case_before = tree(photo_case / ".disputekit")

    def check(case: Path, after_kill: bool) -> None:
        assert tree(case / ".disputekit") == case_before  # build never writes to the case
        assert case_problems(case) == []
        assert out_problems(case) == []
        dossier, upload = case / "out" / "dossier.pdf", case / "out" / "upload"
        if dossier.exists() or not after_kill:
            assert sha(dossier) == reference_pdf  # complete, and the same bytes as a clean build
        if upload.exists() or not after_kill:
            assert tree(upload) == reference_upload

    kill_loop("build", photo_case, work, build_argv, check)


@pytest.mark.slow
def test_archive_survives_random_kills(photo_case: Path, work: Path) -> None:
    pytest.importorskip("pikepdf")

    def check(case: Path, after_kill: bool) -> None:
        assert case_problems(case, after_kill=after_kill) == []
        assert archive_problems(archive_root(case)) == []
        if not after_kill:
            assert (archive_root(case) / "2025" / "04" / "taobao-20250420001" / "v1").is_dir()
            assert not (archive_root(case) / "2025" / "04" / "taobao-20250420001" / "v2").exists()

    kill_loop("archive", photo_case, work, archive_argv, check)


# --------------------------------------------------------------------------- deterministic


def commit_points(template: Path, work: Path, name: str,
                  argv: Callable[[Path], list[str]]) -> int:
    _, outcome, _ = clean_run(template, work, name, argv)
    assert outcome.fs_ops, outcome.describe()
    return outcome.fs_ops


def kill_at_every_commit(template: Path, work: Path, name: str,
                         argv: Callable[[Path], list[str]],
                         check: Callable[[Path, bool], None]) -> int:
    total = commit_points(template, work, f"{name}-count", argv)
    for first in range(1, total + 1, PARALLEL):
        numbers = range(first, min(first + PARALLEL, total + 1))
        cases = [fresh(template, work / f"{name}@{n}") for n in numbers]
        killed = run_batch([Job(tuple(argv(c)), work / f"{name}@{n}.logs", fs_kill_at=n)
                            for n, c in zip(numbers, cases, strict=True)])
        for outcome, case in zip(killed, cases, strict=True):
            assert outcome.killed, outcome.describe()
            check(case, True)
        again = run_batch([Job(tuple(argv(c)), work / f"{name}@{n}.again")
                           for n, c in zip(numbers, cases, strict=True)])
        for outcome, case in zip(again, cases, strict=True):
            assert_ok(outcome)
            check(case, False)
    return total


def test_add_killed_at_every_commit_point(small_case: Path, work: Path) -> None:
    clean, _, _ = clean_run(small_case, work, "add-commit-reference", add_argv)
    before, after = evidence_of(small_case), evidence_of(clean)

    def check(case: Path, after_kill: bool) -> None:
        assert case_problems(case, after_kill=after_kill) == []
        assert evidence_of(case) in ((before, after) if after_kill else (after,))

    assert kill_at_every_commit(small_case, work, "add", add_argv, check) >= 8


def test_build_killed_at_every_commit_point(photo_case: Path, work: Path) -> None:
    clean, _, _ = clean_run(photo_case, work, "build-commit-reference", build_argv)
    reference = sha(clean / "out" / "dossier.pdf")

    def check(case: Path, after_kill: bool) -> None:
        assert case_problems(case) == [] and out_problems(case) == []
        dossier = case / "out" / "dossier.pdf"
        if dossier.exists() or not after_kill:
            assert sha(dossier) == reference

    kill_at_every_commit(photo_case, work, "build", build_argv, check)


@pytest.mark.slow
def test_archive_killed_at_every_commit_point(photo_case: Path, work: Path) -> None:
    pytest.importorskip("pikepdf")

    def check(case: Path, after_kill: bool) -> None:
        assert case_problems(case, after_kill=after_kill) == []
        assert archive_problems(archive_root(case)) == []

    kill_at_every_commit(photo_case, work, "archive", archive_argv, check)


EDITS = {
    "withdraw": ["withdraw", "E3", "--reason", "another order's photo"],
    "tag": ["tag", "E3", "--tag", "returned_item", "--caption", "开箱"],
    "facts": ["facts", "E2", "--courier", "中通", "--waybill", "SF-77"],
}
"""Each edit command on the photo case (E1 chat, E2 tracking, E3 photo)."""


def edit_argv(command: str) -> Callable[[Path], list[str]]:
    name, *rest = EDITS[command]
    return lambda case: [name, str(case), *rest, "--now", NOW]


@pytest.mark.parametrize("command", sorted(EDITS))
def test_edit_killed_at_every_commit_point(command: str, photo_case: Path, work: Path) -> None:
    """Killed before each commit: the case loads, verifies but for a torn line or an edit the
    log holds and evidence.json lacks; the same command then succeeds and leaves the case
    verified, with the edit made exactly as a clean run makes it (a withdrawal recorded once;
    a tag or typed fact that had reached the log is recorded again, to the same effect)."""
    clean, _, _ = clean_run(photo_case, work, f"{command}-edit-reference", edit_argv(command))
    reference = load_evidence(CasePaths(clean).evidence)

    states: Counter[str] = Counter()

    def check(case: Path, after_kill: bool) -> None:
        assert case_problems(case, after_kill=after_kill) == []
        assert integrity_problems(case, after_kill=after_kill) == []
        if after_kill:
            states["pending" if integrity_problems(case) else "consistent"] += 1
        else:
            assert _edited(load_evidence(CasePaths(case).evidence)) == _edited(reference)
            made = audit_actions(case).count(command)
            assert made == 1 if command == "withdraw" else made in (1, 2)  # retag: same result

    points = kill_at_every_commit(photo_case, work, f"{command}-edit", edit_argv(command), check)
    assert points >= 4 and states["pending"] >= 1, (points, states)  # recovery was exercised


def _edited(evidence: EvidenceList) -> list[tuple[object, ...]]:
    """What edits change, without the times (a rerun's ``--now`` is the same anyway)."""
    return [(i.id, i.tag, i.caption, i.typed, i.facts, i.withdrawn and i.withdrawn.reason)
            for i in evidence.items]


def test_torn_audit_line_is_tolerated_then_repaired(photo_case: Path, work: Path) -> None:
    """A writer killed inside its audit append leaves a line without its newline: every
    command still works, verify reports it, and the next write removes it."""
    case = fresh(photo_case, work / "torn")
    audit = CasePaths(case).audit
    with audit.open("ab") as handle:
        handle.write(b'{"action": "add", "at": "2025-04-21T09:00:00+08:00", "det')
    problems = AuditLog(audit).verify()
    assert {p.problem for p in problems} <= {"truncated last line", "not valid JSON"}
    assert {p.line for p in problems} == {len(audit.read_bytes().split(b"\n"))}
    assert_ok(run_cli(["list", str(case), "--json"], work / "torn.list"))
    assert_ok(run_cli(build_argv(case), work / "torn.build"))
    assert_ok(run_cli(add_argv(case), work / "torn.add"))
    assert case_problems(case) == []
    assert audit_actions(case) == ["init", "add", "add", "add"]


def test_exhibit_written_but_not_yet_audited_is_recorded_by_next_add(
        small_case: Path, work: Path) -> None:
    """Killed between evidence.json and its audit entry: the next add records the orphans."""
    _, counted, _ = clean_run(small_case, work, "unaudited-count", add_argv)
    case = fresh(small_case, work / "unaudited")
    kill_at = counted.op_index("replace", "evidence.json") + 1  # its folder's fsync is next
    assert run_cli(add_argv(case), work / "unaudited.kill", fs_kill_at=kill_at).killed
    assert "exhibits without an audit add entry: ['E3', 'E4', 'E5']" in case_problems(case)
    outcome = run_cli(add_argv(case), work / "unaudited.again")
    assert outcome.stdout.count("already in the case") == 3
    assert case_problems(case) == []
    last = AuditLog(CasePaths(case).audit).entries()[-1]
    assert last["action"] == "add" and last["details"]["recovered"] is True
    assert [e["id"] for e in last["details"]["exhibits"]] == ["E3", "E4", "E5"]


# --------------------------------------------------------------------------- found and fixed
# Defects this harness found in assemble.py and archive/*; now fixed and kept as regressions.
# Each names the commit point that exposes it.


def test_killed_build_work_folder_is_swept_by_next_build(photo_case: Path, work: Path) -> None:
    case = fresh(photo_case, work / "stale-build")
    assert run_cli(build_argv(case), work / "stale-build.kill", fs_kill_at=1).killed
    assert_ok(run_cli(build_argv(case), work / "stale-build.again"))
    assert [p.name for p in (case / "out").iterdir() if p.name.startswith(".")] == [".cache"]


def test_archive_killed_while_creating_the_archive_folder(photo_case: Path, work: Path) -> None:
    pytest.importorskip("pikepdf")
    case = copy_case(photo_case, work / "new-archive")
    assert run_cli(archive_argv(case), work / "new-archive.kill", fs_kill_at=1).killed
    assert_ok(run_cli(archive_argv(case), work / "new-archive.again"))


def test_archive_killed_while_indexing(photo_case: Path, work: Path) -> None:
    pytest.importorskip("pikepdf")
    counted = run_cli(archive_argv(copy_case(photo_case, work / "indexing-count")),
                      work / "indexing-count.logs")
    case = copy_case(photo_case, work / "indexing")
    kill_at = counted.op_index("replace", "index.sqlite")
    assert run_cli(archive_argv(case), work / "indexing.kill", fs_kill_at=kill_at).killed
    assert_ok(run_cli(archive_argv(case), work / "indexing.again"))
    assert archive_problems(archive_root(case)) == []


def test_archive_killed_after_publishing(photo_case: Path, work: Path) -> None:
    pytest.importorskip("pikepdf")
    from disputekit.archive import Query, search

    _, counted, _ = clean_run(photo_case, work, "published-count", archive_argv)
    case = fresh(photo_case, work / "published")
    kill_at = counted.op_index("rename", "/v1") + 1  # published; its folder fsync is next
    assert run_cli(archive_argv(case), work / "published.kill", fs_kill_at=kill_at).killed
    assert_ok(run_cli(archive_argv(case), work / "published.again"))
    assert audit_actions(case)[-1] == "archive"
    assert search(archive_root(case), Query(order="3712345678901234567"))
