"""The archive dossier as PDF/A-3b: originals attached as associated files, validated.

Uses ``pikepdf.pdfa`` (``pip install "pikepdf[pdfa]"``, the ``archive`` extra). Steps: drop
the empty ``/Trans`` reportlab writes on each page and any attachments the builder made,
attach every original (``/AFRelationship /Source``) and the embedded manifest (``/Data``) with
``/UF`` names, set the document information, let ``pdfa.prepare`` install the sRGB output
intent (the ICC profile shipped with pikepdf) and the XMP declaration ``pdfaid:part=3``,
``conformance=B``, pin the XMP dates to the archive time, then ``pdfa.save`` writes the file
only if the written bytes validate. Two runs on the same input give the same bytes.
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from disputekit.errors import InputFileError, UsageError, VerificationFailed

FLAVOUR = "3b"
MANIFEST_NAME = "manifest.json"
EXTRA_MIME = {".heic": "image/heic", ".heif": "image/heif", ".jsonl": "application/jsonl"}


def _missing(exc: ImportError) -> UsageError:
    return UsageError(
        f"归档和校验需要 PDF/A 组件（pikepdf[pdfa]）：{exc}",
        f"Archiving and verifying need the PDF/A components (pikepdf[pdfa]): {exc}",
        fix_zh="pikepdf[pdfa] 是 disputekit 的依赖，请重新安装：pip install --force-reinstall disputekit",
        fix_en="pikepdf[pdfa] is a dependency of disputekit; reinstall it: pip install --force-reinstall disputekit",
    )


def load_pikepdf() -> ModuleType:
    try:
        import pikepdf
    except ImportError as exc:
        raise _missing(exc) from None
    return pikepdf


def load_pdfa() -> ModuleType:
    """``pikepdf.pdfa``, or a clear error naming the extra to install."""
    try:
        from pikepdf import pdfa
    except ImportError as exc:
        raise _missing(exc) from None
    return pdfa


@dataclass(frozen=True)
class Attachment:
    name: str
    path: Path
    relationship: str  # Source (an original), Data (the manifest), Supplement
    description: str

    @property
    def mime(self) -> str:
        suffix = Path(self.name).suffix.lower()
        guessed = mimetypes.guess_type(self.name)[0]
        return EXTRA_MIME.get(suffix) or guessed or "application/octet-stream"


@dataclass(frozen=True)
class DocInfo:
    title: str
    author: str
    subject: str
    keywords: str
    creator: str


def pdf_date(moment: datetime) -> str:
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def _strip(pdf: Any) -> None:
    import pikepdf

    for page in pdf.pages:
        trans = page.obj.get("/Trans")
        if isinstance(trans, pikepdf.Dictionary) and len(trans.keys()) == 0:
            del page.obj["/Trans"]
    names = pdf.Root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names:
        del names["/EmbeddedFiles"]
    if "/AF" in pdf.Root:
        del pdf.Root["/AF"]


def _attach(pdf: Any, items: list[Attachment]) -> None:
    import pikepdf

    for item in items:
        spec = pikepdf.AttachedFileSpec(
            pdf, item.path.read_bytes(), filename=item.name, mime_type=item.mime,
            description=item.description, relationship=pikepdf.Name("/" + item.relationship),
        )
        pdf.attachments[item.name] = spec


def _set_info(pdf: Any, info: DocInfo, moment: datetime) -> None:
    import pikepdf

    when = pdf_date(moment)
    for key, value in (("/Title", info.title), ("/Author", info.author),
                       ("/Subject", info.subject), ("/Keywords", info.keywords),
                       ("/Creator", info.creator), ("/CreationDate", when), ("/ModDate", when)):
        pdf.docinfo[pikepdf.Name(key)] = value


def write_pdfa(source: Path, dest: Path, attachments: list[Attachment], info: DocInfo,
               moment: datetime) -> None:
    """Write ``dest`` as validated PDF/A-3b, or raise VerificationFailed and write nothing."""
    pdfa = load_pdfa()
    pikepdf = load_pikepdf()
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PdfError as exc:
        raise InputFileError(f"卷宗 PDF 无法打开：{exc}", f"The dossier PDF cannot be opened: {exc}",
                             ) from None
    with pdf:
        _strip(pdf)
        _attach(pdf, attachments)
        _set_info(pdf, info, moment)
        pdfa.prepare(pdf, FLAVOUR)
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["xmp:MetadataDate"] = moment.isoformat()
            meta["dc:description"] = info.subject
            meta["xmp:CreatorTool"] = info.creator
        try:
            pdfa.save(pdf, dest, FLAVOUR, repair=False, deterministic_id=True,
                      compress_streams=False)
        except pdfa.PdfaError as exc:
            summary = exc.report.summary(limit=10)
            raise VerificationFailed(
                f"归档卷宗未通过 PDF/A-3b 校验，未写入归档：\n{summary}",
                f"The archive dossier does not validate as PDF/A-3b; nothing was archived:\n"
                f"{summary}",
                fix_zh="卷宗须嵌入全部字体且不含透明/加密/外部链接；请报告此问题。",
                fix_en="The dossier must embed every font and hold no encryption or external "
                       "links; please report this.",
            ) from None


def validate(path: Path) -> list[str]:
    """PDF/A-3b findings of a written file; empty when it passes."""
    pdfa = load_pdfa()
    report = pdfa.validate_written(path, FLAVOUR)
    return [] if report.passed else [str(f) for f in report.findings]


@dataclass(frozen=True)
class Embedded:
    name: str
    sha256: str
    size: int
    relationship: str | None
    mime: str | None


@dataclass(frozen=True)
class EmbeddedFiles:
    files: dict[str, Embedded]
    manifest: bytes | None  # the bytes of the embedded manifest.json, if any
    claims_pdfa: bool


def _embedded(name: str, spec: Any) -> tuple[Embedded, bytes]:
    stream = spec.get_file()
    data = bytes(stream.read_bytes())
    rel, subtype = spec.obj.get("/AFRelationship"), stream.obj.get("/Subtype")
    return Embedded(name, hashlib.sha256(data).hexdigest(), len(data),
                    str(rel)[1:] if rel is not None else None,
                    str(subtype)[1:] if subtype is not None else None), data


def read_embedded(path: Path) -> EmbeddedFiles:
    """Every embedded file hashed (decoded in memory one at a time); ValueError if unreadable."""
    pikepdf = load_pikepdf()
    files: dict[str, Embedded] = {}
    manifest = None
    try:
        with pikepdf.open(path) as pdf:
            for name, spec in pdf.attachments.items():
                files[name], data = _embedded(name, spec)
                if name == MANIFEST_NAME:
                    manifest = data
            claims = bool(pdf.open_metadata().get("pdfaid:part"))
    except (pikepdf.PdfError, pikepdf.DataDecodingError, OSError, KeyError) as exc:
        raise ValueError(str(exc)) from None
    return EmbeddedFiles(files, manifest, claims)
