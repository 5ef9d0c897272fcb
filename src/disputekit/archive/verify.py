"""Verify stage: prove nothing changed. Works on a sealed version, an archived case (all its
versions and their links), a whole archive, a case folder, or a lone dossier PDF.

Every file is hashed in 1 MiB chunks (``hashing.sha256_file``), several files at a time
(``hashlib`` releases the GIL, so threads use every core). Each problem names the file and what
differs; an empty problem list means intact.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from disputekit.archive.index_check import check_index
from disputekit.archive.paths import (
    INDEX_FILE,
    LOCK_FILE,
    MANIFEST,
    MANIFEST_TOKEN,
    MARKER,
    STAGING,
    all_versions,
    is_archive,
    linked_entries,
    not_an_archive,
    versions,
)
from disputekit.archive.record import read_manifest
from disputekit.case import CASE_FILE, CasePaths, load_case_file, load_evidence
from disputekit.collect.case_integrity import check_integrity
from disputekit.errors import DisputekitError, InputFileError
from disputekit.store.atomic import TEMP_PREFIX
from disputekit.store.audit import AuditLog
from disputekit.store.hashing import sha256_file

if TYPE_CHECKING:
    from disputekit.review.approved_dossier import Findings

Kind = Literal["sealed", "archived-case", "archive", "case", "dossier"]
JOBS = max(1, min(8, os.cpu_count() or 1))


@dataclass(frozen=True)
class VerifyOptions:
    """``attachments``: check a sealed dossier's attachments against the manifest (decodes
    every attachment); ``deep``: also validate PDF/A-3b; ``jobs``: files hashed at once."""

    attachments: bool = True
    deep: bool = False
    jobs: int = JOBS
    against: Path | None = None
    """A case folder: also check it against every version of it sealed in this archive."""


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    zh: str | None = None
    """The Chinese message, where the check says it in both languages."""

    def __str__(self) -> str:
        from disputekit.i18n import pick

        return f"{self.path}: {pick(self.zh, self.message) if self.zh else self.message}"

    def to_json(self) -> dict[str, Any]:
        out = {"path": self.path, "problem": self.message, "message": self.message}
        return {**out, "problem_zh": self.zh} if self.zh else out


@dataclass
class VerifyReport:
    target: Path
    kind: Kind
    files: int = 0
    bytes: int = 0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """Not failures: what an older case never recorded (facts not anchored, no log head)."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, path: str, message: str, zh: str | None = None) -> None:
        self.problems.append(Problem(path, message, zh))

    def warn(self, path: str, message: str, zh: str | None = None) -> None:
        self.warnings.append(Problem(path, message, zh))

    def take(self, found: Findings, prefix: str = "") -> None:
        """Bilingual findings of the dossier checks (``review/approved_dossier.py``)."""
        for where, zh, en in found.problems:
            self.add(prefix + where, en, zh)
        for where, zh, en in found.warnings:
            self.warn(prefix + where, en, zh)

    def to_json(self) -> dict[str, Any]:
        return {"target": str(self.target), "kind": self.kind, "ok": self.ok,
                "files": self.files, "bytes": self.bytes,
                # "problem" is the documented key (docs/json.md); "message" is kept for scripts
                "problems": [p.to_json() for p in self.problems],
                "warnings": [p.to_json() for p in self.warnings]}


def verify_path(path: Path, options: VerifyOptions | None = None) -> VerifyReport:
    """Dispatch on what ``path`` is; raise InputFileError when it is none of the known kinds."""
    opts = options or VerifyOptions()
    if path.is_file():
        return verify_dossier(path)
    if (path / MANIFEST).is_file():
        return _run(path, "sealed", lambda r: verify_sealed(path, r, "", opts))
    if versions(path):
        return _run(path, "archived-case", lambda r: verify_archived_case(path, r, "", opts))
    if is_archive(path):
        return _run(path, "archive", lambda r: verify_archive(path, r, opts))
    if (path / CASE_FILE).is_file():
        return _run(path, "case", lambda r: verify_case_folder(path, r, opts.jobs, opts.against))
    raise InputFileError(
        f"{path} 既不是归档、归档案件、案件文件夹，也不是卷宗 PDF。",
        f"{path} is not an archive, an archived case, a case folder or a dossier PDF.",
        fix_zh="请指定 ARCHIVE/年/月/案件号（或其中的 vN）、案件文件夹或 dossier.pdf。",
        fix_en="Give ARCHIVE/YYYY/MM/CASE-ID (or a vN inside it), a case folder or a dossier.pdf.",
    )


