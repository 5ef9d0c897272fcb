"""Helpers for the crash, concurrency and security harnesses (this module has no tests).

- ``spawn``/``finish``/``run_cli``/``run_batch``: run ``disputekit ARGS`` in a *forked* child of
  the test process (the package is already imported, so a child starts in ~1 ms instead of the
  ~1 s a fresh interpreter needs), optionally SIGKILL its whole process group after a delay,
  or kill it from inside just before its N-th file-system commit (``os.replace``,
  ``os.rename`` or ``os.fsync``) — the deterministic crash points.
- ``case_problems``/``archive_problems``/``dossier_problems_of``: the consistency invariants a
  case folder, an archive and ``out/`` must satisfy after any crash.
- ``make_template``: a small real case (init + chat + tracking [+ one photo]) to copy per run.

Forking is safe here because the test process has no other threads when it forks (the
invariant checks hash with ``jobs=1``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sys
import time
import tomllib
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from disputekit.case import CasePaths, init_case, load_case_file, load_evidence
from disputekit.clock import parse_time
from disputekit.collect.evidence_ops import add_files
from disputekit.errors import DisputekitError
from disputekit.models.case import CaseFile
from disputekit.store.atomic import TEMP_PREFIX
from disputekit.store.audit import AuditLog
from disputekit.store.hashing import sha256_file

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "signed-not-received"
NOW = "2025-04-21 09:00"
AT = parse_time(NOW)
CHILD_ENV = {
    "DISPUTEKIT_LANG": "en",
    "DISPUTEKIT_USER": "crash-tester",
    "DISPUTEKIT_REQUIRE_APPROVAL": "0",
}
BUILD_TEMP_PREFIX = ".dk-build-"
STALE_OUT = (BUILD_TEMP_PREFIX, ".upload-old")
"""Names in ``out/`` a killed build may leave behind; never output, never read as output."""
FS_COMMITS = ("replace", "rename", "fsync")
CRASHED = 99  # exit code of a child whose command raised past the CLI (a bug)


# --------------------------------------------------------------------------- children


@dataclass
class Child:
    pid: int
    logs: Path
    kill_after: float | None = None


@dataclass(frozen=True)
class Outcome:
    argv: tuple[str, ...]
    killed: bool
    code: int | None
    stdout: str
    stderr: str
    fs_trace: tuple[str, ...] | None = None

    @property
    def fs_ops(self) -> int | None:
        return None if self.fs_trace is None else len(self.fs_trace)

    def op_index(self, kind: str, dst_suffix: str = "") -> int:
        """1-based number of the first traced commit ``kind`` whose target ends so."""
        for number, op in enumerate(self.fs_trace or (), start=1):
            name, _, dst = op.partition(" ")
            if name == kind and dst.endswith(dst_suffix):
                return number
        raise LookupError(f"no {kind} …{dst_suffix} in {self.fs_trace}")

    def describe(self) -> str:
        how = "killed" if self.killed else f"exit {self.code}"
        return f"{' '.join(self.argv)} → {how}\nstdout: {self.stdout}\nstderr: {self.stderr}"


def spawn(argv: Sequence[str], logs: Path, *, env: dict[str, str] | None = None,
          fs_kill_at: int | None = None, gate: tuple[int, int] | None = None,
          kill_after: float | None = None) -> Child:
    """Fork a child that runs the CLI with ``argv``; stdout/stderr go to files under ``logs``.

    ``gate``: the pipe of :func:`gate`; the child waits for its byte before starting (so many
    children can start at once). ``fs_kill_at``: SIGKILL itself before that file-system commit.
    """
    logs.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child never returns into pytest
        code = CRASHED
        try:
            code = _child(list(argv), logs, {**CHILD_ENV, **(env or {})}, fs_kill_at, gate)
        except BaseException:
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(code)
    return Child(pid, logs, kill_after)


def _child(argv: list[str], logs: Path, env: dict[str, str], fs_kill_at: int | None,
           gate: tuple[int, int] | None) -> int:
    os.setpgid(0, 0)
    _redirect(logs)
    os.environ.update(env)
    from disputekit.i18n import set_lang

    set_lang(None)
    if gate is not None:
        os.close(gate[1])
        os.read(gate[0], 1)
    trace = _count_fs_commits(fs_kill_at)
    code = _run_click(argv)
    (logs / "fs_trace").write_text("\n".join(trace), "utf-8")
    return code


def _redirect(logs: Path) -> None:
    for fd, name in ((1, "stdout"), (2, "stderr")):
        handle = os.open(logs / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(handle, fd)
        os.close(handle)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115


def _count_fs_commits(kill_at: int | None) -> list[str]:
    """Wrap os.replace/rename/fsync; SIGKILL this process just before call number ``kill_at``.
    Returns the trace (``"replace <dst>"``, ``"fsync"``…) filled in as the command runs."""
    trace: list[str] = []

    def wrap(name: str) -> None:
        real = getattr(os, name)

        def hooked(*args: object, **kwargs: object) -> object:
            trace.append(f"{name} {args[1]}" if name in ("replace", "rename") else name)
            if kill_at is not None and len(trace) == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)

        setattr(os, name, hooked)

    for name in FS_COMMITS:
        wrap(name)
    return trace


def _run_click(argv: list[str]) -> int:
    from disputekit.cli.main import cli

    try:
        cli.main(args=argv, prog_name="disputekit", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except BaseException:
        traceback.print_exc()
        return CRASHED
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


def finish(child: Child, argv: Sequence[str] = (), timeout: float = 120.0) -> Outcome:
    """Wait for ``child`` (reaping it); returns how it ended and what it printed. A child
    still running after ``timeout`` seconds is killed and reported as a hang."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status = os.waitpid(child.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            os.killpg(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)
            raise AssertionError(f"{' '.join(argv)} hung for {timeout:.0f} s")
        time.sleep(0.005)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)  # stray pool workers of a killed child
    killed = os.WIFSIGNALED(status)
    trace = child.logs / "fs_trace"
    return Outcome(
        tuple(argv), killed, None if killed else os.waitstatus_to_exitcode(status),
        _read(child.logs / "stdout"), _read(child.logs / "stderr"),
        tuple(filter(None, trace.read_text("utf-8").split("\n"))) if trace.is_file() else None,
    )


