"""Facts about a PDF: pages, text presence, title, active content; refusals that say what to do.

pypdf reads in non-strict mode, so broken xref tables and off-by-one ``startxref`` values are
repaired (and reported as a warning). Bounded work: text is extracted from the first
:data:`~disputekit.collect.parse.limits.PDF_TEXT_PAGES` pages only, active content is looked for on
the catalog and the first pages, and the whole parse runs under a wall-clock deadline (on
POSIX, in the main thread). Nothing but :class:`~disputekit.errors.InputFileError` escapes.
"""

from __future__ import annotations

import logging
import signal
import struct
import threading
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TypedDict

from pypdf import PdfReader
from pypdf.errors import DependencyError, PyPdfError
from pypdf.generic import BooleanObject

from disputekit.collect.parse.limits import (
    PDF_MAX_PAGES,
    PDF_PARSE_SECONDS,
    PDF_TEXT_CHARS,
    PDF_TEXT_PAGES,
    check_file_size,
)
from disputekit.collect.sniff import sniff
from disputekit.errors import InputFileError
from disputekit.kinds import Hints
from disputekit.models.facts import DocumentFacts

PDF_SCAN_PAGES = 50
"""Pages whose annotations are checked for JavaScript/Launch actions and attachments."""

PDF_ERRORS: tuple[type[BaseException], ...] = (
    PyPdfError,
    OSError,
    ValueError,  # includes UnicodeDecodeError
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    RuntimeError,  # includes RecursionError, NotImplementedError
    struct.error,
    zlib.error,
    MemoryError,
)
"""What pypdf raises on hostile input."""

_TRAILER_WINDOW = 64 * 1024
_FIX_ZH = "请用 PDF 阅读器打开后“另存为”或“打印为 PDF”，再添加新文件。"
_FIX_EN = "Open it in a PDF reader, use Save As (or Print to PDF), then add the new file."


class _Timeout(BaseException):  # not swallowed by pypdf's `except Exception`
    """The parse deadline passed."""


@dataclass
class _Notes:
    """Warnings gathered while reading: pypdf's repairs and our own findings."""

    repairs: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        if not self.repairs:
            return self.warnings
        first = self.repairs[0][:160]
        summary = (
            f"PDF 结构不规范，已自动修复（{len(self.repairs)} 处）/ "
            f"Malformed PDF structure repaired ({len(self.repairs)} issues; first: {first})"
        )
        return [summary, *self.warnings]


def parse_pdf(path: Path) -> DocumentFacts:
    """Read a PDF's facts; InputFileError when it is encrypted, broken or not a PDF."""
    check_file_size(path)
    _require_pdf(path)
    notes = _Notes()
    with _pdf_errors(path), _pypdf_messages(notes), _deadline(path, PDF_PARSE_SECONDS):
        reader = PdfReader(path, strict=False)
        _unlock(reader, path, notes)
        pages = _page_count(reader, path)
        _refuse_dynamic_xfa(reader, path)
        return DocumentFacts(
            pages=pages,
            has_text=_has_text(reader, pages, notes),
            title=_title(reader, notes),
            **_active_content(reader, pages),
            warnings=notes.all(),
        )


def _require_pdf(path: Path) -> None:
    found = sniff(path)
    if found.kind != "pdf":
        raise InputFileError(
            f"{path.name} 不是 PDF：按内容识别为 {found.format} 格式。",
            f"{path.name} is not a PDF: by its content it is {found.format}.",
            fix_zh="请按文件的实际类型添加（图片、聊天记录或物流记录）。",
            fix_en="Add it as what it really is (an image, a chat export or a tracking record).",
        )


@contextmanager
def _pdf_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except InputFileError:
        raise
    except DependencyError:  # pypdf needs `cryptography` for AES
        raise _encrypted(path, needs_crypto=True) from None
    except PDF_ERRORS as exc:
        raise _encrypted(path) if _declares_encryption(path) else _damaged(path, exc) from None


