"""Evidence-PDF pages drawn as images, in a child process with a memory and time budget.

An evidence PDF's page goes into the dossier as a picture of the page, never as the page's
own content: nothing of the evidence (fonts, resources, forms, actions, scripts, embedded
files reachable through a resource) is copied, so the dossier page is content only by
construction and PDF/A-safe whatever the evidence uses (unembedded or Type 3 fonts, CMYK,
patterns, transparency). The original stays byte-for-byte in the case's object store and is
attached where the edition attaches originals (always in the archive's PDF/A).

PDFium (the ``pypdfium2`` wheel) draws the pages in ``evidence_child``, one process per
exhibit, with its address space capped (:data:`MEMORY_BYTES`) and a wall-clock deadline per
page (:data:`PAGE_SECONDS`) and per exhibit (:data:`EXHIBIT_SECONDS`). A page the child cannot
draw within that (a Flate bomb, a crash, a PDF PDFium cannot open) becomes a placeholder
page that names the exhibit and says why (``evidence_placeholder``), and a warning is logged.
Personal data of the kinds the profile masks, where the page's text holds it, is painted over
in the child before the image is encoded (``evidence_pii``). Results are kept in the build's
work folder, keyed on those kinds too, so the second edition reuses the first's.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from disputekit.privacy.pii import ALL_KINDS, PiiKind

log = logging.getLogger(__name__)

DPI = 200
"""Resolution of a drawn page, relative to its slot on the dossier page (an A4 page fitted
into the slot is drawn at ~158 dpi of the original). Compared on the dossier's own 8-9 pt
Chinese tables: 150 dpi is legible but visibly softer when zoomed, 200 dpi crisp; small print
on receipts and inspection reports is what an arbiter zooms into. 200 dpi costs ~1.8x the
pixels of 150. Together with the slot this bounds a page's pixels (~1,340 x 1,840)."""

MAX_SIDE_PX = 2_000
"""Backstop on either side of a drawn page, in pixels (a child's answer above it is refused).
The slot at :data:`DPI` is about 1,340 x 1,840 px, so this never binds for the layout we
have; it keeps a layout change from turning into 10,000-pixel bitmaps."""

MAX_DRAWN_PAGES = 200
"""Pages of one evidence PDF drawn into the dossier; later pages are listed as not drawn.
An arbiter reads the pages that matter (invoices, inspection reports: a few pages); `add`
accepts up to 5,000 pages. Measured: 200 dense text pages draw in ~21 s into ~6 MB; 5,000
would take ~9 minutes and make a dossier nobody pages through. The original, with every page,
stays in the case (and in the archive)."""

MEMORY_BYTES = 512 * 1024 * 1024
"""Address space of the rendering child. Measured peak RSS of the child over every corpus PDF
`add` accepts: 45-84 MB; 200 dense text pages: 89 MB; a 22,000 x 22,000-pixel image (PDFium
decodes it scaled down): 121 MB. This leaves ~6x that. A Flate bomb (1.5 MB inflating to
1.5 GB of content stream) reaches it within a second or two and is stopped; the issue
measured 3.2 GB in the builder before."""

PAGE_SECONDS = 15.0
"""Wall-clock budget for one page. Every corpus PDF draws in at most 0.7 s per child,
start-up included, on a loaded 2-core machine; a page that takes 20 times that is hostile or
broken, and one page must not hold a build for minutes."""

EXHIBIT_SECONDS = 120.0
"""Wall-clock budget for all pages of one exhibit; pages left when it is used up become
notices. The :data:`MAX_DRAWN_PAGES` dense text pages take ~21 s."""

START_SECONDS = 10.0
"""Budget for the child to start and open the document (Python start-up, loading PDFium and
parsing the cross-reference table), added to the first page's."""


JOBS = 2
"""Exhibits rendered at the same time (one child process each): the build machine we aim at
has 2 cores; each child is single-threaded."""


@dataclass(frozen=True)
class PageImage:
    """A drawn page: the image file, its pixel size, whether it is greyscale, the page's
    /Rotate, its text runs ``(text, x0, y0, x1, y1)`` in pixels of the image (personal data
    masked) and how many boxes of personal data were painted over on the image."""

    path: Path
    width: int
    height: int
    gray: bool
    rotation: int = 0
    text: tuple[tuple[str, int, int, int, int], ...] = ()
    covered: int = 0

    @property
    def jpeg(self) -> bool:
        return self.path.suffix == ".jpg"


@dataclass(frozen=True)
class NotDrawn:
    """Why a page could not be drawn: ``unreadable``, ``memory``, ``time``, ``budget``, ``text``,
    ``error``."""

    reason: str
    detail: str = ""


PageResult = PageImage | NotDrawn


def kinds_argument(kinds: frozenset[PiiKind]) -> str:
    """The kinds of personal data to paint over, as the child reads them (sorted: the same
    switches give the same argument and the same cache folder)."""
    return ",".join(sorted(kinds))


