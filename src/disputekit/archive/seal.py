"""Archive stage: seal a case into ``ARCHIVE/YYYY/MM/<case-id>/v<N>/``, read-only.

Reads like its table of contents (``archive_case``): check the case may be archived, find
whether this state is already sealed, build the dossier through the ``make_dossier`` seam,
then under the archive and case locks stage every file, convert the dossier to validated
PDF/A-3b, write the sealed manifest, move the folder into place, record it in the case's
audit log and in the index.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from disputekit import __version__
from disputekit.archive.paths import (
    ARCHIVE_FORMAT,
    LOCK_FILE,
    MANIFEST,
    MANIFEST_TOKEN,
    STAGING,
    case_folder_for,
    ensure_archive,
    versions,
)
from disputekit.archive.pdfa import MANIFEST_NAME, Attachment, DocInfo, write_pdfa
from disputekit.archive.record import OUTCOMES, dumps, read_manifest, sealed
from disputekit.archive.upload_check import stage_upload
from disputekit.case import Case, open_case
from disputekit.collect.case_integrity import TORN, check_integrity
from disputekit.collect.parse.limits import MAX_EMBEDDED_VIDEO_BYTES
from disputekit.errors import (
    BlockingFindings,
    CaseBusy,
    CaseError,
    DisputekitError,
    UsageError,
    VerificationFailed,
)
from disputekit.manifest import build_manifest, state_hash
from disputekit.profiles.load import load_profile
from disputekit.review.decisions import assert_fresh_approval, decisions, state_of
from disputekit.store.atomic import atomic_write_bytes, fsync_dir
from disputekit.store.hashing import copy_stream_hashing, sha256_file
from disputekit.store.lock import case_lock, lock_timeout
from disputekit.store.nofollow import chmod_nofollow, open_nofollow
from disputekit.store.timestamps import request_token, tsa_settings
from disputekit.validate.check import (
    NOT_FOR_ARCHIVE,
    check_case,
)

log = logging.getLogger(__name__)

MakeDossier = Callable[[Path, Path, datetime], Path]
# Rules about sending a refusal *now*; they no longer apply once the dispute is over.
STALE_STAGING_S = 24 * 3600
SIGNED_DOSSIER = "signed-dossier.pdf"  # the lead's signed dossier, as signed (if any)


@dataclass(frozen=True)
class ArchiveResult:
    path: Path
    version: int
    created: bool
    state_hash: str
    manifest_sha256: str
    outcome: str | None
    previous: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {"path": str(self.path), "version": self.version, "created": self.created,
                "state_hash": self.state_hash, "manifest_sha256": self.manifest_sha256,
                "outcome": self.outcome, "previous": str(self.previous) if self.previous else None}


def default_make_dossier(case_dir: Path, out_dir: Path, now: datetime) -> Path:
    """The real dossier: ``assemble.build_dossier`` in PDF/A-friendly mode, no upload bundle."""
    from disputekit.assemble.build import build_dossier  # heavy: only when a dossier is made
    from disputekit.models.build import BuildOptions

    options = BuildOptions(now=now, out_dir=out_dir, pdfa=True, upload=False)
    return Path(build_dossier(case_dir, options).dossier)


# --------------------------------------------------------------------------- the stage


def archive_case(
    case_dir: Path, archive_root: Path, outcome: str | None, now: datetime, *,
    actor: str = "disputekit", make_dossier: MakeDossier | None = None,
    profile_path: Path | None = None, env: dict[str, str] | None = None,
) -> ArchiveResult:
    """Seal the case; the same state (and outcome) again returns the existing version.

    ``make_dossier(case_dir, out_dir, now) -> Path`` renders the dossier (default:
    ``default_make_dossier``, the real builder).
    """
    case = open_case(case_dir)
    _check_case_intact(case)  # damage first (exit 4), before rules that would also trip on it
    check_archivable(case, outcome, now, profile_path, env)
    ensure_archive(archive_root)
    digest = state_hash(case)
    folder = case_folder_for(archive_root, case.case_id, case.facts.requested_at)
    if (done := find_sealed(folder, digest, outcome)) is not None:
        return _complete(case, archive_root, done, now, actor)
    with _work_dir(archive_root) as work:
        dossier = (make_dossier or default_make_dossier)(case_dir, work / "build", now)
        with archive_lock(archive_root), case_lock(case.paths.meta):
            case = _unchanged(case_dir, digest)
            if (done := find_sealed(folder, digest, outcome)) is not None:
                return _complete(case, archive_root, done, now, actor)
            result = _seal(case, folder, dossier, work / "seal", outcome, now, actor,
                           profile_path)
            case.audit.append(now, actor, "archive", {
                "archive": str(result.path), "version": result.version, "state_hash": digest,
                "manifest_sha256": result.manifest_sha256, "outcome": outcome})
    _index(archive_root, result)
    return result


def check_archivable(case: Case, outcome: str | None, now: datetime,
                     profile_path: Path | None, env: dict[str, str] | None) -> None:
    if outcome is not None and outcome not in OUTCOMES:
        raise UsageError(f"结果 {outcome!r} 无效，应为：{'/'.join(OUTCOMES)}。",
                         f"Outcome {outcome!r} is not one of {'/'.join(OUTCOMES)}.")
    report = check_case(case, now=now, profile_path=profile_path)
    blocking = [f for f in report.findings
                if f.severity == "blocking" and f.rule not in NOT_FOR_ARCHIVE]
    if blocking:
        zh = "\n".join(f"  - {f.zh} ({f.rule})" for f in blocking)
        en = "\n".join(f"  - {f.en} ({f.rule})" for f in blocking)
        raise BlockingFindings(
            f"案件 {case.case_id} 有 {len(blocking)} 个阻断问题，不能归档：\n{zh}\n",
            f"Case {case.case_id} has {len(blocking)} blocking finding(s) and cannot be "
            f"archived:\n{en}\n",
            fix_zh="先解决这些问题（disputekit check 查看详情）。",
            fix_en="Fix them first (`disputekit check` shows details).",
        )
    assert_fresh_approval(case, env, allow_lifecycle=True)


def _complete(case: Case, root: Path, done: ArchiveResult, now: datetime, actor: str) -> ArchiveResult:
    """An existing version: make sure the case's audit and the index know it (a run killed
    after publishing the version, before recording it, is finished here)."""
    recorded = any(
        e.get("action") == "archive" and e.get("details", {}).get("manifest_sha256") == done.manifest_sha256
        for e in case.audit.entries()
    )
    if not recorded:
        with case_lock(case.paths.meta):
            case.audit.append(now, actor, "archive", {
                "archive": str(done.path), "version": done.version, "state_hash": done.state_hash,
                "manifest_sha256": done.manifest_sha256, "outcome": done.outcome, "recovered": True})
    _index(root, done)
    return done


def find_sealed(folder: Path, digest: str, outcome: str | None) -> ArchiveResult | None:
    """The latest version if it sealed this state (and this outcome, when one is given)."""
    found = versions(folder)
    if not found:
        return None
    number, path = found[-1]
    read = read_manifest(path / MANIFEST)
    data = read.data or {}
    if data.get("state_hash") != digest:
        return None
    sealed_outcome = (data.get("outcome") or {}).get("outcome")
    if outcome is not None and outcome != sealed_outcome:
        return None
    return ArchiveResult(path, number, False, digest, read.sha256, sealed_outcome)


def _unchanged(case_dir: Path, digest: str) -> Case:
    case = open_case(case_dir)
    if state_hash(case) != digest:
        raise CaseError("归档过程中案件被修改了，未归档。", "The case changed while archiving; "
                        "nothing was archived.", fix_zh="请重新运行 archive。",
                        fix_en="Run `archive` again.")
    return case


@contextlib.contextmanager
def archive_lock(root: Path) -> Iterator[None]:
    lock = FileLock(str(root / LOCK_FILE), timeout=lock_timeout())
    try:
        lock.acquire()
    except Timeout:
        raise CaseBusy("归档文件夹正被另一个进程写入。", "The archive is busy (another process "
                       "is writing to it).", fix_zh="请稍后重试。", fix_en="Try again shortly.",
                       ) from None
    try:
        yield
    finally:
        lock.release()


@contextlib.contextmanager
def _work_dir(root: Path) -> Iterator[Path]:
    staging = root / STAGING
    staging.mkdir(exist_ok=True)
    _remove_stale(staging)
    with tempfile.TemporaryDirectory(prefix="work-", dir=staging) as name:
        yield Path(name)


def _remove_stale(staging: Path) -> None:
    """Work folders a killed run left behind (older than a day: never one in use). A symbolic
    link planted there is removed as a link: nothing outside the archive is touched."""
    cutoff = time.time() - STALE_STAGING_S
    for child in staging.iterdir():
        with contextlib.suppress(OSError):
            info = child.lstat()
            if info.st_mtime >= cutoff:
                continue
            if not stat.S_ISDIR(info.st_mode):
                child.unlink()
                continue
            _make_writable(child)
            shutil.rmtree(child)


# --------------------------------------------------------------------------- sealing


def _seal(case: Case, folder: Path, dossier: Path, stage: Path, outcome: str | None,
          now: datetime, actor: str, profile_path: Path | None) -> ArchiveResult:
    _check_case_intact(case)
    found = versions(folder)
    number = found[-1][0] + 1 if found else 1
    previous = _previous(found)
    stage.mkdir()
    files = _stage_case_files(case, stage)
    files.update(_stage_signed(case, stage))
    record = {"outcome": outcome, "recorded_at": now.isoformat(), "recorded_by": actor}
    files["outcome.json"] = _write(stage / "outcome.json", dumps(record))
    profile = load_profile(case.facts.platform, profile_path).profile
    embedded = _dossier_manifest(case, profile.id, profile.version, now, number, outcome)
    files.update(_stage_dossier(case, dossier, stage, embedded, now))
    manifest = sealed(_manifest(case, number, previous, files, record,
                                (profile.id, profile.version)))
    data = dumps(manifest)
    atomic_write_bytes(stage / MANIFEST, data)
    if (tsa := tsa_settings(case.paths.root)) is not None:  # RFC 3161 over the manifest
        atomic_write_bytes(stage / MANIFEST_TOKEN, request_token(tsa, hashlib.sha256(data).digest()))
    target = folder / f"v{number}"
    _publish(stage, target)
    prev_path = found[-1][1] if found else None
    return ArchiveResult(target, number, True, manifest["state_hash"],
                         hashlib.sha256(data).hexdigest(), outcome, prev_path)


def _check_case_intact(case: Case) -> None:
    """Never seal damage: every original must hash right and the audit chain must hold."""
    problems = [f"{item.id}: {item.name}" for item in case.evidence.items
                if not case.store.verify(item.sha256)]
    problems += [f"audit.jsonl line {p.line}: {p.problem}" for p in case.audit.verify()]
    problems += [p for p in check_integrity(case.paths).problems if p not in problems
                 and not p.endswith(TORN)]
    if problems:
        listing = "\n".join("  - " + p for p in problems)
        raise VerificationFailed(
            f"案件数据已损坏，不能归档：\n{listing}\n", f"The case is damaged and cannot be "
            f"archived:\n{listing}\n", fix_zh="运行 disputekit verify CASE 查看详情。",
            fix_en="Run `disputekit verify CASE` for details.")


def _previous(found: list[tuple[int, Path]]) -> dict[str, Any] | None:
    if not found:
        return None
    number, path = found[-1]
    read = read_manifest(path / MANIFEST)
    return {"version": number, "path": f"../v{number}", "manifest_sha256": read.sha256}


def _copy_hashed(source: Path, dest: Path) -> dict[str, Any]:
    """Copy a case file into the stage; a symlinked source is refused, never followed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd = open_nofollow(source, os.O_RDONLY, hard_links=True)
    with os.fdopen(fd, "rb") as src, dest.open("xb") as dst:
        digest, size = copy_stream_hashing(src, dst)
    return {"sha256": digest, "size": size}