def _declares_encryption(path: Path) -> bool:
    """Whether a trailer (at the start of linearized files, else at the end) has /Encrypt."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_TRAILER_WINDOW)
            fh.seek(max(0, path.stat().st_size - _TRAILER_WINDOW))
            tail = fh.read(_TRAILER_WINDOW)
    except OSError:
        return False
    return b"/Encrypt" in head or b"/Encrypt" in tail


def _damaged(path: Path, exc: BaseException) -> InputFileError:
    lines = str(exc).strip().splitlines()
    cause = f"{type(exc).__name__}: {lines[0][:200] if lines else 'no details'}"
    return InputFileError(
        f"无法读取 PDF {path.name}：文件已损坏，且无法自动修复（{cause}）。",
        f"Cannot read the PDF {path.name}: it is damaged beyond automatic repair ({cause}).",
        fix_zh=_FIX_ZH,
        fix_en=_FIX_EN,
    )


@contextmanager
def _pypdf_messages(notes: _Notes) -> Iterator[None]:
    """Collect pypdf's log warnings and PdfReadWarnings as repairs instead of printing them."""
    logger = logging.getLogger("pypdf")
    handler = _ListHandler(notes.repairs)
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        notes.repairs.extend(str(item.message) for item in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record.getMessage())


@contextmanager
def _deadline(path: Path, seconds: float) -> Iterator[None]:
    """Interrupt the parse after ``seconds`` (SIGALRM; a no-op off the main thread or POSIX)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Timeout:
        raise InputFileError(
            f"PDF {path.name} 的结构过于复杂，{seconds:g} 秒内未能读完，已放弃。",
            f"The PDF {path.name} is too complex to read within {seconds:g} seconds; gave up.",
            fix_zh=_FIX_ZH,
            fix_en=_FIX_EN,
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _unlock(reader: PdfReader, path: Path, notes: _Notes) -> None:
    """Accept an encrypted PDF only when the empty user password opens it."""
    try:
        if not reader.is_encrypted:
            return
        opened = bool(reader.decrypt(""))
    except DependencyError:
        raise _encrypted(path, needs_crypto=True) from None
    except PDF_ERRORS:
        opened = False
    if not opened:
        raise _encrypted(path)
    notes.warnings.append(
        "PDF 设有权限密码，但无需密码即可打开 / "
        "The PDF has an owner password (restricted permissions) but opens without a password"
    )


def _encrypted(path: Path, *, needs_crypto: bool = False) -> InputFileError:
    extra_zh = "（检查该加密方式还需要安装 cryptography 组件）" if needs_crypto else ""
    extra_en = " (checking this kind of encryption also needs the cryptography package)"
    return InputFileError(
        f"PDF 已加密：{path.name} 需要密码才能打开{extra_zh}。",
        f"The PDF is encrypted: {path.name} needs a password to open"
        f"{extra_en if needs_crypto else ''}.",
        fix_zh="请先用密码打开并另存为未加密的 PDF 再添加。",
        fix_en="Open it with its password and save an unencrypted copy, then add that.",
    )


def _page_count(reader: PdfReader, path: Path) -> int:
    pages = len(reader.pages)
    if pages == 0:
        raise InputFileError(
            f"PDF {path.name} 没有任何页面。",
            f"The PDF {path.name} has no pages.",
            fix_zh=_FIX_ZH,
            fix_en=_FIX_EN,
        )
    if pages > PDF_MAX_PAGES:
        raise InputFileError(
            f"PDF {path.name} 有 {pages} 页，超过 {PDF_MAX_PAGES} 页的上限。",
            f"The PDF {path.name} has {pages} pages; the limit is {PDF_MAX_PAGES}.",
            fix_zh="请只保留与本次纠纷相关的页面后再添加。",
            fix_en="Keep only the pages that concern this dispute, then add it.",
        )
    return pages


def _refuse_dynamic_xfa(reader: PdfReader, path: Path) -> None:
    """A LiveCycle dynamic form's pages are a "please wait" placeholder outside Adobe Reader."""
    if not _needs_rendering(_get(reader.trailer, "/Root")):
        return
    raise InputFileError(
        f"PDF {path.name} 是动态 XFA 表单（Adobe LiveCycle），只有 Adobe Reader 能显示其内容。",
        f"The PDF {path.name} is a dynamic XFA form (Adobe LiveCycle); only Adobe Reader can "
        "show its content.",
        fix_zh="请在 Adobe Reader 中打开并“打印为 PDF”，再添加新文件。",
        fix_en="Open it in Adobe Reader, print it to PDF, then add the new file.",
    )