def _read(path: Path) -> str:
    return path.read_text("utf-8", errors="replace") if path.is_file() else ""


@dataclass(frozen=True)
class Job:
    argv: tuple[str, ...]
    logs: Path
    kill_after: float | None = None
    fs_kill_at: int | None = None


def run_batch(jobs: Sequence[Job], env: dict[str, str] | None = None) -> list[Outcome]:
    """Start every job at once; SIGKILL each at its ``kill_after`` delay; reap all."""
    children = [spawn(job.argv, job.logs, env=env, kill_after=job.kill_after,
                      fs_kill_at=job.fs_kill_at) for job in jobs]
    start = time.monotonic()
    for child in sorted((c for c in children if c.kill_after is not None),
                        key=lambda c: c.kill_after or 0.0):
        pause = start + (child.kill_after or 0.0) - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
    return [finish(child, job.argv) for child, job in zip(children, jobs, strict=True)]


def run_cli(argv: Sequence[str], logs: Path, *, env: dict[str, str] | None = None,
            fs_kill_at: int | None = None) -> Outcome:
    return finish(spawn(argv, logs, env=env, fs_kill_at=fs_kill_at), argv)


@contextlib.contextmanager
def gate() -> Iterator[tuple[tuple[int, int], Callable[[int], None]]]:
    """A start gate: each child (``spawn(..., gate=fds)``) blocks reading one byte until
    ``open_gate(n)`` writes one byte per child; leaving the block releases any still waiting
    (end-of-file: children close their copy of the write end)."""
    read_fd, write_fd = os.pipe()
    try:
        yield (read_fd, write_fd), lambda count: os.write(write_fd, b"x" * count) and None
    finally:
        os.close(write_fd)
        os.close(read_fd)


