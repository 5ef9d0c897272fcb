"""The dossier a lead approved, bound into the audit log, and the checks ``verify`` runs on
dossier PDFs.

A lone dossier PDF can prove only that its pages and attachments agree with the manifest.json
embedded in it (``assemble/pdf/page_digests.py``): whoever edits the PDF can rewrite that
manifest too. So ``approve`` records, in its audit entry (``details.dossier``), what it
approved: the file's SHA-256, the embedded manifest's SHA-256, the page count and the root of
the page digests, the build's ``generated_at`` and ``state_hash``. The audit log is
hash-chained (and timestamped when the shop has a TSA), so ``verify CASE`` and ``verify
CASE/out/dossier.pdf`` can tell a rewritten manifest from the one the lead approved.

With ``--sign-key`` the approval also signs the dossier (``signature.py``); the signed file is
kept as ``.disputekit/reviews/<sha256>.pdf`` (read-only, named by its hash, like the review
snapshots) before the audit entry is written, then copied to ``out/dossier.pdf``. A later
``build`` replaces ``out/dossier.pdf``; the kept copy is what the archive seals.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from disputekit.case import Case, CasePaths
from disputekit.errors import InputFileError
from disputekit.review.signature import (
    LoadedKey,
    SignatureCheck,
    check_signatures,
    sign_dossier,
    sign_roots,
)
from disputekit.review.snapshots import REVIEWS_DIR
from disputekit.store.atomic import atomic_write_bytes

DOSSIER = "dossier.pdf"
MANIFEST_NAME = "manifest.json"

Pair = tuple[str, str]  # (zh, en)


@dataclass(frozen=True)
class DossierRead:
    """A dossier PDF as read back: its embedded manifest and the page digests recomputed."""

    sha256: str
    manifest: dict[str, Any] | None
    manifest_sha256: str | None
    pages: list[str]
    title: str
    error: str | None = None

    @property
    def page_root(self) -> str:
        from disputekit.assemble.pdf.page_digests import root_of

        return root_of(self.pages)

    @property
    def draft(self) -> bool:
        return self.title.rstrip().endswith("DRAFT")

    def page_problems(self) -> list[Pair]:
        from disputekit.assemble.pdf.page_digests import page_problems

        if self.manifest is None:
            return []
        return page_problems(self.manifest.get("pages"), self.pages)


def read_dossier(path: Path) -> DossierRead:
    import pikepdf

    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        with pikepdf.open(path) as pdf:
            from disputekit.assemble.pdf.page_digests import page_digests

            raw = None
            if MANIFEST_NAME in pdf.attachments:
                raw = bytes(pdf.attachments[MANIFEST_NAME].get_file().read_bytes())
            title = str(pdf.docinfo.get("/Title", ""))
            pages = page_digests(pdf)
    except (pikepdf.PdfError, pikepdf.DataDecodingError, OSError, ValueError) as exc:
        return DossierRead(digest, None, None, [], "", error=str(exc))
    manifest = None
    if raw is not None:
        try:
            loaded = json.loads(raw)
            manifest = loaded if isinstance(loaded, dict) else None
        except ValueError:
            manifest = None
    return DossierRead(digest, manifest, hashlib.sha256(raw).hexdigest() if raw else None,
                       pages, title)


# --------------------------------------------------------------------------- approving


def kept_path(paths: CasePaths, sha256: str) -> Path:
    return paths.meta / REVIEWS_DIR / f"{sha256}.pdf"


@dataclass
class Approved:
    """What ``approve`` records about ``out/dossier.pdf`` and, when signing, the signed bytes."""

    record: dict[str, Any]
    signed: bytes | None = None
    target: Path = field(default_factory=Path)

    def keep(self, paths: CasePaths) -> None:
        """Before the audit entry: the signed file, kept under its hash."""
        if self.signed is not None:
            kept = kept_path(paths, self.record["sha256"])
            if not kept.is_file():
                atomic_write_bytes(kept, self.signed, mode=0o444)

    def publish(self) -> None:
        """After the audit entry: the signed file becomes ``out/dossier.pdf``."""
        if self.signed is not None:
            atomic_write_bytes(self.target, self.signed)


def _unusable(path: Path, zh: str, en: str) -> InputFileError:
    return InputFileError(
        f"不能签名 {path}：{zh}。未作任何记录。", f"Cannot sign {path}: {en}. Nothing was recorded.",
        fix_zh="先运行 disputekit build CASE 生成正式证据包，查看后再批准并签名。",
        fix_en="Run `disputekit build CASE` for a final dossier, read it, then approve and sign.")


def approved_dossier(case: Case, state: str, key: LoadedKey | None,
                     reason: str) -> Approved | None:
    """The record of ``out/dossier.pdf`` when it is a final build of the state approved (None
    otherwise: nothing to bind); signed with ``key`` when given (then it must be one)."""
    path = case.paths.out / DOSSIER
    if not path.is_file():
        if key is not None:
            raise _unusable(path, "文件不存在", "there is no such file")
        return None
    read = read_dossier(path)
    why: Pair | None = None
    if read.error or read.manifest is None:
        why = ("它无法读取或没有嵌入清单", "it cannot be read or has no embedded manifest")
    elif read.manifest.get("state_hash") != state:
        why = ("它是在案件最近一次改动之前生成的", "it was built before the case last changed")
    elif read.draft:
        why = ("它是草稿", "it is a draft")
    elif problems := read.page_problems():
        why = ("它的页面与嵌入清单不符：" + "；".join(p[0] for p in problems),
               "its pages differ from its embedded manifest: " + "; ".join(p[1] for p in problems))
    if why is not None:
        if key is not None:
            raise _unusable(path, *why)
        return None
    assert read.manifest is not None
    record: dict[str, Any] = {
        "file": f"out/{DOSSIER}", "sha256": read.sha256, "manifest_sha256": read.manifest_sha256,
        "generated_at": read.manifest.get("generated_at"), "state_hash": state,
        "pages": len(read.pages), "page_root": read.page_root,
    }
    if key is None:
        return Approved(record, None, path)
    signed, level = sign_dossier(path, key, case.paths.root, reason)
    record["sha256"] = hashlib.sha256(signed).hexdigest()
    record["unsigned_sha256"] = read.sha256
    record["signature"] = {"signer_sha256": key.cert_sha256, "signer_subject": key.subject,
                           "level": level}
    return Approved(record, signed, path)


# --------------------------------------------------------------------------- verifying


@dataclass
class Findings:
    """(where, zh, en) problems and warnings for ``verify``."""

    problems: list[tuple[str, str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, where: str, pair: Pair) -> None:
        self.problems.append((where, *pair))

    def warn(self, where: str, pair: Pair) -> None:
        self.warnings.append((where, *pair))


def last_record(entries: list[dict[str, Any]]) -> tuple[int, dict[str, Any]] | None:
    """(seq, details.dossier) of the last approval that recorded a dossier."""
    for entry in reversed(entries):
        if entry.get("action") == "approve":
            rec = (entry.get("details") or {}).get("dossier")
            if isinstance(rec, dict):
                return int(entry.get("seq", 0)), rec
            return None
    return None


def file_findings(path: Path, where: str, found: Findings,
                  roots_from: Path | None = None) -> tuple[DossierRead, SignatureCheck | None]:
    """A dossier on its own: pages against its embedded manifest, and its signatures."""
    read = read_dossier(path)
    if read.error:
        found.add(where, (f"无法作为 PDF 读取（{read.error}）", f"cannot be read as a PDF "
                                                               f"({read.error})"))
        return read, None
    if read.manifest is not None:
        if "pages" in read.manifest:
            for pair in read.page_problems():
                found.add(where, pair)
        else:
            found.warn(where, ("嵌入清单没有页面摘要（旧版本生成的证据包，或清单被改写），"
                               "无法检查页面", "the embedded manifest records no page digests "
                               "(an older build, or a rewritten manifest); pages not checked"))
    sig = check_signatures(path, sign_roots(roots_from or path.parent))
    for pair in sig.problems:
        found.add(where, pair)
    for pair in sig.warnings:
        found.warn(where, pair)
    return read, sig


def bound_findings(read: DossierRead, where: str, seq: int, rec: dict[str, Any],
                   found: Findings) -> None:
    """A dossier of the case against what the last approval (audit entry ``seq``) recorded."""
    if read.error or read.manifest is None:
        return
    if read.sha256 in (rec.get("sha256"), rec.get("unsigned_sha256")):
        if read.sha256 != rec.get("sha256"):
            found.warn(where, (f"这是第 {seq} 条审计记录批准的证据包，但没有组长签名（签名版保存在 "
                               ".disputekit/reviews/）",
                               f"this is the dossier approved at audit entry {seq}, without the "
                               "lead's signature (the signed copy is kept in .disputekit/reviews/)"))
        return
    claims = (read.manifest.get("generated_at"), read.manifest.get("state_hash")) == \
        (rec.get("generated_at"), rec.get("state_hash"))
    if not claims:
        return  # a later build: approvals bind the build they saw, not every rebuild
    if read.page_root != rec.get("page_root") or len(read.pages) != rec.get("pages"):
        found.add(where, (f"自称是第 {seq} 条审计记录批准的证据包，但页面与批准时不同"
                          f"（页面根摘要 {str(rec.get('page_root'))[:16]}…，现为 "
                          f"{read.page_root[:16]}…）",
                          f"claims to be the dossier approved at audit entry {seq}, but its "
                          f"pages differ from what was approved (page root "
                          f"{str(rec.get('page_root'))[:16]}…, now {read.page_root[:16]}…)"))
    elif read.manifest_sha256 != rec.get("manifest_sha256"):
        found.add(where, (f"嵌入清单与第 {seq} 条审计记录批准时不同（清单被改写）",
                          f"its embedded manifest differs from the one approved at audit entry "
                          f"{seq} (the manifest was rewritten)"))
    elif rec.get("signature"):
        found.warn(where, (f"这是第 {seq} 条审计记录批准的证据包，但没有组长签名",
                           f"this is the dossier approved at audit entry {seq}, without the "
                           "lead's signature"))


def kept_findings(paths: CasePaths, seq: int, rec: dict[str, Any], found: Findings) -> None:
    """The signed copy an approval kept: present, its hash, its signature, its signer."""
    sig = rec.get("signature")
    if not isinstance(sig, dict):
        return
    kept = kept_path(paths, str(rec.get("sha256")))
    where = kept.relative_to(paths.root).as_posix()
    if not kept.is_file():
        found.add(where, (f"第 {seq} 条审计记录签名的证据包不见了", f"the dossier signed at audit "
                                                                  f"entry {seq} is missing"))
        return
    read, check = file_findings(kept, where, found, roots_from=paths.root)
    if read.sha256 != rec.get("sha256"):
        found.add(where, ("内容与文件名（SHA-256）不符", "content differs from its name (SHA-256)"))
    if check is None or not check.signed:
        found.add(where, ("没有 PDF 签名", "carries no PDF signature"))
    elif check.signer_sha256 != sig.get("signer_sha256"):
        found.add(where, (f"签名人证书与第 {seq} 条审计记录不符",
                          f"the signer's certificate differs from audit entry {seq}"))


def case_findings(paths: CasePaths, entries: list[dict[str, Any]]) -> Findings:
    """``verify CASE``: out/dossier.pdf on its own and against the last approval; the signed
    copy the last approval kept."""
    found = Findings()
    last = last_record(entries)
    out = paths.out / DOSSIER
    if out.is_file():
        read, _ = file_findings(out, f"out/{DOSSIER}", found, roots_from=paths.root)
        if last is not None:
            bound_findings(read, f"out/{DOSSIER}", last[0], last[1], found)
    if last is not None:
        kept_findings(paths, last[0], last[1], found)
    return found