def _has_text(reader: PdfReader, pages: int, notes: _Notes) -> bool:
    """Whether any of the first pages has extractable text (scans have none)."""
    for index in range(min(pages, PDF_TEXT_PAGES)):
        try:
            text = reader.pages[index].extract_text() or ""
        except PDF_ERRORS as exc:
            notes.warnings.append(
                f"第 {index + 1} 页的文字无法提取 / "
                f"Text of page {index + 1} could not be extracted ({type(exc).__name__})"
            )
            continue
        if text[:PDF_TEXT_CHARS].strip():
            return True
    return False


def _title(reader: PdfReader, notes: _Notes) -> str | None:
    try:
        info = reader.metadata
        title = info.title if info is not None else None
    except PDF_ERRORS:
        notes.warnings.append("PDF 元数据无法读取，已忽略 / Unreadable PDF metadata ignored")
        return None
    if not isinstance(title, str):
        return None
    return title.replace("\x00", "").strip() or None


# --- active content --------------------------------------------------------------------------


class _Active(TypedDict):
    has_javascript: bool
    has_open_action: bool
    has_launch_action: bool
    has_attachments: bool
    has_forms: bool
    has_xfa: bool


def _active_content(reader: PdfReader, pages: int) -> _Active:
    """JavaScript, automatic/launch actions, attachments, forms and XFA, from the catalog and
    the first :data:`PDF_SCAN_PAGES` pages' annotations. Unreadable parts count as absent."""
    catalog = _get(reader.trailer, "/Root")
    names = _get(catalog, "/Names")
    form = _get(catalog, "/AcroForm")
    actions = [_get(catalog, "/OpenAction"), *_additional_actions(catalog)]
    annotations = _annotations(reader, min(pages, PDF_SCAN_PAGES))
    actions += [_get(annot, "/A") for annot in annotations]
    for annot in annotations:
        actions += _additional_actions(annot)
    kinds = {kind for kind in (_get(action, "/S") for action in actions) if isinstance(kind, str)}
    attached = any(_get(annot, "/Subtype") == "/FileAttachment" for annot in annotations)
    return _Active(
        has_javascript=_get(names, "/JavaScript") is not None or "/JavaScript" in kinds,
        has_open_action=_get(catalog, "/OpenAction") is not None,
        has_launch_action="/Launch" in kinds,
        has_attachments=_get(names, "/EmbeddedFiles") is not None or attached,
        has_forms=bool(_get(form, "/Fields")),
        has_xfa=_get(form, "/XFA") is not None or _needs_rendering(catalog),
    )


def _needs_rendering(catalog: Any) -> bool:
    """``/NeedsRendering true`` marks a dynamic XFA form."""
    value = _get(catalog, "/NeedsRendering")
    return isinstance(value, BooleanObject) and bool(value)


def _get(obj: Any, key: str) -> Any:
    """``obj[key]`` resolved, or None for anything missing, broken or not a dictionary."""
    try:
        value: Any = obj.get(key) if hasattr(obj, "get") else None
        return value.get_object() if hasattr(value, "get_object") else value
    except PDF_ERRORS:
        return None


def _additional_actions(obj: Any) -> list[Any]:
    triggers = _get(obj, "/AA")
    if not hasattr(triggers, "keys"):
        return []
    return [_get(triggers, key) for key in list(triggers.keys())]


def _annotations(reader: PdfReader, pages: int) -> list[Any]:
    found: list[Any] = []
    for index in range(pages):
        try:
            annots = _get(reader.pages[index], "/Annots")
        except PDF_ERRORS:
            continue
        if isinstance(annots, list):
            found += [_resolve(item) for item in annots]
    return found


def _resolve(item: Any) -> Any:
    try:
        return item.get_object() if hasattr(item, "get_object") else item
    except PDF_ERRORS:
        return None


def read_pdf(path: Path, hints: Hints) -> DocumentFacts:
    """The ``document`` kind's parser (kinds table)."""
    return parse_pdf(path)