def _run(path: Path, kind: Kind, body: Any) -> VerifyReport:
    report = VerifyReport(path, kind)
    body(report)
    return report


# --------------------------------------------------------------------------- hashing


def hash_files(paths: Iterable[Path], jobs: int = JOBS) -> dict[Path, tuple[str, int] | OSError]:
    """sha256 and size of each file, ``jobs`` at a time; an OSError where it cannot be read."""
    def one(p: Path) -> tuple[str, int] | OSError:
        try:
            return sha256_file(p)
        except OSError as exc:
            return exc

    todo = list(paths)
    if jobs <= 1 or len(todo) < 2:
        return {p: one(p) for p in todo}
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(todo, pool.map(one, todo), strict=True))


def _compare(report: VerifyReport, prefix: str, expected: dict[str, dict[str, Any]],
             actual: dict[Path, tuple[str, int] | OSError], root: Path) -> None:
    for rel, want in sorted(expected.items()):
        got = actual.get(root / rel)
        where = prefix + rel
        if got is None or isinstance(got, FileNotFoundError):
            report.add(where, "missing")
        elif isinstance(got, OSError):
            report.add(where, f"cannot be read ({got.strerror or got})")
        else:
            report.files += 1
            report.bytes += got[1]
            if got[1] != want.get("size"):
                report.add(where, f"size differs (sealed {want.get('size')} bytes, now {got[1]})")
            elif got[0] != want.get("sha256"):
                report.add(where, f"content differs (sha256 sealed {want.get('sha256')}, "
                                  f"now {got[0]})")


# --------------------------------------------------------------------------- sealed versions


def _walk_files(root: Path) -> list[str]:
    out = []
    for current, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            out.append(Path(current, name).relative_to(root).as_posix())
    return sorted(out)


def verify_sealed(root: Path, report: VerifyReport, prefix: str = "",
                  opts: VerifyOptions = VerifyOptions()) -> dict[str, Any] | None:
    """One ``vN`` folder: manifest seal, every file's hash, audit chain, dossier attachments."""
    read = read_manifest(root / MANIFEST)
    for problem in read.problems:
        report.add(prefix + MANIFEST, problem)
    manifest = read.data
    if manifest is None or not isinstance(manifest.get("files"), dict):
        return None
    files: dict[str, dict[str, Any]] = manifest["files"]
    on_disk = set(_walk_files(root)) - {MANIFEST, MANIFEST_TOKEN}
    _check_manifest_token(root, report, prefix)
    for extra in sorted(on_disk - set(files)):
        report.add(prefix + extra, "not in the manifest (added after sealing)")
    actual = hash_files([root / rel for rel in files if (root / rel).is_file()], opts.jobs)
    _compare(report, prefix, files, actual, root)
    _check_contents(root, manifest, report, prefix, opts)
    return manifest


def _check_manifest_token(root: Path, report: VerifyReport, prefix: str) -> None:
    """The version's timestamp must stamp this manifest (trusted roots: the shop's, if set)."""
    token = root / MANIFEST_TOKEN
    if not token.is_file():
        return
    from disputekit.store.timestamps import check_token, tsa_settings

    digest = hashlib.sha256((root / MANIFEST).read_bytes()).digest()
    tsa = tsa_settings(root)
    for problem in check_token(token.read_bytes(), digest, tsa.roots if tsa else None).problems:
        report.add(prefix + MANIFEST_TOKEN, problem)


def _intact(report: VerifyReport, prefix: str, rel: str) -> bool:
    return not any(p.path == prefix + rel for p in report.problems)


