"""Is a case folder what its audit log says it is? The log's chain and head, the replay of the
log against ``evidence.json`` (every exhibit field and every parsed fact), links where the
tool writes, and objects no exhibit references. ``verify CASE`` reports all of it; ``build``,
``archive`` and the review gate refuse a case with any problem (``assert_intact``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from disputekit.case import CasePaths, load_evidence
from disputekit.collect.edit_recovery import pending_edits, pending_problem
from disputekit.collect.replay import Replayed, differences, replay
from disputekit.errors import DisputekitError, VerificationFailed
from disputekit.store.anchors import ANCHORING_VERSION, LOG_FORMAT
from disputekit.store.atomic import TEMP_PREFIX
from disputekit.store.audit import HEAD_FILE, AuditLog
from disputekit.store.lock import case_lock
from disputekit.store.timestamps import TOKENS_DIR, token_problems, tsa_settings

TORN = "truncated last line"
"""A writer killed mid-append: tolerated by the gates (the next append trims it)."""

WRITE_PATHS = ("audit.jsonl", "evidence.json", HEAD_FILE, "objects", "reviews")


@dataclass
class Integrity:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    replayed: Replayed | None = None


def check_integrity(paths: CasePaths) -> Integrity:
    """Every way the case differs from the replay of its audit log (no object hashing)."""
    out = Integrity()
    out.problems += _link_problems(paths)
    audit = AuditLog(paths.audit)
    written = paths.evidence.is_file() or audit.head_path.is_file() or _has_objects(paths)
    if not paths.audit.is_file() and written:
        out.problems.append(".disputekit/audit.jsonl: missing (every write is in the log)")
        return out
    chain = audit.verify()
    torn = {p.line for p in chain if p.problem == TORN}  # that line is reported once, as torn
    out.problems += [f".disputekit/audit.jsonl: line {p.line}: {p.problem}" for p in chain
                     if p.problem == TORN or p.line not in torn]
    try:
        entries = audit.entries()
        if not entries and written:
            out.problems.append(".disputekit/audit.jsonl: empty (every write is in the log)")
        if entries and not paths.evidence.is_file():
            out.problems.append(".disputekit/evidence.json: missing")
        recorded = load_evidence(paths.evidence)
    except DisputekitError as exc:
        out.problems.append(exc.message("en").splitlines()[0])
        return out
    replayed = out.replayed = replay(entries, recorded)
    out.problems += [f".disputekit/audit.jsonl: {p}" for p in replayed.problems]
    out.problems += [f".disputekit/evidence.json: {p}" for p in replayed.absent]
    out.warnings += replayed.warnings
    required = replayed.log_format >= LOG_FORMAT
    out.problems += [f".disputekit/{HEAD_FILE}: {p}" for p in audit.head_problems(entries, required)]
    if not required and audit.head() is None:
        out.warnings.append(f".disputekit/{HEAD_FILE}: not recorded (case made before "
                            f"disputekit {ANCHORING_VERSION}); lines removed from the end of "
                            "the log cannot be detected")
    out.problems += [f".disputekit/evidence.json: {d}"
                     for d in differences(replayed.evidence, recorded)]
    pending = pending_edits(entries, recorded)
    if pending:  # a killed edit (or a hand edit undoing it): the next command completes it
        out.problems.append(f".disputekit/evidence.json: {pending_problem(pending)}")
    out.orphans = _orphans(paths, {i.sha256 for i in replayed.evidence.items})
    tsa = tsa_settings(paths.root)  # the shop's time-stamping authority, if any
    if tsa is not None or (paths.meta / TOKENS_DIR).is_dir():
        out.problems += [f".disputekit/{p}" for p in token_problems(paths.meta, entries, tsa)]
    return out


def _has_objects(paths: CasePaths) -> bool:
    return paths.objects.is_dir() and any(paths.objects.glob("??/*"))


def _link_problems(paths: CasePaths) -> list[str]:
    problems = []
    for name in WRITE_PATHS:
        path = paths.meta / name
        if path.is_symlink():
            problems.append(f".disputekit/{name}: a symbolic link (never followed)")
        elif path.is_file() and path.stat().st_nlink > 1:
            problems.append(f".disputekit/{name}: has {path.stat().st_nlink} hard links")
    if paths.meta.is_symlink():
        problems.append(".disputekit: a symbolic link (never followed)")
    return problems


def _orphans(paths: CasePaths, referenced: set[str]) -> list[str]:
    if not paths.objects.is_dir() or paths.objects.is_symlink():
        return []
    out = []
    for obj in sorted(paths.objects.glob("??/*")):
        if obj.name.startswith(TEMP_PREFIX) or obj.parent.name + obj.name in referenced:
            continue
        out.append(obj.relative_to(paths.root).as_posix())
    return out


def assert_intact(paths: CasePaths, doing_zh: str, doing_en: str, *,
                  lock: bool = False) -> Integrity:
    """Raise VerificationFailed (exit 4) when the case is not its audit log's replay.

    ``lock``: take the case lock while reading (callers that do not hold it and must not see
    an ``add`` between its evidence.json and its audit entry). A torn last audit line and
    orphan objects (both left by a killed ``add``) do not block: they never reach an output,
    and the next ``add`` repairs the first."""
    if lock and paths.meta.is_dir():
        with case_lock(paths.meta):
            found = check_integrity(paths)
    else:
        found = check_integrity(paths)
    problems = [p for p in found.problems if not p.endswith(TORN)]
    if problems:
        shown = problems[:12] + ([f"… ({len(problems) - 12} more)"] if len(problems) > 12 else [])
        listing = "\n".join("  - " + p for p in shown)
        raise VerificationFailed(
            f"案件与其审计日志不符，不能{doing_zh}：\n{listing}\n",
            f"The case does not match its audit log; cannot {doing_en}:\n{listing}\n",
            fix_zh="运行 disputekit verify CASE 查看详情；从备份恢复被改动的文件。",
            fix_en="Run `disputekit verify CASE` for details; restore the changed files from a "
                   "backup.",
        )
    return found