def _child_command(source: Path, dest: Path, box: tuple[float, float], first: int,
                   last: int, kinds: frozenset[PiiKind]) -> list[str]:
    return [sys.executable, "-m", "disputekit.assemble.pdf.evidence_child", str(source),
            str(dest), f"{box[0]:.4f}", f"{box[1]:.4f}", str(DPI), str(first), str(last),
            str(MEMORY_BYTES), kinds_argument(kinds)]


def _reader(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


@dataclass
class _Run:
    """One child process drawing pages ``first``..``last``."""

    proc: subprocess.Popen[str]
    lines: queue.Queue[str | None]
    errors: Path  # the child's stderr

    def next(self, timeout: float) -> dict[str, object] | None:
        """The next record; ``None`` at the end of output; TimeoutError past ``timeout``."""
        try:
            line = self.lines.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            raise TimeoutError from None
        if line is None:
            return None
        try:
            record = json.loads(line)
        except ValueError:
            return {}
        return record if isinstance(record, dict) else {}

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.kill()
        return self.proc.wait()

    def failure(self) -> NotDrawn | None:
        """Why the child ended before the page: killed by a signal (PDFium aborts when its
        allocation fails under the address-space cap) or Python's MemoryError → ``memory``;
        any other error (PDFium not installed…) → ``error`` with its last line; ``None`` when
        it ended normally (the document has fewer pages than were counted at ``add``)."""
        code = self.stop()
        if code == 0:
            return None
        try:
            lines = self.errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            lines = []
        last = lines[-1][:200] if lines else f"exit status {code}"
        if code < 0 or "MemoryError" in last:
            return NotDrawn("memory", last)
        return NotDrawn("error", last)


def _start(source: Path, dest: Path, box: tuple[float, float], first: int, last: int,
           kinds: frozenset[PiiKind]) -> _Run:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    errors = dest / f"child-{first}.err"
    with errors.open("wb") as sink:
        proc = subprocess.Popen(_child_command(source, dest, box, first, last, kinds), env=env,
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=sink,
                                text=True, encoding="utf-8")
    lines: queue.Queue[str | None] = queue.Queue()
    assert proc.stdout is not None
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    return _Run(proc, lines, errors)


def _image(dest: Path, record: dict[str, object]) -> PageResult:
    name = str(record.get("file", ""))
    width, height = record.get("width"), record.get("height")
    path = dest / name
    if (not isinstance(width, int) or not isinstance(height, int) or "/" in name
            or not path.is_file() or max(width, height) > MAX_SIDE_PX):
        return NotDrawn("error", "the renderer's output is incomplete")
    rotation, covered = record.get("rotation"), record.get("covered")
    return PageImage(path, width, height, bool(record.get("gray")),
                     rotation if isinstance(rotation, int) else 0, _runs(record.get("text")),
                     covered if isinstance(covered, int) else 0)


def _runs(value: object) -> tuple[tuple[str, int, int, int, int], ...]:
    """The text runs of a child's record, each checked (anything malformed is dropped)."""
    if not isinstance(value, list):
        return ()
    runs = []
    for run in value:
        if (isinstance(run, list) and len(run) == 5 and isinstance(run[0], str)
                and all(isinstance(v, int) for v in run[1:])):
            runs.append((run[0], run[1], run[2], run[3], run[4]))
    return tuple(runs)


def render_pages(source: Path, dest: Path, count: int, box: tuple[float, float],
                 kinds: frozenset[PiiKind] = ALL_KINDS) -> dict[int, PageResult]:
    """Draw pages 1..``count`` of ``source`` into ``dest``, personal data of ``kinds`` painted
    over; every page gets a result."""
    dest.mkdir(parents=True, exist_ok=True)
    results: dict[int, PageResult] = {}
    deadline = time.monotonic() + EXHIBIT_SECONDS
    first = 1
    while first <= count:
        run = _start(source, dest, box, first, count, kinds)
        page, extra = first, START_SECONDS
        try:
            while page <= count:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                record = run.next(min(PAGE_SECONDS + extra, left))
                extra = 0.0
                if record is None:  # the child ended before drawing this page
                    failure = run.failure()
                    if failure is None:  # PDFium sees fewer pages: the rest are not there
                        return _missing(results, count)
                    results[page] = failure
                    page += 1
                    break
                if "open_error" in record:
                    for n in range(first, count + 1):
                        results[n] = NotDrawn("unreadable", str(record["open_error"]))
                    return results
                if record.get("page") != page:
                    continue
                if "error" in record:
                    results[page] = NotDrawn("error", str(record["error"]))
                elif record.get("refused") == "text":
                    results[page] = NotDrawn("text", str(record.get("detail", "")))
                else:
                    results[page] = _image(dest, record)
                page += 1
        except TimeoutError:
            results[page] = NotDrawn("time")
            page += 1
        finally:
            run.stop()
        if time.monotonic() >= deadline:
            for n in range(page, count + 1):
                results.setdefault(n, NotDrawn("budget"))
            break
        first = page
    return _missing(results, count)


def _missing(results: dict[int, PageResult], count: int) -> dict[int, PageResult]:
    for n in range(1, count + 1):  # pages PDFium does not have (fewer than counted)
        results.setdefault(n, NotDrawn("error", "page not found"))
    return results


def _record(result: PageResult) -> dict[str, object]:
    if isinstance(result, PageImage):
        return {"file": result.path.name, "width": result.width, "height": result.height,
                "gray": result.gray, "rotation": result.rotation, "covered": result.covered,
                "text": [list(run) for run in result.text]}
    return {"reason": result.reason, "detail": result.detail}


def _load(dest: Path, record: dict[str, object]) -> PageResult:
    if "file" in record:
        return _image(dest, record)
    reason = str(record.get("reason"))
    return NotDrawn(reason if reason in REASONS else "error", str(record.get("detail", "")))


@dataclass
class EvidencePages:
    """Drawn pages of each exhibit, kept in the build's work folder: rendered once per build
    (the second edition reads ``pages.json`` the first wrote). A folder is keyed on the kinds
    of personal data painted over too, so pages drawn under other switches are never reused."""

    work: Path
    box: tuple[float, float]
    done: dict[str, dict[int, PageResult]]
    kinds: frozenset[PiiKind] = ALL_KINDS

    def folder(self, exhibit: str, source: Path) -> Path:
        key = (f"{exhibit}\0{source}\0{self.box[0]:.4f}x{self.box[1]:.4f}@{DPI}"
               f"\0{kinds_argument(self.kinds)}")
        return self.work / "evidence-pages" / hashlib.sha256(key.encode()).hexdigest()[:24]

    def pages(self, exhibit: str, source: Path, count: int) -> dict[int, PageResult]:
        if exhibit in self.done:
            return self.done[exhibit]
        dest = self.folder(exhibit, source)
        listing = dest / "pages.json"
        if listing.is_file():
            stored = json.loads(listing.read_text(encoding="utf-8"))
            pages = {int(n): _load(dest, r) for n, r in stored.items()}
        else:
            pages = render_pages(source, dest, min(count, MAX_DRAWN_PAGES), self.box, self.kinds)
            _warn(exhibit, pages)
            data = json.dumps({str(n): _record(r) for n, r in sorted(pages.items())})
            (dest / "pages.json.part").write_text(data, encoding="utf-8")
            os.replace(dest / "pages.json.part", listing)
        self.done[exhibit] = pages
        return pages

    def prepare(self, wanted: dict[str, tuple[Path, int]]) -> None:
        """Render several exhibits at once (:data:`JOBS` children), in any order: each has its
        own folder, so the bytes do not depend on which finishes first."""
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=JOBS) as pool:
            found = pool.map(lambda item: (item[0], self.pages(item[0], *item[1])),
                             sorted(wanted.items()))
            for exhibit, pages in list(found):
                self.done[exhibit] = pages

    def page(self, exhibit: str, source: Path, n: int, count: int) -> PageResult:
        return self.pages(exhibit, source, count).get(n, NotDrawn("error", "page not found"))