def _check_contents(root: Path, manifest: dict[str, Any], report: VerifyReport, prefix: str,
                    opts: VerifyOptions) -> None:
    """Cross-checks that hold even if the manifest itself were rewritten consistently."""
    if (root / "audit.jsonl").is_file():
        for p in AuditLog(root / "audit.jsonl").verify():
            report.add(prefix + "audit.jsonl", f"line {p.line}: {p.problem}")
    for exhibit in manifest.get("exhibits", []):
        rel = exhibit.get("object", "")
        if rel and rel not in manifest["files"]:
            report.add(prefix + rel, f"{exhibit.get('id')}'s original is not in the file list")
    outcome = _json(root / "outcome.json")
    if outcome is not None and outcome != manifest.get("outcome"):
        report.add(prefix + "outcome.json", "differs from the outcome in the manifest")
    dossier = root / "dossier.pdf"
    if opts.attachments and dossier.is_file() and _intact(report, prefix, "dossier.pdf"):
        expected = archive_attachments(manifest)
        for problem in dossier_problems(dossier, expected=expected, pdfa_check=opts.deep):
            report.add(prefix + "dossier.pdf", problem)
        from disputekit.review.approved_dossier import Findings, file_findings

        found = Findings()
        file_findings(dossier, "dossier.pdf", found, roots_from=root)  # its pages
        report.take(found, prefix)
    _check_signed(root, manifest, report, prefix)


def _check_signed(root: Path, manifest: dict[str, Any], report: VerifyReport,
                  prefix: str) -> None:
    """The dossier the lead signed, kept as sealed: its signature, pages, and the sealed
    audit log's approval that names it."""
    from disputekit.archive.seal import SIGNED_DOSSIER
    from disputekit.review.approved_dossier import Findings, file_findings, last_record

    if SIGNED_DOSSIER not in manifest["files"] or not (root / SIGNED_DOSSIER).is_file():
        return
    found = Findings()
    read, check = file_findings(root / SIGNED_DOSSIER, SIGNED_DOSSIER, found)
    try:
        last = last_record(AuditLog(root / "audit.jsonl").entries())
    except DisputekitError:
        last = None
    rec = last[1] if last else {}
    if read.sha256 != rec.get("sha256"):
        report.add(prefix + SIGNED_DOSSIER, "is not the dossier the sealed audit log's last "
                   "approval signed", "不是归档审计日志中最后一次批准所签名的证据包")
    elif check is not None and check.signer_sha256 != (rec.get("signature") or {}).get(
            "signer_sha256"):
        report.add(prefix + SIGNED_DOSSIER, "its signer differs from the sealed audit log",
                   "签名人与归档审计日志不符")
    report.take(found, prefix)


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def verify_archived_case(folder: Path, report: VerifyReport, prefix: str = "",
                         opts: VerifyOptions = VerifyOptions()) -> None:
    """Every version, and each version's link to the one before (by manifest hash)."""
    previous_sha: str | None = None
    for number, path in versions(folder):
        manifest = verify_sealed(path, report, f"{prefix}v{number}/", opts)
        if manifest is None:
            previous_sha = None
            continue
        link = manifest.get("previous")
        if number > 1 and previous_sha is not None and (link or {}).get("manifest_sha256") \
                != previous_sha:
            report.add(f"{prefix}v{number}/{MANIFEST}",
                       f"link to v{number - 1} broken (v{number - 1}'s manifest changed)")
        previous_sha = read_manifest(path / MANIFEST).sha256


def verify_archive(root: Path, report: VerifyReport,
                   opts: VerifyOptions = VerifyOptions()) -> None:
    seen: set[Path] = set()
    for version in all_versions(root):
        if version.parent in seen:
            continue
        seen.add(version.parent)
        verify_archived_case(version.parent, report,
                             version.parent.relative_to(root).as_posix() + "/", opts)
    check_index(root, report)
    for link in linked_entries(root):
        report.add(link.relative_to(root).as_posix(), "a symbolic link (never followed)")
    # the index is derived; SQLite's own journal files next to it are not archive content
    known = {MARKER, INDEX_FILE, LOCK_FILE, STAGING, "stats.png",
             f"{INDEX_FILE}-journal", f"{INDEX_FILE}-wal", f"{INDEX_FILE}-shm"}
    for child in sorted(root.iterdir()):
        if child.name not in known and not (child.is_dir() and child.name.isdigit()):
            report.add(child.name, "unexpected entry in the archive")


# --------------------------------------------------------------------------- case folders