# --------------------------------------------------------------------------- cases


def make_template(dest: Path, *, photo: bool = False) -> Path:
    """init + chat + tracking (E1, E2) [+ one photo, E3] of the signed-not-received sample."""
    facts = CaseFile.model_validate(tomllib.loads((SAMPLE / "case.toml").read_text("utf-8")))
    init_case(dest, facts, at=AT, actor="crash-tester")
    files = [SAMPLE / "chat.txt", SAMPLE / "tracking.json"]
    add_files(dest, files, at=AT, actor="crash-tester")
    if photo:
        add_files(dest, [SAMPLE / "photos" / "packing_1.jpg"], at=AT, actor="crash-tester",
                  tag="before_shipment")
    return dest


def copy_case(template: Path, dest: Path) -> Path:
    shutil.copytree(template, dest, symlinks=True)
    return dest


def evidence_of(case_dir: Path) -> list[tuple[str, str]]:
    return [(i.id, i.sha256) for i in load_evidence(CasePaths(case_dir).evidence).items]


# --------------------------------------------------------------------------- invariants


_HEX = re.compile(r"^[0-9a-f]{2}$")
_HEX_REST = re.compile(r"^[0-9a-f]{62}$")


def case_problems(case_dir: Path, *, after_kill: bool = False) -> list[str]:
    """Everything wrong with a case folder; ``after_kill`` tolerates what the next command
    repairs (a torn last audit line, exhibits not yet in the audit log, stray temp files)."""
    paths = CasePaths(case_dir)
    problems: list[str] = []
    try:
        load_case_file(paths.case_toml)
        evidence = load_evidence(paths.evidence)
    except DisputekitError as exc:
        return [f"case does not load: {exc.en}"]
    ids = [item.id for item in evidence.items]
    if ids != [f"E{n}" for n in range(1, len(ids) + 1)] or evidence.next_number != len(ids) + 1:
        problems.append(f"exhibit ids not E1..En with next_number n+1: {ids} / "
                        f"{evidence.next_number}")
    for item in evidence.items:
        obj = paths.objects / item.sha256[:2] / item.sha256[2:]
        if not obj.is_file():
            problems.append(f"{item.id}: object missing")
        elif sha256_file(obj) != (item.sha256, item.size):
            problems.append(f"{item.id}: object does not hash right")
    problems += _object_store_problems(paths.objects)
    problems += _audit_problems(AuditLog(paths.audit), evidence.items, after_kill)
    if not after_kill:
        temps = [p.name for p in (*paths.meta.glob(TEMP_PREFIX + "*"),
                                  *paths.objects.glob(TEMP_PREFIX + "*"))]
        if temps:
            problems.append(f"temp files left in .disputekit: {temps}")
    return problems


def _object_store_problems(objects: Path) -> list[str]:
    problems = []
    for folder in objects.iterdir() if objects.is_dir() else []:
        if folder.is_file() and folder.name.startswith(TEMP_PREFIX):
            continue  # an unfinished copy: never referenced, swept by the next add
        if not (folder.is_dir() and _HEX.match(folder.name)):
            problems.append(f"unexpected entry in objects/: {folder.name}")
            continue
        for obj in folder.iterdir():
            if not _HEX_REST.match(obj.name):
                problems.append(f"non-object in objects/{folder.name}: {obj.name}")
            elif sha256_file(obj)[0] != folder.name + obj.name:
                problems.append(f"object {folder.name}/{obj.name} does not hash to its name")
    return problems