REASONS = {
    "unreadable": ("PDF 阅读引擎无法打开此文件", "the PDF engine cannot open this file"),
    "memory": ("绘制时超出内存预算或渲染器崩溃", "drawing it exceeded the memory budget or crashed the renderer"),
    "time": ("绘制超出时间预算", "drawing it exceeded the time budget"),
    "budget": ("本证据的绘制时间预算已用完", "the time budget for this exhibit was used up"),
    "text": ("此页文字过多，无法检查其中的个人信息", "the page holds too much text to check it for personal data"),
    "error": ("PDF 阅读引擎报告此页有错误", "the PDF engine reported an error on this page"),
}
"""Why a page was not drawn, in both languages (placeholder page and warning)."""


def _warn(exhibit: str, pages: dict[int, PageResult]) -> None:
    missing = {n: r for n, r in pages.items() if isinstance(r, NotDrawn)}
    if not missing:
        return
    numbers = ", ".join(str(n) for n in sorted(missing)[:10]) + (" …" if len(missing) > 10 else "")
    first = missing[min(missing)]
    zh, en = REASONS[first.reason]
    said_zh = (f"证据 {exhibit} 的 PDF 有 {len(missing)} 页无法绘制（第 {numbers} 页：{zh}），"
               "卷宗中以说明页代替；原件不受影响。")
    said_en = (f"{len(missing)} page(s) of the PDF of {exhibit} could not be drawn (page {numbers}: "
               f"{en}); the dossier shows a notice page instead; the original is unchanged.")
    log.warning("%s / %s", said_zh, said_en, extra={"zh": said_zh, "en": said_en})