def verify_case_folder(root: Path, report: VerifyReport, jobs: int = JOBS,
                       against: Path | None = None) -> None:
    """case.toml and evidence.json parse; every object hashes to its name; the case is its
    audit log's replay; the log still begins with what each archived version sealed."""
    paths = CasePaths(root)
    for loader, path in ((load_case_file, paths.case_toml), (load_evidence, paths.evidence)):
        try:
            loader(path)
        except (DisputekitError, ValueError) as exc:
            message = exc.message("en") if isinstance(exc, DisputekitError) else str(exc)
            report.add(path.relative_to(root).as_posix(), message.splitlines()[0])
    objects = [p for p in paths.objects.glob("??/*")
               if p.is_file() and not p.name.startswith(TEMP_PREFIX)]
    actual = hash_files(objects, jobs)
    for path, got in sorted(actual.items()):
        rel = path.relative_to(root).as_posix()
        if isinstance(got, OSError):
            report.add(rel, f"cannot be read ({got.strerror or got})")
            continue
        report.files += 1
        report.bytes += got[1]
        if got[0] != path.parent.name + path.name:
            report.add(rel, f"content differs from its name (sha256 now {got[0]})")
    _check_references(paths, root, report)
    found = check_integrity(paths)
    for problem in found.problems:
        where, _, what = problem.partition(": ")
        report.add(where, what)
    for orphan in found.orphans:
        report.add(orphan, "no exhibit references this object (left by an interrupted add, "
                           "or planted)")
    _check_archived(paths, report, found.warnings, against)
    for warning in found.warnings:
        where, _, what = warning.partition(": ")
        report.warn(where, what)
    _check_snapshots(paths, root, report)
    _check_dossiers(paths, report)


def _check_dossiers(paths: CasePaths, report: VerifyReport) -> None:
    """out/dossier.pdf (pages, signature) and what the last approval recorded of it."""
    from disputekit.review.approved_dossier import case_findings

    try:
        entries = AuditLog(paths.audit).entries()
    except DisputekitError:
        entries = []  # reported above
    report.take(case_findings(paths, entries))


def _check_archived(paths: CasePaths, report: VerifyReport, warnings: list[str],
                    against: Path | None) -> None:
    """The archive as an anchor outside the case (``archive/case_anchor.py``)."""
    from disputekit.archive.case_anchor import against_archive_problems, logged_version_problems

    try:
        entries = AuditLog(paths.audit).entries()
        case_id = load_case_file(paths.case_toml).case_id
    except DisputekitError:
        return  # reported above
    problems, more = logged_version_problems(entries)
    warnings += more
    if against is not None:
        if not is_archive(against):
            raise not_an_archive(against)
        problems += [p for p in against_archive_problems(entries, against, case_id)
                     if p not in problems]
    for problem in problems:
        where, _, what = problem.partition(": ")
        report.add(where, what)


def _check_references(paths: CasePaths, root: Path, report: VerifyReport) -> None:
    try:
        evidence = load_evidence(paths.evidence)
    except DisputekitError:
        return
    for item in evidence.items:
        obj = paths.objects / item.sha256[:2] / item.sha256[2:]
        if not obj.is_file():
            report.add(obj.relative_to(root).as_posix(), f"{item.id}'s original is missing")
        elif obj.stat().st_size != item.size:
            report.add(obj.relative_to(root).as_posix(),
                       f"{item.id}: size {obj.stat().st_size}, evidence.json says {item.size}")


def _check_snapshots(paths: CasePaths, root: Path, report: VerifyReport) -> None:
    for snap in sorted((paths.meta / "reviews").glob("*.json")):
        digest, _ = sha256_file(snap)
        if digest != snap.stem:
            report.add(snap.relative_to(root).as_posix(), "review snapshot changed")


# --------------------------------------------------------------------------- dossier PDFs