def _audit_problems(audit: AuditLog, items: Sequence[object], after_kill: bool) -> list[str]:
    found = audit.verify()
    torn = {p.line for p in found if p.problem == "truncated last line"} if after_kill else set()
    problems = [f"audit line {p.line}: {p.problem}" for p in found if p.line not in torn]
    try:
        entries = audit.entries()
    except ValueError as exc:
        return [*problems, f"audit entries unreadable: {exc}"]
    audited: dict[str, str] = {}
    for entry in entries:
        if entry.get("action") == "add":
            for ex in entry["details"]["exhibits"]:
                if ex["id"] in audited:
                    problems.append(f"audit adds {ex['id']} twice")
                audited[ex["id"]] = ex["sha256"]
    listed = {item.id: item.sha256 for item in items}  # type: ignore[attr-defined]
    claimed = {k: v for k, v in audited.items() if listed.get(k) != v}
    if claimed:
        problems.append(f"audit records exhibits evidence.json lacks: {sorted(claimed)}")
    unaudited = sorted(set(listed) - set(audited))
    if unaudited and not after_kill:
        problems.append(f"exhibits without an audit add entry: {unaudited}")
    return problems


def integrity_problems(case_dir: Path, *, after_kill: bool = False) -> list[str]:
    """What ``disputekit verify CASE`` reports beyond object hashes (the replay of the audit
    log against evidence.json, the chain, the head). ``after_kill`` tolerates a torn last line
    and an edit the log holds but evidence.json lacks (the next command completes it)."""
    from disputekit.collect.case_integrity import TORN, check_integrity
    from disputekit.collect.edit_recovery import pending_edits

    paths = CasePaths(case_dir)
    problems = check_integrity(paths).problems
    if not after_kill:
        return problems
    problems = [p for p in problems if not p.endswith(TORN)]
    if problems and pending_edits(AuditLog(paths.audit).entries(), load_evidence(paths.evidence)):
        return []
    return problems


def out_problems(case_dir: Path) -> list[str]:
    """``out/``: each edition (the lead's dossier.pdf, the platform's submission.pdf) absent or
    complete; the dossier verified; nothing else but the bundles and known temps."""
    out = case_dir / "out"
    problems = []
    for entry in out.iterdir() if out.is_dir() else []:
        if entry.name in ("dossier.pdf", "submission.pdf", "upload", "draft", ".cache") or entry.name.startswith(STALE_OUT):
            continue
        problems.append(f"unexpected entry in out/: {entry.name}")
    dossier = out / "dossier.pdf"
    if dossier.exists():
        problems += [f"dossier.pdf: {p}" for p in dossier_problems_of(dossier)]
    submission = out / "submission.pdf"
    if submission.exists():
        problems += [f"submission.pdf: {p}" for p in edition_problems_of(submission)]
    return problems


def edition_problems_of(path: Path) -> list[str]:
    """A PDF that opens and has pages (the submission carries no manifest to verify)."""
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(path).pages)
    except Exception as exc:  # any failure to read is the finding
        return [f"unreadable ({type(exc).__name__}: {exc})"]
    return [] if pages else ["no pages"]


def dossier_problems_of(path: Path) -> list[str]:
    from pypdf import PdfReader

    from disputekit.archive.verify import dossier_problems

    try:
        pages = len(PdfReader(path).pages)
    except Exception as exc:  # any failure to read is the finding
        return [f"unreadable ({type(exc).__name__}: {exc})"]
    return ([] if pages else ["no pages"]) + dossier_problems(path, pdfa_check=False)


def archive_problems(root: Path) -> list[str]:
    """An archive folder (if any) verifies; staging leftovers are not versions."""
    if not root.exists():
        return []
    from disputekit.archive.verify import VerifyOptions, verify_path

    try:
        report = verify_path(root, VerifyOptions(jobs=1))
    except DisputekitError as exc:
        if not any(root.iterdir()):
            return []
        return [f"archive not recognised: {exc.en}"]
    return [f"{p}" for p in report.problems] if not report.ok else []


def audit_actions(case_dir: Path) -> list[str]:
    return [e["action"] for e in AuditLog(CasePaths(case_dir).audit).entries()]


def json_out(outcome: Outcome) -> object:
    return json.loads(outcome.stdout)