def _stage_case_files(case: Case, stage: Path) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}
    for name, source in (("case.toml", case.paths.case_toml), ("evidence.json", case.paths.evidence),
                         ("audit.jsonl", case.paths.audit)):
        files[name] = _copy_hashed(source, stage / name)
    for item in case.evidence.items:
        rel = object_rel(item.sha256)
        if rel not in files:
            files[rel] = _copy_hashed(case.store.path_for(item.sha256), stage / rel)
            if files[rel]["sha256"] != item.sha256:
                raise VerificationFailed(f"{item.id} 的原件在复制时发生变化。",
                                         f"{item.id}'s original changed while being copied.")
    files.update(stage_upload(case.paths.out / "upload", case.case_id,
                              lambda source, rel: _copy_hashed(source, stage / rel)))
    return files


def _stage_signed(case: Case, stage: Path) -> dict[str, dict[str, Any]]:
    """The dossier the last approval signed, kept byte for byte as signed: the archive's own
    dossier.pdf is rebuilt as PDF/A, which no signature survives."""
    from disputekit.review.approved_dossier import kept_path, last_record

    last = last_record(case.audit.entries())
    if last is None or not isinstance(last[1].get("signature"), dict):
        return {}
    source = kept_path(case.paths, str(last[1].get("sha256")))
    if not source.is_file():
        raise VerificationFailed(
            f"第 {last[0]} 条审计记录签名的证据包（{source.name}）不见了，不能归档。",
            f"The dossier signed at audit entry {last[0]} ({source.name}) is missing; nothing "
            "was archived.", fix_zh="运行 disputekit verify CASE 查看详情；重新批准并签名。",
            fix_en="Run `disputekit verify CASE` for details; approve and sign again.")
    entry = _copy_hashed(source, stage / SIGNED_DOSSIER)
    if entry["sha256"] != last[1].get("sha256"):
        raise VerificationFailed(f"签名的证据包 {source.name} 内容与其哈希不符，不能归档。",
                                 f"The signed dossier {source.name} does not match its hash; "
                                 "nothing was archived.")
    return {SIGNED_DOSSIER: entry}