def verify_dossier(path: Path) -> VerifyReport:
    """A lone dossier: its attachments and pages against its embedded manifest.json, its PDF
    signatures, and PDF/A-3b when it claims it. Inside a case's ``out/`` it is also checked
    against what the case's last approval recorded (the embedded manifest can be rewritten by
    whoever edits the PDF; the audit log holds the approved one's hashes)."""
    from disputekit.review.approved_dossier import Findings, bound_findings, file_findings

    report = VerifyReport(path, "dossier", files=1, bytes=path.stat().st_size)
    for problem in dossier_problems(path, pdfa_check=True):
        report.add(path.name, problem)
    found = Findings()
    read, _ = file_findings(path, path.name, found)
    case_root = path.resolve().parent.parent
    if path.resolve().parent.name == "out" and (case_root / CASE_FILE).is_file():
        from disputekit.review.approved_dossier import last_record

        try:
            last = last_record(AuditLog(CasePaths(case_root).audit).entries())
        except DisputekitError:
            last = None
        if last is not None:
            bound_findings(read, path.name, last[0], last[1], found)
    report.take(found)
    return report


def dossier_problems(path: Path, *, expected: dict[str, Any] | None = None,
                     pdfa_check: bool = False) -> list[str]:
    """Attachments against ``expected`` (default: the embedded manifest.json) — by name where
    it lists names, else by hash — and optionally PDF/A-3b validity."""
    from disputekit.archive.pdfa import MANIFEST_NAME, read_embedded, validate

    try:
        embedded = read_embedded(path)
    except ValueError as exc:
        return [f"cannot be read as a PDF ({exc})"]
    if expected is None:
        expected = _parse(embedded.manifest)
        if expected is None:
            return [f"has no readable embedded {MANIFEST_NAME}"]
    problems = _attachment_problems(embedded.files, expected) + _active(path)
    if pdfa_check and embedded.claims_pdfa:
        problems += [f"PDF/A-3b: {f}" for f in validate(path)]
    return problems


def _active(path: Path) -> list[str]:
    """Active content anywhere in the file (``assemble/pdf/active_scan.py``)."""
    import pikepdf

    from disputekit.assemble.pdf.active_scan import active_problems

    try:
        with pikepdf.open(path) as pdf:
            allowed = _signature_form(pdf)
            return [p for p in active_problems(pdf) if p != allowed]
    except pikepdf.PdfError as exc:
        return [f"cannot be read as a PDF ({exc})"]


def _signature_form(pdf: Any) -> str | None:
    """The catalog's /AcroForm finding, when that form holds only signature fields (what a
    PDF signature adds: ``review/signature.py``) and no actions; else None."""
    import pikepdf

    form = pdf.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary) or "/XFA" in form or "/AA" in form:
        return None
    fields = form.get("/Fields")
    if not isinstance(fields, pikepdf.Array) or not all(
            isinstance(f, pikepdf.Dictionary) and f.get("/FT") == "/Sig"
            and "/AA" not in f and "/A" not in f and "/Kids" not in f for f in fields):
        return None
    return f"active content: obj {pdf.Root.objgen[0]}: /AcroForm"


def _parse(data: bytes | None) -> dict[str, Any] | None:
    if data is None:
        return None
    try:
        loaded = json.loads(data)
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None


def _attachment_problems(found: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    by_name = expected.get("attachments")
    if not isinstance(by_name, dict):  # a `build` dossier: exhibits listed, maybe not all attached
        hashes = {e.sha256 for e in found.values()}
        chosen = expected.get("attached")
        return [f"{e.get('id')} ({e.get('name')}) is not attached with the manifest's sha256"
                for e in expected.get("exhibits", [])
                if (chosen is None or e.get("id") in chosen) and e.get("sha256") not in hashes]
    problems = []
    for name, want in sorted(by_name.items()):
        got = found.get(name)
        if got is None:
            problems.append(f"attachment {name} ({want.get('exhibit')}) is missing")
        elif (got.sha256, got.size) != (want.get("sha256"), want.get("size")):
            problems.append(f"attachment {name} ({want.get('exhibit')}) differs from the "
                            f"manifest (sha256 {got.sha256}, expected {want.get('sha256')})")
    for name in sorted(set(found) - set(by_name) - {"manifest.json"}):
        problems.append(f"attachment {name} is not in the manifest")
    return problems


def archive_attachments(manifest: dict[str, Any]) -> dict[str, Any]:
    """What a sealed dossier must carry, from the archive manifest's exhibits."""
    return {"attachments": {e["attachment"]: {"exhibit": e["id"], "sha256": e["sha256"],
                                              "size": e["size"]}
                            for e in manifest.get("exhibits", []) if "attachment" in e}}