def object_rel(sha256: str) -> str:
    return f"objects/{sha256[:2]}/{sha256[2:]}"


def _write(path: Path, data: bytes) -> dict[str, Any]:
    atomic_write_bytes(path, data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def attachment_name(exhibit: str, name: str) -> str:
    safe = name.replace("/", "_").replace("\\", "_")
    return f"{exhibit}_{safe}"


def _dossier_manifest(case: Case, profile_id: str, profile_version: str, now: datetime,
                      number: int, outcome: str | None) -> dict[str, Any]:
    embedded = build_manifest(case, profile_id=profile_id, profile_version=profile_version,
                              generated_at=now.isoformat())
    embedded["attachments"] = {
        attachment_name(i.id, i.name): {"exhibit": i.id, "sha256": i.sha256, "size": i.size}
        for i in case.evidence.items  # a large video stays in objects/ (read into memory else)
        if not (i.kind == "video" and i.size > MAX_EMBEDDED_VIDEO_BYTES)}
    embedded["archive"] = {"version": number, "outcome": outcome}
    return embedded


def _stage_dossier(case: Case, dossier: Path, stage: Path, embedded: dict[str, Any],
                   now: datetime) -> dict[str, dict[str, Any]]:
    embedded["pages"] = _page_record(dossier)  # PDF/A conversion leaves page content alone
    side = stage.parent / "embedded-manifest.json"
    side.write_bytes(dumps(embedded))
    attachments = [Attachment(name, stage / object_rel(entry["sha256"]), "Source",
                              f"{entry['exhibit']} original")
                   for name, entry in embedded["attachments"].items()]
    attachments.append(Attachment(MANIFEST_NAME, side, "Data", "exhibit manifest"))
    f = case.facts
    info = DocInfo(
        title=f"退款纠纷证据包 / Refund dispute dossier {case.case_id}",
        author=f.agent or f.seller, subject=f"{f.platform} order {f.order_id} refund {f.refund_id}",
        keywords=f"disputekit, {case.case_id}, {f.order_id}, {f.refund_id}",
        creator=f"disputekit {__version__}")
    target = stage / "dossier.pdf"
    write_pdfa(dossier, target, attachments, info, now)
    from disputekit.archive.verify import dossier_problems

    problems = dossier_problems(target, expected=embedded, pdfa_check=False)
    if problems:
        raise VerificationFailed("归档卷宗复核失败：" + "; ".join(problems),
                                 "The archive dossier failed its check: " + "; ".join(problems))
    digest, size = sha256_file(target)
    return {"dossier.pdf": {"sha256": digest, "size": size}}


def _page_record(dossier: Path) -> dict[str, Any]:
    import pikepdf

    from disputekit.assemble.pdf.page_digests import page_record

    with pikepdf.open(dossier) as pdf:
        return page_record(pdf)


def _approval(case: Case) -> dict[str, Any] | None:
    """The last approval, and whether it was still fresh when sealed."""
    approvals = [d for d in decisions(case) if d.action == "approve"]
    if not approvals:
        return None
    last = approvals[-1]
    state = state_of(case)
    return {**last.to_json(), "fresh": last.state_hash == state_hash(case),
            "review_state": state.value if state else None}


def _manifest(case: Case, number: int, previous: dict[str, Any] | None,
              files: dict[str, dict[str, Any]], record: dict[str, Any],
              profile: tuple[str, str]) -> dict[str, Any]:
    return {
        "format": ARCHIVE_FORMAT, "case_id": case.case_id, "version": number,
        "previous": previous, "state_hash": state_hash(case),
        "archived_at": record["recorded_at"], "archived_by": record["recorded_by"],
        "tool_version": __version__, "profile": {"id": profile[0], "version": profile[1]},
        "outcome": record, "approval": _approval(case), "case": case.facts.model_dump(mode="json"),
        "exhibits": [{"id": i.id, "sha256": i.sha256, "size": i.size, "name": i.name,
                      "kind": i.kind, "object": object_rel(i.sha256),
                      "attachment": attachment_name(i.id, i.name)} for i in case.evidence.items],
        "files": dict(sorted(files.items())),
    }


def _make_writable(path: Path) -> None:
    """Writable again so it can be removed; links are never followed (os.walk does not
    descend into them, ``chmod_nofollow`` leaves them alone)."""
    for current, _dirs, files in os.walk(path):
        chmod_nofollow(Path(current), 0o755)
        for name in files:
            with contextlib.suppress(OSError):
                chmod_nofollow(Path(current, name), 0o644)


def _publish(stage: Path, target: Path) -> None:
    """Read-only files and folders, then one rename into place (never over an existing one)."""
    for current, dirs, files in os.walk(stage, topdown=False):
        for name in files:
            chmod_nofollow(Path(current, name), 0o444)
        for name in dirs:
            chmod_nofollow(Path(current, name), 0o555)
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        raise CaseError(f"{target} 已存在，不会覆盖。", f"{target} exists; it is never overwritten.")
    os.rename(stage, target)
    os.chmod(target, 0o555)
    fsync_dir(target.parent)


def _index(root: Path, result: ArchiveResult) -> None:
    from disputekit.archive.index import record_version

    try:
        record_version(root, result.path)
    except (DisputekitError, sqlite3.Error, OSError) as exc:  # derived: never undo the seal
        log.warning("index not updated (%s); run `disputekit reindex %s`", exc, root)
